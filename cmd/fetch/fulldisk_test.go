//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/manifest"
)

// A full disk is a one-line error naming the file, and nothing that looks
// complete is left behind. The test mounts a tiny tmpfs, so it runs only
// where that is allowed (root on Linux) and skips elsewhere.
func TestFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a file system")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=16k"); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v", err)
	}
	defer func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			exec.Command("umount", "-l", dir).Run()
		}
	}()
	out := filepath.Join(dir, "wiki")
	_, err := run(t, "wikipedia", "--dump", sample+"enwiki-sample-pages-articles.xml", "--out", out)
	if err == nil {
		t.Fatal("fetch into a full file system succeeded")
	}
	msg := err.Error()
	if cli.ExitCode(err) != 1 || !strings.Contains(msg, "no space left on device") || !strings.Contains(msg, out) || strings.Contains(msg, "\n") {
		t.Errorf("error %q (exit %d): want one line naming %s and the full disk", msg, cli.ExitCode(err), out)
	}
	for _, name := range []string{manifest.Name, "documents.jsonl", "part-00000.txt.zst"} {
		if _, err := os.Stat(filepath.Join(out, name)); err == nil {
			t.Errorf("%s left behind on a full disk", name)
		}
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
