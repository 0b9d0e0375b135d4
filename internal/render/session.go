package render

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/vector"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// fadedInk is b's text colour at the opacity of a dimmed (inert) button.
func fadedInk(b *button) image.Image {
	cr, cg, cb, ca := inkColor(b).RGBA()
	a := max(ca, 1)
	return image.NewUniform(color.NRGBA64{uint16(cr * 0xffff / a), uint16(cg * 0xffff / a), uint16(cb * 0xffff / a), uint16(ca * inertAlpha / 0xff)})
}

// dim returns l drawn dimmed.
func dim(b *button, l layer) layer {
	if l.mask != nil {
		l.col = fadedInk(b)
	} else {
		l.fade = inertAlpha
	}
	return l
}

// prepareInert draws the dimmed tile of a command button (its face l at
// the inert opacity), shown while no session companion is served.
func (r *Renderer) prepareInert(b *button, lb *layouts.Button, l layer) {
	if !layouts.NeedsSession(lb) {
		return
	}
	b.needsSession = true
	b.inert = r.allocTile(b)
	r.paintInto(b, [2][]byte{b.inert, nil}, nil, dim(b, l))
}

// MediaState is what a media widget's player does (WidgetLook.Media).
type MediaState uint8

// Media states. MediaNone: no player (or none reported yet): the widget
// shows its placeholder dimmed.
const (
	MediaNone MediaState = iota
	MediaStopped
	MediaPaused
	MediaPlaying
)

// WidgetLook is what a widget shows now (State.Widget). Its zero value is
// the placeholder.
type WidgetLook struct {
	// Text is the output's text (a media widget: the title); "": the
	// placeholder. Sub follows it, after " — ", when both fit (a media
	// widget's artist).
	Text, Sub string
	// Color is the body's colour (not Set: the button's own).
	Color config.Color
	// Icon is drawn before the text: an icon name looked up like a
	// button's Icon (in the button's Theme, the icon directories, the
	// embedded icons) or an absolute path to an .svg or .png file; one
	// that does not load is left out.
	Icon string
	// Media is a media widget's player state: a play or pause glyph
	// before the title; MediaNone draws the placeholder dimmed.
	Media MediaState
}

// Widget layout: the glyph's or icon's left margin, the gap after it.
const (
	widgetPad = 8
	widgetGap = 6
)

// paintWidget draws a widget's tiles (idle, pressed, dimmed) showing look.
func (r *Renderer) paintWidget(b *button, look WidgetLook) {
	b.wLook, b.wSet = look, true
	b.wDim = b.media && look.Media == MediaNone
	text := look.Text
	if text == "" || b.wDim {
		text, look.Sub = b.placeholder, ""
	}
	var lead *layer
	switch {
	case b.media:
		g := r.mediaGlyph(b, look.Media == MediaPlaying)
		lead = &g
	case look.Icon != "":
		if img := r.widgetIcon(b, look.Icon); img != nil {
			lead = &layer{img: img}
		}
	}
	x0, x1 := 0, int(b.width)
	layers := make([]layer, 0, 2)
	if lead != nil {
		w := leadWidth(lead)
		if text == "" { // centred alone
			lead.at.X = int(math.Round((b.width - float64(w)) / 2))
		} else {
			lead.at.X = widgetPad
			x0 = widgetPad + w + widgetGap
			x1 -= widgetPad
		}
		lead.at.Y = (r.frame.BarHeight - leadHeight(lead)) / 2
		layers = append(layers, *lead)
	}
	if text != "" {
		layers = append(layers, r.widgetText(b, text, look.Sub, x0, x1, lead != nil))
	}
	var base func(uint8) color.RGBA
	if c := look.Color; c.Set && !b.wDim {
		bg := r.background()
		base = func(grey uint8) color.RGBA {
			f := over(c, bg)
			if grey == PressedGrey { // pressed: a quarter towards white
				f = color.RGBA{f.R + (255-f.R)/4, f.G + (255-f.G)/4, f.B + (255-f.B)/4, 0xff}
			}
			return f
		}
		r.fillIdle = true
	}
	r.paint(b, base, layers...)
	r.fillIdle = false
	for i := range layers {
		layers[i] = dim(b, layers[i])
	}
	r.paintInto(b, [2][]byte{b.inert, nil}, nil, layers...)
}

func leadWidth(l *layer) int {
	if l.mask != nil {
		return l.mask.Rect.Dx()
	}
	return l.img.Rect.Dx()
}

func leadHeight(l *layer) int {
	if l.mask != nil {
		return l.mask.Rect.Dy()
	}
	return l.img.Rect.Dy()
}

// widgetText is the text layer of a widget: text, followed by " — sub"
// when that fits, centred between x0 and x1; text wider than that starts
// at x0 when a glyph or icon precedes it (so its beginning shows),
// else it is centred as any label.
func (r *Renderer) widgetText(b *button, text, sub string, x0, x1 int, lead bool) layer {
	if r.text.primary == nil || r.text.primary.gt == nil {
		return r.plainTextLayer(b, text, 0, 0)
	}
	avail := x1 - x0
	if !lead {
		avail = room(b)
	}
	var st shapedText
	if sub != "" {
		st = r.text.shape(text+" — "+sub, r.size)
		if st.ink.Dx() > avail {
			sub = ""
		}
	}
	if sub == "" {
		st = r.text.shape(text, r.size)
	}
	if !lead {
		return r.shapedLayer(b, &st, 0, 0)
	}
	// shapedLayer centres in the button; move the ink's centre to the
	// range's, or its left edge to x0 when it is too wide.
	centre := float64(st.ink.Min.X+st.ink.Max.X) / 2
	dx := int(math.Round(float64(x0+x1)/2 - b.width/2))
	if st.ink.Dx() > avail {
		dx = int(math.Round(float64(x0) - (b.width/2 - centre) - float64(st.ink.Min.X)))
	}
	return r.shapedLayer(b, &st, dx, 0)
}

// mediaGlyph is a play triangle (not playing: a tap plays) or pause bars
// (playing: a tap pauses), drawn in the text colour.
func (r *Renderer) mediaGlyph(b *button, playing bool) layer {
	side := min(layouts.DefaultIconSize, r.frame.BarHeight) / 2
	if s := r.lay.Style.IconSize; s > 0 {
		side = min(s, r.frame.BarHeight) / 2
	}
	side = max(side, 4)
	m := image.NewAlpha(image.Rect(0, 0, side, side))
	z := vector.NewRasterizer(side, side)
	s := float32(side)
	if playing {
		w := s * 0.34
		for _, x := range []float32{s * 0.08, s - s*0.08 - w} {
			z.MoveTo(x, 0)
			z.LineTo(x+w, 0)
			z.LineTo(x+w, s)
			z.LineTo(x, s)
			z.ClosePath()
		}
	} else {
		z.MoveTo(s*0.12, 0)
		z.LineTo(s*0.96, s/2)
		z.LineTo(s*0.12, s)
		z.ClosePath()
	}
	z.Draw(m, m.Bounds(), image.Opaque, image.Point{})
	return layer{mask: m, col: b.ink}
}
