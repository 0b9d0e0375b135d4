package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", "check [FILE...]  (default: the installed "+defaultBaseConfig+" and "+defaultUserConfig+")", stderr)
	quiet := fs.Bool("q", false, "print errors only, not warnings")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		for _, p := range []string{defaultBaseConfig, defaultUserConfig} {
			if _, err := os.Stat(p); err == nil {
				files = append(files, p)
			}
		}
		if len(files) == 0 {
			fmt.Fprintf(stdout, "no %s nor %s: the built-in default is used\n", defaultBaseConfig, defaultUserConfig)
			return nil
		}
	}
	bad := false
	for _, path := range files {
		diags, err := checkFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", path, err)
			bad = true
			continue
		}
		fileBad := false
		for _, d := range diags {
			fileBad = fileBad || d.Severity == config.Error
			if *quiet && d.Severity != config.Error {
				continue
			}
			fmt.Fprintln(stderr, d.Error())
		}
		if !fileBad {
			fmt.Fprintf(stdout, "%s: ok\n", path)
		}
		bad = bad || fileBad
	}
	if bad {
		return &exitError{code: 1}
	}
	return nil
}

// checkFile validates one file on its own (as a user file over the built-in
// default) and, when it is usable, loads its icons and fonts to report what
// would be missing on the bar.
func checkFile(path string) ([]config.Diagnostic, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	diags := config.Check(path, data)
	for _, d := range diags {
		if d.Severity == config.Error {
			return diags, nil
		}
	}
	cfg, _ := config.Load("", path)
	for _, length := range []int{2170} {
		r := layouts.Build(cfg, length, 60)
		_, rd := render.New(r, render.Options{FontTemplate: cfg.FontTemplate, ShowOutlines: cfg.ShowButtonOutlines})
		diags = append(diags, rd...)
	}
	return diags, nil
}
