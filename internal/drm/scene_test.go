package drm

import (
	"fmt"
	"image"
	"image/color"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// scene draws the default F-key layer for a bar of the given size, with
// button pressed (-1: none) in the pressed grey, and returns the frame with
// its damage: everything when pressed < 0, else the pressed button. The host
// and the guest draw the same scene, so a screendump must equal it.
//
// Until the render package can draw a layout, button bodies are flat grey
// rectangles over 15–85 % of the bar height (the layout's geometry), each
// with a marker row per button index so that buttons are told apart.
func scene(length, barHeight, pressed int) (*render.Frame, *layouts.Layout) {
	lay := layouts.Build(config.Default(), length, barHeight)
	f := render.NewFrame(length, barHeight)
	top, bottom := barHeight*15/100, barHeight*85/100
	for i := range lay.Layers[layouts.Primary].Buttons {
		b := &lay.Layers[layouts.Primary].Buttons[i]
		if _, spacer := b.Face.(layouts.SpacerFace); spacer {
			continue
		}
		grey := uint8(0x33)
		if i == pressed {
			grey = 0x66
		}
		r := b.Bounds(barHeight)
		r.Min.Y, r.Max.Y = top, bottom
		paint(f, f.BarRect(r), color.RGBA{grey, grey, grey, 0xff})
		marker := image.Rect(r.Min.X+4, top+4, r.Min.X+4+2*(i+1), top+6) // i+1 pixels pairs long
		paint(f, f.BarRect(marker), color.RGBA{0xff, 0xff, 0xff, 0xff})
	}
	if pressed < 0 {
		f.Damage = []image.Rectangle{image.Rect(0, 0, f.Width, f.Height)}
	} else if b := lay.Button(layouts.Primary, pressed); b != nil {
		f.Damage = []image.Rectangle{f.BarRect(b.Bounds(barHeight))}
	}
	return f, lay
}

// paint paints panel rectangle r of f.
func paint(f *render.Frame, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(image.Rect(0, 0, f.Width, f.Height))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := f.Pix[y*f.Stride+4*x:]
			p[0], p[1], p[2], p[3] = c.B, c.G, c.R, 0
		}
	}
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
