package main

import (
	"context"
	"errors"
	"io"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/preview"
)

func runPreview(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var opts preview.Options
	fs := newFlags("preview", "preview [--config F] [--length 2008|2170] [--scale N]", stderr)
	fs.StringVar(&opts.Config, "config", config.UserPath, "config `file` to show and watch")
	fs.StringVar(&opts.Base, "base-config", config.BasePath, "base config `file` (missing: the built-in default)")
	fs.IntVar(&opts.Length, "length", 2008, "bar length: 2008 or 2170 (adds esc)")
	fs.IntVar(&opts.Scale, "scale", 1, "integer zoom `N` (1–8)")
	fs.StringVar(&opts.BatteryRoot, "battery-root", "", "power supply `dir` for battery buttons")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	err := preview.Run(ctx, opts, stdout, stderr)
	if errors.Is(err, preview.ErrNoDisplay) {
		return &exitError{2, err} // says why and points to `tiny-dfr render`
	}
	return err
}
