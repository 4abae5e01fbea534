// Package cli holds the conventions every bertline binary follows:
//
//   - a program is a set of subcommands (`fetch wikipedia`, `fetch books` …),
//     each parsing its own flags with pflag;
//   - `--help` (or `-h`, or `help CMD`) prints usage on stdout and exits 0;
//   - a usage error (unknown flag, missing argument) prints one line and the
//     usage hint on stderr and exits 2;
//   - a failure prints one line, "prog cmd: what went wrong", and exits 1 —
//     never a panic trace;
//   - SIGINT/SIGTERM cancel the context so that stages stop between units of
//     work and leave only complete outputs behind.
//
// main functions stay tiny:
//
//	func main() { cli.Main(program) }
//
// and tests call Program.Run with their own arguments and writers.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/bertline/bertline/pkg/version"
)

// Command is one subcommand of a Program.
type Command struct {
	Name    string // as typed: "wikipedia"
	Summary string // one line for the program's command list
	// Run parses args (the arguments after the command name) and does the
	// work. Use NewFlagSet so that --help and usage errors behave alike.
	Run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// Program is a binary made of subcommands.
type Program struct {
	Name     string // "fetch"
	Summary  string // what the binary does, one line
	Commands []Command
}

// UsageError is a mistake in the command line; it exits with status 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// errHelp marks a request for help that was already answered.
var errHelp = pflag.ErrHelp

// NewFlagSet returns a flag set whose usage text is "usage: " + synopsis,
// then description, then the flag defaults. Parse it with Parse.
func NewFlagSet(name, synopsis, description string, stdout io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "usage: %s\n\n", synopsis)
		if description != "" {
			fmt.Fprintf(stdout, "%s\n\n", strings.TrimSpace(description))
		}
		fmt.Fprintf(stdout, "flags:\n%s", fs.FlagUsages())
	}
	return fs
}

// Parse parses args with fs. On --help (pflag prints the usage) it returns an
// error that Program.Run turns into exit status 0; other parse errors come
// back as UsageError.
func Parse(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return errHelp // pflag has printed the usage
		}
		return &UsageError{Err: err}
	}
	return nil
}

// Run dispatches args (without the program name) to a subcommand.
func (p *Program) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		p.usage(stderr)
		return &UsageError{Err: errors.New("no command given")}
	}
	name := args[0]
	switch name {
	case "-h", "--help", "help":
		if len(args) > 1 {
			if c := p.find(args[1]); c != nil {
				if err := c.Run(ctx, []string{"--help"}, stdout, stderr); !errors.Is(err, errHelp) {
					return err
				}
				return nil
			}
		}
		p.usage(stdout)
		return nil
	case "--version", "version":
		fmt.Fprintf(stdout, "%s %s\n", p.Name, version.String())
		return nil
	}
	c := p.find(name)
	if c == nil {
		return Usagef("unknown command %q (see '%s --help')", name, p.Name)
	}
	err := c.Run(ctx, args[1:], stdout, stderr)
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func (p *Program) find(name string) *Command {
	for i := range p.Commands {
		if p.Commands[i].Name == name {
			return &p.Commands[i]
		}
	}
	return nil
}

func (p *Program) usage(w io.Writer) {
	fmt.Fprintf(w, "%s — %s\n\nusage: %s COMMAND [flags]\n\ncommands:\n", p.Name, p.Summary, p.Name)
	for _, c := range p.Commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintf(w, "\nRun '%s COMMAND --help' for the flags of a command.\n", p.Name)
}

// ExitCode maps an error returned by Run to the process exit status.
func ExitCode(err error) int {
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	default:
		return 1
	}
}

// Report prints err as the single line users see.
func Report(w io.Writer, prog string, err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	fmt.Fprintf(w, "%s: %s\n", prog, msg)
	var ue *UsageError
	if errors.As(err, &ue) {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", prog)
	}
}

// Main runs p with the process's arguments, handles signals and exits.
func Main(p *Program) {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := p.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			err = fmt.Errorf("interrupted; finished work is kept, rerun the same command to resume")
		}
		Report(os.Stderr, p.Name, err)
	}
	os.Exit(ExitCode(err))
}
