// Package killtest runs a command's main in a subprocess of its own test
// binary and kills it with SIGKILL, for tests that check a stage resumes
// after being killed at any moment.
//
// In the command's TestMain:
//
//	killtest.RunIfChild(func(args []string) { os.Args = append([]string{"fetch"}, args...); cli.Main(program) })
//
// and in a test:
//
//	killed := killtest.KillAfter(t, []string{"wikipedia", "--dump", d, "--out", out}, 150*time.Millisecond)
package killtest

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const envVar = "BERTLINE_KILLTEST_ARGS"

// sep separates arguments in the environment variable (NUL is not allowed
// in environment values).
const sep = "\x1f"

// RunIfChild calls main with the arguments passed by KillAfter when the
// test binary runs as the child, and does not return then; otherwise it
// does nothing.
func RunIfChild(main func(args []string)) {
	if v, ok := os.LookupEnv(envVar); ok {
		main(strings.Split(v, sep))
		os.Exit(0)
	}
}

// KillAfter starts the command with args in a subprocess, kills it with
// SIGKILL after delay, and reports whether it was still running then.
func KillAfter(t *testing.T, args []string, delay time.Duration) (killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envVar+"="+strings.Join(args, sep))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(delay)
	cmd.Process.Kill()
	return cmd.Wait() != nil
}

// SignalAfter starts the command with args in a subprocess, sends it sig
// after delay, and returns its exit code once it has exited (-1 when a
// signal ended it). It is for checking that a command handles a signal
// itself, as train does with SIGTERM and SIGUSR1.
func SignalAfter(t *testing.T, args []string, sig syscall.Signal, delay time.Duration) (exitCode int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envVar+"="+strings.Join(args, sep))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(delay)
	cmd.Process.Signal(sig)
	cmd.Wait()
	return cmd.ProcessState.ExitCode()
}
