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
// Each source row is swizzled once; its copies are plain memory copies.
func scaleToXRGB(dst []byte, stride int, src *image.RGBA, scale int) {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	n := 4 * w * scale
	for sy := 0; sy < h; sy++ {
		s := src.Pix[sy*src.Stride : sy*src.Stride+4*w]
		d := dst[sy*scale*stride : sy*scale*stride+n]
		if scale == 1 {
			for i := 0; i+3 < len(s) && i+3 < len(d); i += 4 {
				d[i], d[i+1], d[i+2], d[i+3] = s[i+2], s[i+1], s[i], 0xff
			}
		} else {
			o := 0
			for i := 0; i+3 < len(s); i += 4 {
				r, g, b := s[i], s[i+1], s[i+2]
				for range scale {
					q := d[o : o+4 : o+4]
					q[0], q[1], q[2], q[3] = b, g, r, 0xff
					o += 4
				}
			}
		}
		for k := 1; k < scale; k++ {
			copy(dst[(sy*scale+k)*stride:], d)
		}
	}
}
