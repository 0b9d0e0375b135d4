package preview

import (
	"image"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// renderer draws with the daemon's renderer, as `tiny-dfr render` does.
type renderer struct {
	r     *render.Renderer
	level func(l, b int) (float64, bool) // sliders' levels; nil: drawn dimmed
}

func (d *renderer) draw(layer int, pressed func(l, b int) bool, now time.Time, bat battery.State) *image.RGBA {
	return d.r.DrawAll(&render.State{Layer: layer, Pressed: pressed, Now: now, Battery: bat, Level: d.level}).Landscape()
}

func (d *renderer) setLevel(f func(l, b int) (float64, bool)) { d.level = f }

// renderDrawer prepares the renderer for a layout with the config's font
// and outline settings.
func renderDrawer(lay *layouts.Layout, cfg *config.Config) (drawer, []config.Diagnostic) {
	r, diags := render.New(lay, render.Options{FontTemplate: cfg.FontTemplate, FontPos: cfg.FontTemplatePos, ShowOutlines: cfg.ShowButtonOutlines})
	return &renderer{r: r}, diags
}

// resolution is the finest clock tick over all layers (0: no clock).
func (d *renderer) resolution() time.Duration {
	var res time.Duration
	for l := range d.r.Layers() {
		if r := d.r.Resolution(l); r > 0 && (res == 0 || r < res) {
			res = r
		}
	}
	return res
}
