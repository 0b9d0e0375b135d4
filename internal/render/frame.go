package render

import (
	"image"
	"image/color"
)

// Frame is a picture in the panel's own orientation: portrait, XRGB8888
// (bytes B, G, R, X in memory), Width pixels wide (the bar height padded to a
// multiple of 64) and Height rows (the bar length), Stride bytes a row.
//
// A landscape bar pixel (x, y) — x along the bar from the left end, y down
// from the top edge — is panel pixel (col, row) = (BarHeight−1−y, x).
//
// Damage lists the panel rectangles that changed since the frame was last
// presented; a display copies only those.
type Frame struct {
	Width, Height int
	BarHeight     int // the bar's height: the panel mode's width (≤ Width)
	Stride        int
	Pix           []byte
	Damage        []image.Rectangle
}

// PaddedWidth is the panel buffer width for a bar of the given height.
func PaddedWidth(barHeight int) int { return (barHeight + 63) / 64 * 64 }

// NewFrame returns a black frame for a bar of the given landscape size.
func NewFrame(length, barHeight int) *Frame {
	w := PaddedWidth(barHeight)
	return &Frame{Width: w, Height: length, BarHeight: barHeight, Stride: 4 * w, Pix: make([]byte, 4*w*length)}
}

// BarRect turns a landscape bar rectangle into the panel rectangle it covers.
func (f *Frame) BarRect(r image.Rectangle) image.Rectangle {
	return image.Rect(f.BarHeight-r.Max.Y, r.Min.X, f.BarHeight-r.Min.Y, r.Max.X)
}

// Landscape returns the bar as people see it (for PNG files and previews).
func (f *Frame) Landscape() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, f.Height, f.BarHeight))
	for row := 0; row < f.Height; row++ {
		p := f.Pix[row*f.Stride:]
		for col := 0; col < f.BarHeight; col++ {
			y := f.BarHeight - 1 - col
			o := img.PixOffset(row, y)
			img.Pix[o+0] = p[4*col+2]
			img.Pix[o+1] = p[4*col+1]
			img.Pix[o+2] = p[4*col+0]
			img.Pix[o+3] = 0xff
		}
	}
	return img
}

// At reads panel pixel (col, row) as an opaque colour (for tests).
func (f *Frame) At(col, row int) color.RGBA {
	p := f.Pix[row*f.Stride+4*col:]
	return color.RGBA{R: p[2], G: p[1], B: p[0], A: 0xff}
}
