package preview

import (
	"image"
	"image/color"
	"testing"
)

func TestScaleToXRGB(t *testing.T) {
	t.Parallel()
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	src.SetRGBA(0, 0, color.RGBA{1, 2, 3, 255})
	src.SetRGBA(2, 1, color.RGBA{10, 20, 30, 255})
	for _, scale := range []int{1, 2, 3} {
		stride := 4*3*scale + 8 // padded rows must work too
		dst := make([]byte, stride*2*scale)
		scaleToXRGB(dst, stride, src, scale)
		for y := 0; y < 2*scale; y++ {
			for x := 0; x < 3*scale; x++ {
				c := src.RGBAAt(x/scale, y/scale)
				p := dst[y*stride+4*x:]
				if p[0] != c.B || p[1] != c.G || p[2] != c.R || p[3] != 0xff {
					t.Fatalf("scale %d: (%d,%d) = % x, want B G R of %v", scale, x, y, p[:4], c)
				}
			}
		}
	}
}

func TestComposeKeepsBarPixels(t *testing.T) {
	t.Parallel()
	bar := image.NewRGBA(image.Rect(0, 0, 200, BarHeight))
	for i := range bar.Pix {
		bar.Pix[i] = byte(i * 7)
	}
	dst := image.NewRGBA(image.Rect(0, 0, 200, BarHeight+statusHeight))
	compose(dst, bar, []statusLine{{text: "hello"}, {text: "config.toml:1:1: bad", err: true}, {text: "dropped"}})
	for y := 0; y < BarHeight; y++ {
		for x := 0; x < 200; x++ {
			if dst.RGBAAt(x, y) != bar.RGBAAt(x, y) {
				t.Fatalf("bar pixel (%d,%d) changed", x, y)
			}
		}
	}
	var fg, red bool
	for y := BarHeight; y < BarHeight+statusHeight; y++ {
		for x := 0; x < 200; x++ {
			switch dst.RGBAAt(x, y) {
			case statusFG:
				fg = true
			case statusErr:
				red = true
			}
		}
	}
	if !fg || !red {
		t.Fatalf("status text drawn: plain %v, error %v", fg, red)
	}
}

func BenchmarkScaleToXRGB(b *testing.B) {
	src := image.NewRGBA(image.Rect(0, 0, 2170, BarHeight+statusHeight))
	for _, scale := range []int{1, 2} {
		b.Run(map[int]string{1: "scale1", 2: "scale2"}[scale], func(b *testing.B) {
			stride := 4 * 2170 * scale
			dst := make([]byte, stride*(BarHeight+statusHeight)*scale)
			b.SetBytes(int64(len(dst)))
			for b.Loop() {
				scaleToXRGB(dst, stride, src, scale)
			}
		})
	}
}
