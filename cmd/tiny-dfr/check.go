package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", "check [FILE...]  (default: the installed "+config.BasePath+" and "+config.UserPath+")", stderr)
	quiet := fs.Bool("q", false, "print errors only, not warnings")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		for _, p := range []string{config.BasePath, config.UserPath} {
			// As the daemon: only a missing file is skipped; a FIFO,
			// a directory or a symlink loop there is reported.
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				files = append(files, p)
			}
		}
		if len(files) == 0 {
			fmt.Fprintf(stdout, "no %s nor %s: the built-in default is used\n", config.BasePath, config.UserPath)
			return nil
		}
	}
	bad := false
	for _, path := range files {
		diags := checkFile(path)
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
// default), read and parsed exactly as the daemon reads it
// (config.ParseFile: regular files only, at most 1 MiB, the same limits),
// and, when it is usable, loads its icons and fonts to report what would
// be missing on the bar.
func checkFile(path string) []config.Diagnostic {
	f, diags := config.ParseFile(path)
	if config.HasErrors(diags) {
		return diags
	}
	cfg := config.Default()
	f.Apply(cfg)
	// Layer and Group names, group cycles: what the daemon checks on the
	// merged config before it takes the file.
	if vd := config.Validate(cfg); config.HasErrors(vd) {
		return append(diags, vd...)
	}
	// Both bar lengths (13" 2008 px, 16" 2170 px): a label may fit on one
	// and not the other. A problem said the same way at both is said once.
	seen := map[string]bool{}
	for _, length := range []int{2008, 2170} {
		r := layouts.Build(cfg, length, 60)
		_, rd := render.New(r, render.Options{FontTemplate: cfg.FontTemplate, FontPos: cfg.FontTemplatePos, ShowOutlines: cfg.ShowButtonOutlines})
		for _, d := range rd {
			if k := d.Error(); !seen[k] {
				seen[k] = true
				diags = append(diags, d)
			}
		}
	}
	return diags
}
