package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// version is what --version prints; the Makefile sets it with
// -ldflags '-X main.version=…' (VERSION, by default from git describe).
var version = "0.0.0-dev"

// exitError carries a process exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// errUsage marks a command-line mistake (exit 2); flag has printed why.
var errUsage = errors.New("usage")

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"daemon", "run the Touch Bar daemon (the default)", runDaemon},
		{"render", "draw a layer to a PNG file", runRender},
		{"check", "validate config files", runCheck},
		{"keys", "list the key names Action accepts", runKeys},
		{"preview", "show the bar in a Wayland window, live", runPreview},
		{"doctor", "report what the daemon sees, for a bug report", runDoctor},
		{"session", "the session companion: run commands and widgets as the desktop user", runSession},
	}
}

// run runs the command line args and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name, rest := "daemon", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, rest = args[0], args[1:]
	}
	switch name {
	case "help":
		usage(stdout)
		return 0
	case "version":
		fmt.Fprintln(stdout, "tiny-dfr", version)
		return 0
	}
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help":
			usage(stdout)
			return 0
		case "-version", "--version":
			fmt.Fprintln(stdout, "tiny-dfr", version)
			return 0
		}
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, rest, stdout, stderr)
		var ee *exitError
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		case errors.As(err, &ee):
			if ee.err != nil {
				fmt.Fprintln(stderr, "tiny-dfr:", ee.err)
			}
			return ee.code
		default:
			fmt.Fprintln(stderr, "tiny-dfr:", err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "tiny-dfr: unknown command %q\n", name)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "tiny-dfr %s — function keys on the Touch Bar\n\nUsage: tiny-dfr [command] [flags]\n\nCommands:\n", version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n`tiny-dfr COMMAND --help` shows a command's flags; `tiny-dfr --version` the version.")
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: tiny-dfr %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs, mapping mistakes to errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}
