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
	battery [2]bool // layer shows a battery
	st      render.State
}

var _ Painter = (*renderPainter)(nil)

func newRenderPainter(lay *layouts.Layout, showOutlines bool, fontTemplate string) (Painter, []config.Diagnostic) {
	r, diags := render.New(lay, render.Options{FontTemplate: fontTemplate, ShowOutlines: showOutlines})
	if r == nil {
		return nil, diags
	}
	p := &renderPainter{r: r}
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
	p.st = render.State{Layer: s.Layer, Pressed: s.Pressed, Now: s.Now, Battery: s.Battery, Shift: s.Shift, Banner: s.Banner}
	return &p.st
}

func (p *renderPainter) DrawAll(s *Scene) *render.Frame { return p.r.DrawAll(p.state(s)) }

func (p *renderPainter) DrawButtons(s *Scene, buttons ...int) *render.Frame {
	return p.r.DrawButtons(p.state(s), buttons...)
}

func (p *renderPainter) Dynamic(layer int) []int { return p.r.Dynamic(layer) }

func (p *renderPainter) Resolution(layer int) time.Duration { return p.r.Resolution(layer) }

func (p *renderPainter) Battery(layer int) bool {
	return layer >= 0 && layer < len(p.battery) && p.battery[layer]
}
