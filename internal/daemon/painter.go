package daemon

import (
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// renderPainter adapts render.Renderer to Painter.
type renderPainter struct {
	r       *render.Renderer
	battery []bool // layer shows a battery
	st      render.State
}

var _ Painter = (*renderPainter)(nil)

func newRenderPainter(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
	return newPainterWith(nil, lay, look)
}

// cachedPainters makes painters that share the font across layouts: a
// reload that resolves to the same font file neither reads nor parses it
// again (a system font is often ~0.7 MB, held twice during a reload
// otherwise).
func cachedPainters() NewPainterFunc {
	fonts := &render.FontCache{}
	return func(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
		return newPainterWith(fonts, lay, look)
	}
}

func newPainterWith(fonts *render.FontCache, lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
	opts := render.Options{FontTemplate: look.FontTemplate, ShowOutlines: look.ShowOutlines, FontPos: look.FontPos}
	var diags []config.Diagnostic
	if fonts != nil {
		f, err := fonts.Load(look.FontTemplate)
		if err != nil { // the warning render.New gives when it loads the font
			diags = append(diags, config.Diagnostic{Pos: look.FontPos, Severity: config.Warning,
				Msg: "font: " + err.Error() + "; using " + f.Source})
		}
		opts.Font = f
	}
	r, more := render.New(lay, opts)
	diags = append(diags, more...)
	if r == nil {
		return nil, diags
	}
	p := &renderPainter{r: r, battery: make([]bool, len(lay.Layers))}
	for l := range lay.Layers {
		for _, b := range lay.Layers[l].Buttons {
			if _, ok := b.Face.(layouts.BatteryFace); ok && l < len(p.battery) {
				p.battery[l] = true
			}
		}
	}
	return p, diags
}

func (p *renderPainter) state(s *Scene) *render.State {
	p.st = render.State{Layer: s.Layer, Pressed: s.Pressed, Now: s.Now, Battery: s.Battery, Shift: s.Shift, Banner: s.Banner, Level: s.Level,
		Session: s.Session, Widget: s.Widget}
	return &p.st
}

func (p *renderPainter) DrawAll(s *Scene) *render.Frame { return p.r.DrawAll(p.state(s)) }

func (p *renderPainter) DrawButtons(s *Scene, buttons ...int) *render.Frame {
	return p.r.DrawButtons(p.state(s), buttons...)
}

func (p *renderPainter) Dynamic(layer int) []int { return p.r.Dynamic(layer) }

// Diagnostics are the renderer's warnings found while drawing (a widget's
// icon that did not load).
func (p *renderPainter) Diagnostics() []config.Diagnostic { return p.r.Diagnostics() }

func (p *renderPainter) Resolution(layer int) time.Duration { return p.r.Resolution(layer) }

func (p *renderPainter) Battery(layer int) bool {
	return layer >= 0 && layer < len(p.battery) && p.battery[layer]
}
