package render

import (
	"testing"

	"tiny-dfr/internal/assets"
)

// FuzzDecodeSVG: user icons never crash the renderer.
func FuzzDecodeSVG(f *testing.F) {
	for _, n := range []string{"search", "brightness_low", "battery_charging_50", "play_pause"} {
		b, _ := assets.Icon(n)
		f.Add(b)
	}
	f.Add([]byte(`<svg viewBox="0 0 24 24"><g transform="rotate(45 12 12) skewX(10)"><rect x="2" y="2" width="20" height="20" rx="30"/><circle r="-1"/><ellipse rx="3" ry="2"/><polygon points="1 2 3"/></g></svg>`))
	f.Add([]byte(`<svg viewBox="0 0 0 0"><path d="M0 0A0 0 0 1 1 5 5a1e308 1e308 0 1 1 1 1z"/></svg>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := decodeIcon(data, false, 24, 24)
		if err == nil && (img == nil || img.Rect.Dx() != 24) {
			t.Fatal("no image without an error")
		}
	})
}

// FuzzParsePath: path data never crashes or loops.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"M0 0L1 1z", "m1.5.5a.5.5 0 01.5.5", "M0 0C1 1 2 2 3 3S4 4 5 5Q6 6 7 7T8 8H9V10Z", "M0 0z1 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		parsePath(d)
	})
}
