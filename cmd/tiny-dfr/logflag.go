package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"tiny-dfr/internal/logging"
)

// logFlag declares --log-level on fs; once fs is parsed, the returned
// function makes the logger: the flag, else $TINY_DFR_LOG_LEVEL, else
// info; journal lines when stderr is the journal's stream.
func logFlag(fs *flag.FlagSet, stderr io.Writer) func() (*slog.Logger, error) {
	level := fs.String("log-level", "", "`level` of the log: debug, info, warn or error (default $"+logging.EnvLevel+", else info); debug says which input devices are followed and why taps do nothing")
	return func() (*slog.Logger, error) {
		s, from := *level, "--log-level"
		if s == "" {
			s, from = os.Getenv(logging.EnvLevel), logging.EnvLevel
		}
		l, err := logging.ParseLevel(s)
		if err != nil {
			return nil, &exitError{code: 2, err: fmt.Errorf("%s: %w", from, err)}
		}
		f, _ := stderr.(*os.File)
		return logging.New(stderr, logging.IsJournal(f, os.Getenv), l), nil
	}
}
