package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// setStyle takes the look of [Style]: the defaults leave every colour nil
// or grey, so the default frame is today's to the bit.
func (r *Renderer) setStyle(s config.Style) {
	r.radius = DefaultRadius
	if s.CornerRadiusSet {
		r.radius = float64(s.CornerRadius)
	}
	if s.Background.Set {
		c := over(s.Background, color.RGBA{A: 0xff})
		if c != (color.RGBA{A: 0xff}) {
			r.bg = &c
		}
	}
	if s.TextColor.Set {
		r.ink = inkOf(s.TextColor)
	}
}

func (r *Renderer) background() color.RGBA {
	if r.bg != nil {
		return *r.bg
	}
	return color.RGBA{A: 0xff}
}

// over blends c over the opaque colour under.
func over(c config.Color, under color.RGBA) color.RGBA {
	a := uint32(c.A)
	mix := func(x, y uint8) uint8 { return uint8((uint32(x)*a + uint32(y)*(255-a) + 127) / 255) }
	return color.RGBA{mix(c.R, under.R), mix(c.G, under.G), mix(c.B, under.B), 0xff}
}

// inkOf is a text colour as a source image (white stays image.White so
// the default text is drawn exactly as before).
func inkOf(c config.Color) image.Image {
	if c.R == 0xff && c.G == 0xff && c.B == 0xff && c.A == 0xff {
		return nil
	}
	return image.NewUniform(color.NRGBA{c.R, c.G, c.B, c.A})
}

// colours sets b's body and text colours: the button's own, else the
// [Style]'s, else the greys and white.
func (r *Renderer) colours(b *button, lb *layouts.Button) {
	st := r.lay.Style
	bg := r.background()
	for i, grey := range [2]uint8{IdleGrey, PressedGrey} {
		b.fill[i] = color.RGBA{grey, grey, grey, 0xff}
		own, style := lb.Color, st.ButtonColor
		if i == 1 {
			own, style = lb.ColorActive, st.ButtonColorActive
		}
		switch {
		case own.Set:
			b.fill[i] = over(own, bg)
		case style.Set:
			b.fill[i] = over(style, bg)
		}
	}
	b.ink = r.ink
	if lb.TextColor.Set {
		b.ink = inkOf(lb.TextColor)
	}
}

// inkColor is b's text colour as a colour.
func inkColor(b *button) color.Color {
	if b.ink == nil {
		return color.White
	}
	return b.ink.(*image.Uniform).C
}

// allocTile gives one more tile of b's size from the slab.
func (r *Renderer) allocTile(b *button) []byte {
	n := b.rows * r.frame.Stride
	if len(r.slab) < n {
		r.slab = make([]byte, n)
	}
	t := r.slab[:n:n]
	r.slab = r.slab[n:]
	return t
}

// Slider bar opacity: the empty part of the bar, and a dimmed (inert)
// slider's icon and bar.
const (
	trackAlpha = 0x55
	inertAlpha = 0x60
)

// prepareSlider draws a slider's five tiles: empty and full, idle and
// pressed, and dimmed. Its level is composed at draw time from the full
// tile (rows before the level) and the empty one (rows after).
func (r *Renderer) prepareSlider(b *button, lb *layouts.Button, fc layouts.SliderFace) []config.Diagnostic {
	b.full[0], b.full[1], b.inert = r.allocTile(b), r.allocTile(b), r.allocTile(b)
	start, end, showIcon := lb.SliderTrack()
	b.track0, b.track1 = start-float64(lb.Left), end-float64(lb.Left)
	h := r.frame.BarHeight
	bar := image.Rect(int(math.Round(b.track0)), (h-layouts.SliderBar)/2, int(math.Round(b.track1)), (h-layouts.SliderBar)/2+layouts.SliderBar)
	mask := image.NewAlpha(image.Rect(0, 0, bar.Dx(), bar.Dy()))
	for i := range mask.Pix {
		mask.Pix[i] = 0xff
	}
	ink := inkColor(b)
	cr, cg, cb, ca := ink.RGBA()
	fade := func(a uint32) image.Image {
		return image.NewUniform(color.NRGBA64{uint16(cr * 0xffff / max(ca, 1)), uint16(cg * 0xffff / max(ca, 1)), uint16(cb * 0xffff / max(ca, 1)), uint16(ca * a / 0xff)})
	}
	track := layer{mask: mask, at: bar.Min, col: fade(trackAlpha)}
	filled := layer{mask: mask, at: bar.Min, col: b.ink}
	var diags []config.Diagnostic
	var icon []layer
	if showIcon {
		size := max(fc.IconSize, 1)
		l, d := r.iconLayer(b, fc.Icon, "", size, size)
		diags = d
		l.at.X = layouts.SliderPad
		icon = []layer{l}
	}
	r.paintInto(b, b.tiles, nil, append(icon[:len(icon):len(icon)], track)...)
	r.paintInto(b, b.full, nil, append(icon[:len(icon):len(icon)], track, filled)...)
	dim := []layer{{mask: mask, at: bar.Min, col: fade(trackAlpha * inertAlpha / 0xff)}}
	if len(icon) > 0 {
		l := icon[0]
		l.fade = inertAlpha
		dim = append(dim, l)
	}
	r.paintInto(b, [2][]byte{b.inert, nil}, nil, dim...)
	return diags
}

// closeLayer is the × of a group: two strokes in the text colour, half the
// icon size, centred.
func (r *Renderer) closeLayer(b *button) layer {
	h := r.frame.BarHeight
	size := layouts.DefaultIconSize
	if s := r.lay.Style.IconSize; s > 0 {
		size = s
	}
	half := float64(size) / 4 // the × spans size/2
	const stroke = 4.0
	side := int(math.Ceil(2*half+stroke)) + 2
	m := image.NewAlpha(image.Rect(0, 0, side, side))
	z := vector.NewRasterizer(side, side)
	c := float64(side) / 2
	w := stroke / 2 / math.Sqrt2
	f := func(v float64) float32 { return float32(v) }
	// One stroke at a time, drawn over the other: in one path the two
	// would cancel where they cross (opposite windings).
	for _, sgn := range []float64{1, -1} {
		// From (c−half, c−sgn·half) to (c+half, c+sgn·half), stroke wide.
		ax, ay, bx, by := c-half, c-sgn*half, c+half, c+sgn*half
		z.Reset(side, side)
		z.MoveTo(f(ax-w), f(ay+sgn*w))
		z.LineTo(f(ax+w), f(ay-sgn*w))
		z.LineTo(f(bx+w), f(by-sgn*w))
		z.LineTo(f(bx-w), f(by+sgn*w))
		z.ClosePath()
		z.DrawOp = draw.Over
		z.Draw(m, m.Bounds(), image.Opaque, image.Point{})
	}
	ox := int(math.Round((b.width - float64(side)) / 2))
	oy := (h - side) / 2
	return layer{mask: m, at: image.Pt(ox, oy), col: b.ink}
}
