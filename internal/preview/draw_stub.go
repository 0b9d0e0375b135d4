// Temporary stand-in until internal/render lands (render.New / DrawAll);
// replaced by draw.go, which calls the real renderer.

package preview

import (
	"image"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

type stubDrawer struct{ lay *layouts.Layout }

func (s stubDrawer) draw(layer int, pressed func(l, b int) bool, now time.Time, bat battery.State) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, s.lay.Length, s.lay.Height))
	for i, b := range s.lay.Layers[layer].Buttons {
		c := byte(0x33)
		if pressed(layer, i) {
			c = 0x66
		}
		for y := 6; y < 54; y++ {
			for x := b.Left; x < b.Left+int(b.Width); x++ {
				o := img.PixOffset(x, y)
				img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = c, c, c, 255
			}
		}
	}
	return img
}

func renderDrawer(lay *layouts.Layout, cfg *config.Config) (drawer, []config.Diagnostic) {
	return stubDrawer{lay}, nil
}
