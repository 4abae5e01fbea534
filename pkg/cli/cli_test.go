package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func testProgram(ran *string) *Program {
	return &Program{Name: "demo", Summary: "a demo", Commands: []Command{{
		Name: "greet", Summary: "say hello",
		Run: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			fs := NewFlagSet("greet", "demo greet --name NAME", "Greets someone.", stdout)
			name := fs.String("name", "", "who to greet")
			if err := Parse(fs, args); err != nil {
				return err
			}
			if *name == "" {
				return Usagef("--name is required")
			}
			if *name == "fail" {
				return errors.New("cannot greet\nfail")
			}
			*ran = *name
			return nil
		},
	}}}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		args     []string
		code     int
		stdout   string // substring expected on stdout
		ran      string
		errorMsg string
	}{
		{[]string{"greet", "--name", "bob"}, 0, "", "bob", ""},
		{[]string{"greet", "--help"}, 0, "usage: demo greet --name NAME", "", ""},
		{[]string{"help", "greet"}, 0, "Greets someone.", "", ""},
		{[]string{"--help"}, 0, "greet        say hello", "", ""},
		{[]string{"greet"}, 2, "", "", "--name is required"},
		{[]string{"greet", "--bogus"}, 2, "", "", "unknown flag: --bogus"},
		{[]string{"nope"}, 2, "", "", `unknown command "nope"`},
		{nil, 2, "", "", "no command given"},
		{[]string{"greet", "--name", "fail"}, 1, "", "", "cannot greet; fail"},
	}
	for _, c := range cases {
		var ran string
		var stdout, stderr bytes.Buffer
		err := testProgram(&ran).Run(context.Background(), c.args, &stdout, &stderr)
		if got := ExitCode(err); got != c.code {
			t.Errorf("%q: exit %d (%v), want %d", c.args, got, err, c.code)
		}
		if !strings.Contains(stdout.String(), c.stdout) {
			t.Errorf("%q: stdout %q lacks %q", c.args, stdout.String(), c.stdout)
		}
		if n := strings.Count(stdout.String(), "usage:"); n > 1 {
			t.Errorf("%q: the usage printed %d times", c.args, n)
		}
		if ran != c.ran {
			t.Errorf("%q: ran %q, want %q", c.args, ran, c.ran)
		}
		if c.errorMsg != "" {
			var line bytes.Buffer
			Report(&line, "demo", err)
			first := strings.SplitN(line.String(), "\n", 2)[0]
			if !strings.Contains(first, c.errorMsg) || !strings.HasPrefix(first, "demo: ") {
				t.Errorf("%q: reported %q, want one line with %q", c.args, line.String(), c.errorMsg)
			}
		}
	}
}
