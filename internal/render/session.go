package render

import (
	"image"
	"image/color"

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

// paintWidget draws a widget's tiles (idle, pressed, dimmed) showing text.
func (r *Renderer) paintWidget(b *button, text string) {
	b.wText, b.wSet = text, true
	l := r.textLayer(b, text, 0, 0)
	r.paint(b, nil, l)
	r.paintInto(b, [2][]byte{b.inert, nil}, nil, dim(b, l))
}
