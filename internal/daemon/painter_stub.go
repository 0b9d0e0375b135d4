package daemon

import (
	"image"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// stubPainter stands in until internal/render lands (render.New, DrawAll,
// DrawButtons, Crash); painter.go will adapt the real renderer. It draws
// plain button bodies and the banner as a red stripe, no labels.
type stubPainter struct {
	lay *layouts.Layout
	f   *render.Frame
}

func newRenderPainter(lay *layouts.Layout, _ bool, _ string) (Painter, []config.Diagnostic) {
	return &stubPainter{lay: lay, f: render.NewFrame(lay.Length, lay.Height)}, nil
}

func (p *stubPainter) fill(r image.Rectangle, c [3]byte) {
	pr := p.f.BarRect(r).Intersect(image.Rect(0, 0, p.f.Width, p.f.Height))
	for row := pr.Min.Y; row < pr.Max.Y; row++ {
		for col := pr.Min.X; col < pr.Max.X; col++ {
			o := row*p.f.Stride + 4*col
			p.f.Pix[o], p.f.Pix[o+1], p.f.Pix[o+2] = c[2], c[1], c[0]
		}
	}
}

func (p *stubPainter) button(s *Scene, i int) {
	b := &p.lay.Layers[s.Layer].Buttons[i]
	if _, ok := b.Face.(layouts.SpacerFace); ok {
		return
	}
	g := byte(0x33)
	if s.Pressed(s.Layer, i) {
		g = 0x66
	}
	if s.Layer == 1 {
		g++
	}
	r := b.Bounds(p.lay.Height).Add(s.Shift)
	r.Min.Y, r.Max.Y = 2, p.lay.Height-2
	p.fill(r, [3]byte{g, g, g})
}

func (p *stubPainter) DrawAll(s *Scene) *render.Frame {
	clear(p.f.Pix)
	for i := range p.lay.Layers[s.Layer].Buttons {
		p.button(s, i)
	}
	if s.Banner != "" {
		p.fill(image.Rect(0, 20, p.lay.Length, 40), [3]byte{0xcc, 0, 0})
	}
	p.f.Damage = []image.Rectangle{image.Rect(0, 0, p.f.Width, p.f.Height)}
	return p.f
}

func (p *stubPainter) DrawButtons(s *Scene, bs ...int) *render.Frame {
	p.f.Damage = p.f.Damage[:0]
	for _, i := range bs {
		p.button(s, i)
		p.f.Damage = append(p.f.Damage, p.f.BarRect(p.lay.Layers[s.Layer].Buttons[i].Bounds(p.lay.Height)))
	}
	return p.f
}

func (p *stubPainter) Dynamic(int) []int            { return nil }
func (p *stubPainter) Resolution(int) time.Duration { return 0 }
func (p *stubPainter) Battery(int) bool             { return false }

// stubCrash is an all-red bar (the reason is in the log).
func stubCrash(length, h int, reason string) *render.Frame {
	f := render.NewFrame(length, h)
	for i := 0; i < len(f.Pix); i += 4 {
		f.Pix[i+2] = 0xcc
	}
	f.Damage = []image.Rectangle{image.Rect(0, 0, f.Width, f.Height)}
	return f
}
