package render

import (
	"math"
	"testing"

	"tiny-dfr/internal/layouts"
)

// grey reads landscape pixel (x, y) and checks it is grey (R = G = B).
func grey(t *testing.T, f *Frame, x, y int) uint8 {
	t.Helper()
	c := f.At(f.BarHeight-1-y, x)
	if c.R != c.G || c.G != c.B {
		t.Fatalf("pixel (%d,%d) = %v, not grey", x, y, c)
	}
	return c.R
}

func TestLookProperties(t *testing.T) {
	t.Parallel()
	for _, length := range []int{2008, 2170} {
		for _, outlines := range []bool{true, false} {
			r := newTestRenderer(t, defaultConfig(), length, 60, outlines)
			lay := r.lay
			for _, layer := range []int{layouts.Primary, layouts.Media} {
				const pressedIdx = 3
				f := r.DrawAll(&State{Layer: layer, Pressed: func(_, i int) bool { return i == pressedIdx }})
				bs := lay.Layers[layer].Buttons
				for x := 0; x < length; x++ { // rows 0 and 59 are black
					if grey(t, f, x, 0) != 0 || grey(t, f, x, 59) != 0 {
						t.Fatalf("%d outlines=%v layer %d: x=%d: top or bottom row not black", length, outlines, layer, x)
					}
				}
				for i := range bs {
					b := &bs[i]
					want := uint8(IdleGrey)
					if i == pressedIdx {
						want = PressedGrey
					} else if !outlines {
						want = 0
					}
					// Body: rows 1–58 filled, just inside the left edge past the corner.
					for y := 1; y <= 58; y++ {
						if got := grey(t, f, b.Left+9, y); got != want {
							t.Fatalf("%d outlines=%v layer %d button %d row %d: %#x, want %#x", length, outlines, layer, i, y, got, want)
						}
					}
					// Corners are rounded: the very corner pixel is black-ish.
					if got := grey(t, f, b.Left, 1); got > want/2 {
						t.Errorf("button %d: corner pixel %#x, want rounded off", i, got)
					}
					// Fractional right edge is antialiased.
					right := float64(b.Left) + b.Width
					if frac := right - math.Floor(right); frac > 0.1 && frac < 0.9 {
						got := float64(grey(t, f, int(right), 30))
						if exp := frac * float64(want); math.Abs(got-exp) > 2 {
							t.Errorf("button %d: right edge pixel %v, want about %v", i, got, exp)
						}
					}
					// Gap to the next button is black.
					if i+1 < len(bs) {
						for x := int(math.Ceil(right)); x < bs[i+1].Left; x++ {
							if grey(t, f, x, 30) != 0 {
								t.Fatalf("button %d: gap pixel %d not black", i, x)
							}
						}
					}
					// The label or icon is white and centred.
					minX, maxX, minY, maxY := math.MaxInt, -1, math.MaxInt, -1
					for x := b.Left; x < b.Left+int(b.Width); x++ {
						for y := 0; y < 60; y++ {
							if grey(t, f, x, y) >= 0xf0 {
								minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
							}
						}
					}
					if maxX < 0 {
						t.Fatalf("button %d: no white pixels", i)
					}
					cx := float64(minX+maxX+1) / 2
					cy := float64(minY+maxY+1) / 2
					bc := float64(b.Left) + b.Width/2
					if _, text := b.Face.(layouts.TextFace); text && (math.Abs(cx-bc) > 1.5 || math.Abs(cy-30) > 1.5) {
						t.Errorf("%d layer %d button %d: white ink centred at (%.1f,%.1f), button centre (%.1f,30)", length, layer, i, cx, cy, bc)
					}
					// Icons: the ink stays inside the centred 48×48 box.
					if _, icon := b.Face.(layouts.IconFace); icon && (float64(minX) < bc-24.5 || float64(maxX+1) > bc+24.5 || minY < 6 || maxY+1 > 54) {
						t.Errorf("%d layer %d button %d: icon ink [%d,%d]x[%d,%d] outside the box around %.1f", length, layer, i, minX, maxX, minY, maxY, bc)
					}
				}
				if first := bs[0].Left; first > 0 && grey(t, f, first-1, 30) != 0 {
					t.Error("pixel before the first button not black")
				}
			}
		}
	}
}

func TestLabelSize(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t, defaultConfig(), 2008, 60, true)
	f := r.DrawAll(&State{})
	b := r.lay.Layers[0].Buttons[0] // "F1": cap height of a 32 px bold font is about 23 px
	minY, maxY := 60, -1
	for x := b.Left; x < b.Left+int(b.Width); x++ {
		for y := 0; y < 60; y++ {
			if grey(t, f, x, y) >= 0x80 {
				minY, maxY = min(minY, y), max(maxY, y)
			}
		}
	}
	if h := maxY - minY + 1; h < 20 || h > 26 {
		t.Errorf("F1 is %d px tall, want about 23 (32 px font)", h)
	}
}

func TestBodyMaskRows(t *testing.T) {
	t.Parallel()
	for _, h := range []int{56, 60, 64} {
		m := bodyMask(100, h)
		top, bot := 0.15*float64(h)-8, 0.85*float64(h)+8
		for y := 0; y < h; y++ {
			cov := m.Pix[y*m.Stride+50]
			want := math.Max(0, math.Min(float64(y+1), bot)-math.Max(float64(y), top)) * 255
			if math.Abs(float64(cov)-want) > 3 {
				t.Errorf("height %d row %d: coverage %d, want %.0f", h, y, cov, want)
			}
		}
	}
}
