package render

import (
	"image"
	"image/color"
	"image/draw"
	"testing"

	"tiny-dfr/internal/assets"
)

func iconSheet(t *testing.T) *image.RGBA {
	t.Helper()
	names := assets.IconNames()
	sheet := image.NewRGBA(image.Rect(0, 0, 8*56, (len(names)+7)/8*56))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.Black), image.Point{}, draw.Src)
	for i, n := range names {
		b, _ := assets.Icon(n)
		img, err := decodeIcon(b, false, 48, 48)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		at := image.Pt(i%8*56+4, i/8*56+4)
		draw.Draw(sheet, image.Rectangle{at, at.Add(image.Pt(48, 48))}, img, image.Point{}, draw.Over)
	}
	return sheet
}
