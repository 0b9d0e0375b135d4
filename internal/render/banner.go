package render

import (
	"image"
	"image/color"
	"math"
	"unicode/utf8"
)

// Colours of the error banner and the crash picture.
var (
	bannerRed = color.RGBA{0xb0, 0x10, 0x10, 0xff}
	crashRed  = color.RGBA{0x60, 0x00, 0x00, 0xff}
)

// drawBanner fills the frame with a red banner showing msg (drawn once per
// message, then copied).
func (r *Renderer) drawBanner(msg string) {
	f := r.frame
	if msg != r.bannerText || r.bannerPix == nil {
		r.bannerText = msg
		fr := textFrame(f.Height, f.BarHeight, msg, bannerRed, r.font)
		r.bannerPix = fr.Pix
	}
	copy(f.Pix, r.bannerPix)
}

// Crash returns the picture shown when the daemon dies: the reason, white
// on dark red, in the embedded font.
func Crash(length, barHeight int, reason string) *Frame {
	if length <= 0 || barHeight <= 0 {
		return NewFrame(max(1, length), max(1, barHeight))
	}
	f := EmbeddedFont(true)
	return textFrame(length, barHeight, "tiny-dfr stopped: "+reason, crashRed, f)
}

// textFrame draws text, white on bg, left-aligned with a margin over the
// whole bar; long text is drawn smaller and then cut with an ellipsis.
func textFrame(length, barHeight int, text string, bg color.RGBA, fnt *Font) *Frame {
	face := fnt.face(LabelSize)
	fr := NewFrame(length, barHeight)
	const margin = 16
	avail := length - 2*margin
	var m *image.Alpha
	if face != nil {
		sized := face
		if w := textWidth(face, text); w > avail {
			if small := fnt.face(float64(LabelSize) * math.Max(0.55, float64(avail)/float64(w))); small != nil {
				sized = small
			}
		}
		for textWidth(sized, text) > avail && len(text) > 0 {
			_, n := utf8.DecodeLastRuneInString(text)
			text = text[:len(text)-n]
			for len(text) > 0 && text[len(text)-1] == ' ' {
				text = text[:len(text)-1]
			}
			if textWidth(sized, text+"…") <= avail {
				text += "…"
				break
			}
		}
		m = textMask(sized, text)
	}
	body := image.NewAlpha(image.Rect(0, 0, length, barHeight))
	for i := range body.Pix {
		body.Pix[i] = 0xff
	}
	var layers []layer
	if m != nil {
		ink := m.Rect
		oy := int(math.Round(float64(barHeight)/2 - float64(ink.Min.Y+ink.Max.Y)/2))
		layers = append(layers, layer{mask: m, at: image.Pt(margin-ink.Min.X, oy)})
	}
	canvas := image.NewRGBA(body.Rect)
	drawLayers(canvas, layers)
	composeTile(fr.Pix, fr.Stride, body, &bg, canvas)
	return fr
}
