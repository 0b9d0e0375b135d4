package main

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

type renderFlags struct {
	config, base, out, layer, at, batteryRoot string
	length, height, pressed                   int
	level                                     float64
}

func runRender(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f renderFlags
	fs := newFlags("render", "render [flags] -o out.png", stderr)
	fs.StringVar(&f.config, "config", config.UserPath, "user config `file` (missing is fine)")
	fs.StringVar(&f.base, "base-config", config.BasePath, "base config `file` (missing: the built-in default)")
	fs.StringVar(&f.out, "o", "", "output PNG `file` (required; - for stdout)")
	fs.IntVar(&f.length, "length", 2008, "bar length in pixels: 2008 (T2 with Esc key) or 2170 (adds esc)")
	fs.IntVar(&f.height, "height", 60, "bar height in pixels (56–64)")
	fs.StringVar(&f.layer, "layer", "", "layer to draw: primary, media, a [[Layer]] Name or an index from 0 (default: the one shown without Fn); a group is drawn with its ×")
	fs.Float64Var(&f.level, "level", 0.5, "level of sliders, 0–1 (negative: drawn dimmed, as without a backend)")
	fs.IntVar(&f.pressed, "pressed", -1, "draw button `index` (from 0, esc included) as pressed")
	fs.StringVar(&f.at, "time", "", "clock time to show, RFC 3339 (default: now)")
	fs.StringVar(&f.batteryRoot, "battery-root", "/sys/class/power_supply", "power supply `dir` for battery buttons")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "tiny-dfr render: -o out.png is required and no arguments are taken")
		fs.Usage()
		return errUsage
	}
	img, err := renderPNG(f, stderr)
	if err != nil {
		return err
	}
	w := stdout
	if f.out != "-" {
		file, err := os.Create(f.out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	if err := png.Encode(w, img); err != nil {
		return err
	}
	if c, ok := w.(io.Closer); ok && f.out != "-" {
		return c.Close()
	}
	return nil
}

// renderPNG loads the config and draws the asked layer as people see it.
func renderPNG(f renderFlags, stderr io.Writer) (image.Image, error) {
	if f.length < 100 || f.length > 8192 || f.height < 16 || f.height > 256 {
		return nil, &exitError{2, fmt.Errorf("render: bar size %dx%d out of range", f.length, f.height)}
	}
	now := time.Now()
	if f.at != "" {
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return nil, &exitError{2, fmt.Errorf("render: -time: %w", err)}
		}
		now = t
	}
	cfg, diags := config.Load(f.base, f.config)
	if printDiagnostics(stderr, diags) {
		return nil, &exitError{1, fmt.Errorf("render: %s has errors", f.config)}
	}
	lay := layouts.Build(cfg, f.length, f.height)
	layer := (&layouts.Switcher{MediaDefault: cfg.MediaLayerDefault}).Shown()
	if f.layer != "" {
		if layer = lay.Index(f.layer); layer < 0 {
			if n, err := strconv.Atoi(f.layer); err == nil && n >= 0 && n < len(lay.Layers) {
				layer = n
			} else {
				return nil, &exitError{2, fmt.Errorf("render: -layer %q: no such layer; layers: %s", f.layer, strings.Join(layerNames(lay), ", "))}
			}
		}
	}
	r, rdiags := render.New(lay, render.Options{FontTemplate: cfg.FontTemplate, FontPos: cfg.FontTemplatePos, ShowOutlines: cfg.ShowButtonOutlines})
	printDiagnostics(stderr, rdiags)
	bat, _ := battery.Read(f.batteryRoot) // absent battery: the button says N/A
	st := &render.State{Layer: layer, Now: now, Battery: bat}
	if f.level >= 0 {
		level := min(f.level, 1)
		st.Level = func(int, int) (float64, bool) { return level, true }
	}
	if f.pressed >= 0 {
		st.Pressed = func(l, b int) bool { return l == layer && b == f.pressed }
	}
	return r.DrawAll(st).Landscape(), nil
}

func layerNames(lay *layouts.Layout) []string {
	names := make([]string, len(lay.Layers))
	for i, l := range lay.Layers {
		names[i] = l.Name
	}
	return names
}

// printDiagnostics writes one line per diagnostic and reports whether any
// is an error.
func printDiagnostics(w io.Writer, diags []config.Diagnostic) (errs bool) {
	for _, d := range diags {
		fmt.Fprintln(w, d.Error())
		errs = errs || d.Severity == config.Error
	}
	return errs
}
