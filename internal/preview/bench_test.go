package preview

import (
	"image"
	"testing"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// BenchmarkRedraw is one window update after a press, without the
// compositor: the renderer's frame, turned landscape, the status strip,
// and the copy into the shared buffer.
func BenchmarkRedraw(b *testing.B) {
	cfg := config.Default()
	lay := layouts.Build(cfg, 2170, BarHeight)
	dr, _ := renderDrawer(lay, cfg)
	canvas := image.NewRGBA(image.Rect(0, 0, 2170, BarHeight+statusHeight))
	lines := []statusLine{{text: "primary layer | /etc/tiny-dfr/config.toml | Shift: Fn layer"}}
	pix := make([]byte, 4*canvas.Rect.Dx()*canvas.Rect.Dy())
	now := time.Now()
	i := 0
	for b.Loop() {
		i++
		pressed := func(l, btn int) bool { return btn == i%13 }
		img := dr.draw(layouts.Primary, pressed, now, battery.State{})
		compose(canvas, img, lines)
		scaleToXRGB(pix, 4*canvas.Rect.Dx(), canvas, 1)
	}
}
