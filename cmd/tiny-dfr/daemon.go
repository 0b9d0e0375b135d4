package main

import (
	"context"
	"io"
	"os"

	"tiny-dfr/internal/daemon"
)

func runDaemon(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("daemon", "[daemon] [flags]", stderr)
	opts := daemon.Flags(fs)
	newLogger := logFlag(fs, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	daemon.IdleFromConfig(fs, opts) // DimTimeout/OffTimeout unless a flag says otherwise
	log, err := newLogger()
	if err != nil {
		return err
	}
	opts.Logger = log
	defer debugMetrics(ctx, os.Getenv, opts.Logger)()
	opts.TouchProbe = debugTouchProbe(os.Getenv)
	defer debugProfile(os.Getenv, opts.Logger)()
	return daemon.Run(ctx, *opts)
}
