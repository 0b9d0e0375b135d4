// Package layouts turns a configuration into the Touch Bar's layers of
// buttons: what each button shows and does, where it sits, what a touch hits
// and which layer is shown.
package layouts

import (
	"image"
	"math"

	"tiny-dfr/internal/config"
)

// Geometry constants of the bar, in pixels.
const (
	Gap          = 16 // between two buttons
	ShiftReserve = 22 // bar length kept free for pixel shift when it is on
	EscLength    = 2170
)

// Layer indices.
const (
	Primary = 0 // the F-key layer
	Media   = 1
)

// Layout is the laid-out bar: both layers with their geometry.
type Layout struct {
	Length, Height int // landscape bar size: the panel mode's height × width
	Reserve        int // pixel-shift reserve included in the geometry
	MediaDefault   bool
	Layers         [2]Layer
}

// Layer is one row of buttons, left to right.
type Layer struct {
	Buttons []Button
}

// Button is a laid-out button: what it shows, what it does, where it is.
type Button struct {
	Face    Face
	Action  Action
	Stretch int
	// Left is the first pixel column of the body; Width its exact
	// (fractional) width: the body covers [Left, Left+Width).
	Left  int
	Width float64
	Pos   config.Pos // the config entry it comes from (zero for esc)
}

// Bounds is the smallest pixel rectangle holding the button, full bar height.
func (b *Button) Bounds(height int) image.Rectangle {
	return image.Rect(b.Left, 0, b.Left+int(math.Ceil(b.Width)), height)
}

// Build lays out the two layers of c on a bar of the given landscape size.
// It trusts c to be validated (config.Load does that) but never panics.
func Build(c *config.Config, length, height int) *Layout {
	l := &Layout{Length: length, Height: height, MediaDefault: c.MediaLayerDefault}
	if c.EnablePixelShift {
		l.Reserve = ShiftReserve
	}
	for i, keys := range [2][]config.Button{c.PrimaryLayerKeys, c.MediaLayerKeys} {
		var bs []Button
		if length >= EscLength {
			bs = append(bs, Button{Face: TextFace{Label: "esc"}, Action: KeyAction{Codes: []uint16{1}}, Stretch: 1})
		}
		for _, cb := range keys {
			bs = append(bs, FromConfig(cb))
		}
		place(bs, length-l.Reserve, l.Reserve/2)
		l.Layers[i].Buttons = bs
	}
	return l
}

// place sets Left and Width of each button on a bar of length w, starting at
// offset: slot width s = (w − 16·(N−1)) / N with N the sum of stretches.
func place(bs []Button, w, offset int) {
	n := 0
	for i := range bs {
		if bs[i].Stretch < 1 {
			bs[i].Stretch = 1
		}
		n += bs[i].Stretch
	}
	if n == 0 {
		return
	}
	slot := float64(w-Gap*(n-1)) / float64(n)
	k := 0
	for i := range bs {
		s := bs[i].Stretch
		bs[i].Left = offset + int(math.Floor(float64(k)*(slot+Gap)))
		bs[i].Width = slot + math.Floor(float64(s-1)*(slot+Gap))
		k += s
	}
}

// Hit returns the index of the button of layer that a touch at bar position
// (x, y) hits, or -1. The 16 px gaps, spacers, and the top and bottom 10 % of
// the bar hit nothing. Callers remove any pixel shift from x and y first.
func (l *Layout) Hit(layer int, x, y float64) int {
	if layer < 0 || layer >= len(l.Layers) {
		return -1
	}
	h := float64(l.Height)
	if y < 0.1*h || y > 0.9*h {
		return -1
	}
	bs := l.Layers[layer].Buttons
	for i := range bs {
		b := &bs[i]
		if x >= float64(b.Left) && x < float64(b.Left)+b.Width {
			if _, spacer := b.Face.(SpacerFace); spacer {
				return -1
			}
			return i
		}
	}
	return -1
}

// Button returns button i of layer, or nil when there is none (a stale
// reference after a reload, say).
func (l *Layout) Button(layer, i int) *Button {
	if layer < 0 || layer >= len(l.Layers) || i < 0 || i >= len(l.Layers[layer].Buttons) {
		return nil
	}
	return &l.Layers[layer].Buttons[i]
}
