package drm

import (
	"fmt"
	"image"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// scene draws the default F-key layer for a bar of the given size with the
// real renderer (config.Default → layouts.Build → render.New → DrawAll),
// then, when pressed ≥ 0, redraws that button pressed (DrawButtons), so the
// frame's damage is just that button. The host and the guest draw the same
// scene, so a screendump must equal it. The font is the embedded bold one
// (what ":bold" gives without fontconfig) and no icon directories are
// searched, so the picture does not depend on the machine.
func scene(length, barHeight, pressed int) (*render.Frame, *layouts.Layout) {
	cfg := config.Default()
	lay := layouts.Build(cfg, length, barHeight)
	r, _ := render.New(lay, render.Options{
		FontTemplate: cfg.FontTemplate, ShowOutlines: cfg.ShowButtonOutlines,
		Font: render.EmbeddedFont(true), IconDirs: []string{}, XDGDataDirs: []string{},
	})
	f := r.DrawAll(&render.State{})
	if pressed >= 0 {
		f = r.DrawButtons(&render.State{Pressed: func(layer, b int) bool {
			return layer == layouts.Primary && b == pressed
		}}, pressed)
	}
	return f, lay
}

// compareScreen compares a screendump of the panel with the frame's visible
// columns; it returns "" when they are pixel-equal.
func compareScreen(img *image.RGBA, f *render.Frame) string {
	if b := img.Bounds(); b.Dx() != f.BarHeight || b.Dy() != f.Height {
		return fmt.Sprintf("screen %dx%d, frame %dx%d", b.Dx(), b.Dy(), f.BarHeight, f.Height)
	}
	bad, first := 0, ""
	for y := range f.Height {
		for x := range f.BarHeight {
			got := img.RGBAAt(img.Rect.Min.X+x, img.Rect.Min.Y+y)
			want := f.At(x, y)
			if got.R != want.R || got.G != want.G || got.B != want.B {
				if bad == 0 {
					first = fmt.Sprintf("(%d,%d) is %v, want %v", x, y, got, want)
				}
				bad++
			}
		}
	}
	if bad > 0 {
		return fmt.Sprintf("%d pixels differ, first %s", bad, first)
	}
	return ""
}
