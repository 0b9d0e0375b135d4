package render

import (
	"image"
	"image/color"
	"math"
	"sort"
	"strings"

	"golang.org/x/image/font"
)

// Colours of the error banner and the crash picture.
var (
	bannerRed = color.RGBA{0xb0, 0x10, 0x10, 0xff}
	crashRed  = color.RGBA{0x60, 0x00, 0x00, 0xff}
)

// drawBanner fills the frame with a red banner showing msg. The text is
// rasterised once per message; each frame then fills the red and blends
// the text in, so the banner keeps no picture of its own.
func (r *Renderer) drawBanner(msg string) {
	f := r.frame
	if msg != r.bannerText || r.bannerMask == nil {
		r.bannerText = msg
		r.bannerMask, r.bannerAt = bannerLayout(f.Height, f.BarHeight, msg, r.font)
	}
	drawTextFrame(f, r.bannerMask, r.bannerAt, bannerRed)
}

// Crash returns the picture shown when the daemon dies: the reason, white
// on dark red, in the embedded font.
func Crash(length, barHeight int, reason string) *Frame {
	if length <= 0 || barHeight <= 0 {
		return NewFrame(max(1, length), max(1, barHeight))
	}
	f := EmbeddedFont(true)
	fr := NewFrame(length, barHeight)
	m, at := bannerLayout(length, barHeight, "tiny-dfr stopped: "+reason, f)
	drawTextFrame(fr, m, at, crashRed)
	return fr
}

// bannerLayout rasterises text for a banner over the whole bar: left-aligned
// with a margin; long text is drawn smaller and then cut with an ellipsis.
// It returns the mask (never nil) and where its origin goes in landscape
// bar pixels.
func bannerLayout(length, barHeight int, text string, fnt *Font) (*image.Alpha, image.Point) {
	face := fnt.face(LabelSize)
	const margin = 16
	avail := length - 2*margin
	if face == nil {
		return image.NewAlpha(image.Rectangle{}), image.Point{}
	}
	sized := face
	if w := textWidth(face, text); w > avail {
		if small := fnt.face(float64(LabelSize) * math.Max(0.55, float64(avail)/float64(w))); small != nil {
			sized = small
		}
	}
	m := textMask(sized, fitText(sized, text, avail))
	ink := m.Rect
	oy := int(math.Round(float64(barHeight)/2 - float64(ink.Min.Y+ink.Max.Y)/2))
	return m, image.Pt(margin-ink.Min.X, oy)
}

// fitText returns text when it fits in avail pixels, else its longest
// prefix (cut at a rune, trailing spaces dropped) that fits followed by an
// ellipsis ("" when not even the ellipsis fits). Widths grow with the
// prefix, so the prefix is found by bisection: a message of n runes costs
// O(n log n), not O(n²) as cutting a rune at a time did (4000 runes took
// 20 s).
func fitText(face font.Face, text string, avail int) string {
	if textWidth(face, text) <= avail {
		return text
	}
	var cuts []int // prefixes text[:cut] worth trying, shortest first
	for i := range text {
		cuts = append(cuts, i)
	}
	prefix := func(k int) string { return strings.TrimRight(text[:cuts[k]], " ") + "…" }
	// The first prefix that does not fit; cuts[0] == 0 is the bare ellipsis.
	n := sort.Search(len(cuts), func(k int) bool { return textWidth(face, prefix(k)) > avail })
	if n == 0 {
		return ""
	}
	return prefix(n - 1)
}

// drawTextFrame paints the whole frame bg with the white mask m over it,
// m's origin at landscape pixel at: what composeTile makes of a full-bar
// body filled with bg under the mask, without a landscape canvas.
func drawTextFrame(f *Frame, m *image.Alpha, at image.Point, bg color.RGBA) {
	h, st := f.BarHeight, f.Stride
	if f.Height <= 0 || h <= 0 {
		return
	}
	// One panel row of background, copied to every row.
	row := f.Pix[:st]
	for i := 0; i < 4*h; i += 4 {
		row[i], row[i+1], row[i+2], row[i+3] = bg.B, bg.G, bg.R, 0
	}
	clear(row[4*h:])
	for y := 1; y < f.Height; y++ {
		copy(f.Pix[y*st:(y+1)*st], row)
	}
	// The text: landscape (x, y) is panel row x, column h−1−y.
	r := m.Rect.Add(at).Intersect(image.Rect(0, 0, f.Height, h))
	if r.Empty() {
		return
	}
	// White at coverage a over bg, per channel (composeTile's rounding).
	var lut [3][256]uint8
	for a := range uint32(256) {
		for i, c := range [3]uint8{bg.B, bg.G, bg.R} {
			lut[i][a] = uint8(a + (uint32(c)*255*(255-a)+32512)/65025)
		}
	}
	for x := r.Min.X; x < r.Max.X; x++ {
		p := f.Pix[x*st : (x+1)*st]
		mo := m.PixOffset(x-at.X, r.Min.Y-at.Y)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			a := m.Pix[mo]
			mo += m.Stride
			if a == 0 {
				continue
			}
			d := p[4*(h-1-y) : 4*(h-y) : 4*(h-y)]
			d[0], d[1], d[2] = lut[0][a], lut[1][a], lut[2][a]
		}
	}
}
