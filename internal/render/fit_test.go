package render

import (
	"image"
	"strings"
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// fitConfig is one row of buttons: a wide label in a narrow button between
// two wide ones (the esc squeezed to 45 px of a real config).
func fitConfig(label, fit string) *config.Config {
	c := &config.Config{FontTemplate: ":bold"}
	pos := config.Pos{File: "my.toml", Line: 7, Col: 3}
	c.PrimaryLayerKeys = []config.Button{
		{Text: "F1", Stretch: 6},
		{Text: label, Stretch: 1, Pos: pos, FitText: fit},
		{Text: "F2", Stretch: 6},
	}
	c.MediaLayerKeys = []config.Button{{Text: "m", Stretch: 1}}
	return c
}

func fitDiags(diags []config.Diagnostic) []config.Diagnostic {
	var out []config.Diagnostic
	for _, d := range diags {
		if d.Kind == config.KindFit && d.Pos.File == "my.toml" {
			out = append(out, d)
		}
	}
	return out
}

// An over-long label gets a warning at its button's position; one that
// fits gets none, and neither do its pixels change.
func TestFitWarning(t *testing.T) {
	for _, length := range []int{2008, 2170} {
		lay := layouts.Build(fitConfig("Battery N/A", ""), length, 60)
		_, diags := New(lay, testOptions(t, true))
		fd := fitDiags(diags)
		if len(fd) != 1 || fd[0].Pos != (config.Pos{File: "my.toml", Line: 7, Col: 3}) || fd[0].Severity != config.Warning ||
			!strings.Contains(fd[0].Msg, `"Battery N/A"`) || !strings.Contains(fd[0].Msg, "shrink") {
			t.Errorf("length %d: fit diagnostics %v; want one at my.toml:7:3 naming the label", length, fd)
		}
		lay = layouts.Build(fitConfig("F5", ""), length, 60)
		if _, diags := New(lay, testOptions(t, true)); len(fitDiags(diags)) != 0 {
			t.Errorf("length %d: %v for a label that fits", length, diags)
		}
	}
}

// A clock whose widest output (the longest month and weekday names)
// does not fit is warned about too.
func TestFitWarningClock(t *testing.T) {
	c := fitConfig("x", "")
	c.PrimaryLayerKeys[1] = config.Button{Time: "%A %d %B %H:%M", Stretch: 1, Pos: config.Pos{File: "my.toml", Line: 9, Col: 1}}
	_, diags := New(layouts.Build(c, 2008, 60), testOptions(t, true))
	fd := fitDiags(diags)
	if len(fd) != 1 || fd[0].Pos.Line != 9 || !strings.Contains(fd[0].Msg, "clock output") {
		t.Errorf("fit diagnostics %v; want one for the clock at line 9", fd)
	}
}

// FitText = "shrink" (per button or in [Style]) draws the label smaller,
// within its button, without a warning; a label that fits is the same
// with or without it.
func TestFitShrink(t *testing.T) {
	inkCols := func(r *Renderer, i int) (int, int) {
		b := r.layers[0][i]
		img := r.DrawAll(&State{}).Landscape()
		lo, hi := -1, -1
		for x := b.left; x < b.left+b.rows; x++ {
			for y := 0; y < 60; y++ {
				if img.RGBAAt(x, y).R > 0x80 {
					if lo < 0 {
						lo = x
					}
					hi = x
					break
				}
			}
		}
		return lo - b.left, hi - b.left
	}
	for _, style := range []bool{false, true} {
		c := fitConfig("Battery N/A", config.FitShrink)
		if style {
			c = fitConfig("Battery N/A", "")
			c.Style.FitText = config.FitShrink
		}
		r, diags := New(layouts.Build(c, 2008, 60), testOptions(t, false))
		if fd := fitDiags(diags); len(fd) != 0 {
			t.Errorf("style %v: %v", style, fd)
		}
		lo, hi := inkCols(r, 1)
		if b := r.layers[0][1]; lo < 0 || hi >= b.rows || lo < fitPad-1 || hi > b.rows-fitPad {
			t.Errorf("style %v: ink columns %d–%d in a %d-column button", style, lo, hi, b.rows)
		}
	}
	// Past the floor: cut with an ellipsis, and said.
	c := fitConfig(strings.Repeat("Battery ", 10), config.FitShrink)
	_, diags := New(layouts.Build(c, 2008, 60), testOptions(t, false))
	if fd := fitDiags(diags); len(fd) != 1 || !strings.Contains(fd[0].Msg, "…") {
		t.Errorf("past the floor: %v; want a warning naming the cut label", fd)
	}
	// A label that fits: the same pixels.
	a, _ := New(layouts.Build(fitConfig("F5", config.FitShrink), 2008, 60), testOptions(t, false))
	b, _ := New(layouts.Build(fitConfig("F5", ""), 2008, 60), testOptions(t, false))
	if n := diffPixels(a.DrawAll(&State{}).Landscape(), b.DrawAll(&State{}).Landscape()); n != 0 {
		t.Errorf("shrink changes a label that fits: %d pixels", n)
	}
}

var _ = image.Point{}
