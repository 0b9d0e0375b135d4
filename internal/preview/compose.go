package preview

import (
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// statusHeight is the strip under the bar (at scale 1) that holds two lines
// of status: which file, which layer, and the first config problem.
const statusHeight = 34

var (
	statusBG  = color.RGBA{0x1e, 0x1e, 0x1e, 0xff}
	statusFG  = color.RGBA{0xc8, 0xc8, 0xc8, 0xff}
	statusErr = color.RGBA{0xff, 0x6b, 0x6b, 0xff}
)

// statusLine is one line of the strip; err draws it in red.
type statusLine struct {
	text string
	err  bool
}

// compose draws the window at scale 1: the bar's pixels unchanged at the
// top, the status strip below.
func compose(dst *image.RGBA, bar *image.RGBA, lines []statusLine) {
	draw.Draw(dst, bar.Bounds(), bar, image.Point{}, draw.Src)
	strip := image.Rect(0, bar.Bounds().Dy(), dst.Bounds().Dx(), dst.Bounds().Dy())
	draw.Draw(dst, strip, image.NewUniform(statusBG), image.Point{}, draw.Src)
	face := basicfont.Face7x13
	for i, l := range lines {
		if i == 2 {
			break
		}
		c := statusFG
		if l.err {
			c = statusErr
		}
		d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face,
			Dot: fixed.P(6, strip.Min.Y+3+face.Ascent+i*(face.Height+3))}
		d.DrawString(l.text)
	}
}

// scaleToXRGB writes src, scaled up by an integer factor (nearest
// neighbour), into an XRGB8888 buffer (bytes B, G, R, X) of the given stride.
func scaleToXRGB(dst []byte, stride int, src *image.RGBA, scale int) {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	for y := 0; y < h*scale; y++ {
		s := src.Pix[(y/scale)*src.Stride:]
		d := dst[y*stride:]
		if y%scale != 0 { // same source row as the line above
			copy(d[:4*w*scale], dst[(y-1)*stride:])
			continue
		}
		for x := 0; x < w; x++ {
			p := s[4*x:]
			for k := 0; k < scale; k++ {
				q := d[4*(x*scale+k):]
				q[0], q[1], q[2], q[3] = p[2], p[1], p[0], 0xff
			}
		}
	}
}
