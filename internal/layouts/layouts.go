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
	Gap          = 16 // between two buttons (default of [Style] ButtonSpacing)
	ShiftReserve = 22 // bar length kept free for pixel shift when it is on
	EscLength    = 2170
)

// Layer indices: primary and media come first, then the config's
// [[Layer]] tables in file order.
const (
	Primary = 0 // the F-key layer
	Media   = 1
)

// Layout is the laid-out bar: every layer with its geometry.
type Layout struct {
	Length, Height int // landscape bar size: the panel mode's height × width
	Reserve        int // pixel-shift reserve included in the geometry
	Spacing        int // gap between two buttons (Gap unless [Style] sets it)
	MediaDefault   bool
	Layers         []Layer
	Style          config.Style // the look ([Style]); the renderer reads it
}

// Layer is one row of buttons, left to right.
type Layer struct {
	Name string
	// Group tells a layer some button opens as a group: it is built with
	// the × (CloseFace, CloseAction) first, after esc.
	Group   bool
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
	Pos   config.Pos // the config entry it comes from (zero for esc and ×)
	// Per-button colours (Color, ColorActive, TextColor); not Set: the
	// [Style]'s.
	Color, ColorActive, TextColor config.Color
	// FitText is the button's own FitText ("": the layout's [Style]).
	FitText string
}

// Index returns the index of the layer called name, or -1.
func (l *Layout) Index(name string) int {
	for i := range l.Layers {
		if l.Layers[i].Name == name {
			return i
		}
	}
	return -1
}

// Bounds is the smallest pixel rectangle holding the button, full bar height.
func (b *Button) Bounds(height int) image.Rectangle {
	return image.Rect(b.Left, 0, b.Left+int(math.Ceil(b.Width)), height)
}

// Build lays out the layers of c on a bar of the given landscape size.
// It trusts c to be validated (config.Load does that) but never panics: a
// Layer or Group naming no layer gives a button that does nothing.
func Build(c *config.Config, length, height int) *Layout {
	l := &Layout{Length: length, Height: height, MediaDefault: c.MediaLayerDefault, Spacing: Gap, Style: c.Style}
	if c.EnablePixelShift {
		l.Reserve = ShiftReserve
	}
	if c.Style.ButtonSpacingSet && c.Style.ButtonSpacing >= 0 {
		l.Spacing = c.Style.ButtonSpacing
	}
	names := c.LayerNames()
	index := make(map[string]int, len(names))
	for i, n := range names {
		if _, dup := index[n]; !dup {
			index[n] = i
		}
	}
	group := make([]bool, len(names))
	for i := range names {
		for _, cb := range c.LayerKeys(i) {
			if g, ok := index[cb.Group]; ok && g >= 2 {
				group[g] = true
			}
		}
	}
	l.Layers = make([]Layer, len(names))
	for i, name := range names {
		keys := c.LayerKeys(i)
		bs := make([]Button, 0, len(keys)+2)
		if length >= EscLength && !c.NoAutoEscape {
			bs = append(bs, Button{Face: TextFace{Label: "esc"}, Action: KeyAction{Codes: []uint16{1}}, Stretch: 1})
		}
		if group[i] {
			bs = append(bs, Button{Face: CloseFace{}, Action: CloseAction{}, Stretch: 1})
		}
		for _, cb := range keys {
			b := FromConfig(cb)
			if t, ok := index[cb.Layer]; ok && cb.Layer != "" {
				b.Action = LayerAction{Layer: t}
			}
			if t, ok := index[cb.Group]; ok && cb.Group != "" && t >= 2 {
				b.Action = GroupAction{Layer: t}
			}
			if c.Style.IconSize > 0 {
				switch f := b.Face.(type) {
				case IconFace:
					if !cb.IconWidthSet {
						f.Width = c.Style.IconSize
					}
					if !cb.IconHeightSet {
						f.Height = c.Style.IconSize
					}
					b.Face = f
				case SliderFace:
					f.IconSize = c.Style.IconSize
					b.Face = f
				}
			}
			bs = append(bs, b)
		}
		for bi := range bs {
			if f, ok := bs[bi].Face.(WidgetFace); ok {
				f.ID = WidgetID(i, bi)
				bs[bi].Face = f
			}
		}
		place(bs, length-l.Reserve, l.Reserve/2, l.Spacing)
		l.Layers[i] = Layer{Name: name, Group: group[i], Buttons: bs}
	}
	return l
}

// place sets Left and Width of each button on a bar of length w, starting at
// offset: slot width s = (w − gap·(N−1)) / N with N the sum of stretches.
func place(bs []Button, w, offset, gap int) {
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
	g := float64(gap)
	slot := float64(w-gap*(n-1)) / float64(n)
	k := 0
	for i := range bs {
		s := bs[i].Stretch
		bs[i].Left = offset + int(math.Floor(float64(k)*(slot+g)))
		bs[i].Width = slot + math.Floor(float64(s-1)*(slot+g))
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

// Slider geometry, in landscape pixels: the icon box sits SliderPad from
// the left edge, the bar SliderPad after it and SliderPad from the right
// edge. A slider too narrow for icon and a bar of 2×SliderPad hides the
// icon.
const (
	SliderPad = 16
	SliderBar = 8 // thickness of the level bar
)

// SliderTrack returns where the level bar of slider b runs, [start, end)
// in bar pixels, and whether the icon shows. Level 0 is at start, 1 at
// end.
func (b *Button) SliderTrack() (start, end float64, icon bool) {
	size := DefaultIconSize
	if f, ok := b.Face.(SliderFace); ok && f.IconSize > 0 {
		size = f.IconSize
	}
	left, right := float64(b.Left)+SliderPad, float64(b.Left)+b.Width-SliderPad
	if right-left-float64(size)-SliderPad >= 2*SliderPad {
		return left + float64(size) + SliderPad, right, true
	}
	if right <= left {
		mid := float64(b.Left) + b.Width/2
		return mid, mid + 1, false
	}
	return left, right, false
}

// SliderLevel is the level, from 0 to 1, a touch at bar position x sets on
// slider b: its place along the track, clamped (a finger left of the bar
// sets 0, right of it 1). It allocates nothing.
func (b *Button) SliderLevel(x float64) float64 {
	start, end, _ := b.SliderTrack()
	v := (x - start) / (end - start)
	switch {
	case v < 0 || v != v:
		return 0
	case v > 1:
		return 1
	}
	return v
}
