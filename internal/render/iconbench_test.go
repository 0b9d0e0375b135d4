package render

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// patternPNG writes a side×side PNG with some structure (it compresses,
// as a real picture does, so large sides stay under the file cap).
func patternPNG(t testing.TB, path string, side int) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// rectsSVG is n rects each covering the whole 24×24 view box.
func rectsSVG(n int) string {
	var b strings.Builder
	b.WriteString(`<svg viewBox="0 0 24 24">`)
	for range n {
		b.WriteString(`<rect width="24" height="24" fill-opacity=".01"/>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// iconConfig is n buttons showing icon name at sizes 20, 40, … px
// (size step), or all at one size when step is 0.
func iconConfig(name string, n, size, step int) *config.Config {
	c := &config.Config{FontTemplate: ":bold"}
	for i := range n {
		s := size + i*step
		b := config.Button{Icon: name, Stretch: 1, IconWidth: s, IconHeight: s,
			Pos: config.Pos{File: "bench.toml", Line: i + 1}}
		c.PrimaryLayerKeys = append(c.PrimaryLayerKeys, b)
		c.MediaLayerKeys = append(c.MediaLayerKeys, b)
	}
	return c
}

func benchIconLayout(b *testing.B, dir string, c *config.Config) {
	lay := layouts.Build(c, 2008, 60)
	opts := Options{Font: EmbeddedFont(true), IconDirs: []string{dir}, XDGDataDirs: []string{}}
	b.ReportAllocs()
	for b.Loop() {
		New(lay, opts)
	}
}

// BenchmarkIconPNGSizes: one large PNG shown by 50 buttons at 50 sizes.
func BenchmarkIconPNGSizes(b *testing.B) {
	for _, side := range []int{512, 2048, 4096} {
		b.Run(fmt.Sprint(side), func(b *testing.B) {
			dir := b.TempDir()
			patternPNG(b, filepath.Join(dir, "big.png"), side)
			benchIconLayout(b, dir, iconConfig("big", 50, 20, 20))
		})
	}
}

// BenchmarkIconSVGRects: an SVG of n full-box rects at 1024 px, one button.
func BenchmarkIconSVGRects(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			writeFile(b, filepath.Join(dir, "rects.svg"), rectsSVG(n))
			benchIconLayout(b, dir, iconConfig("rects", 1, 1024, 0))
		})
	}
}

// BenchmarkIconLayoutHeavy: 50 buttons, each its own SVG of 63 full-box
// rects, at 1024 px (each icon just under one icon's budget).
func BenchmarkIconLayoutHeavy(b *testing.B) {
	dir := b.TempDir()
	c := &config.Config{FontTemplate: ":bold"}
	for i := range 50 {
		name := fmt.Sprintf("heavy%d", i)
		writeFile(b, filepath.Join(dir, name+".svg"), rectsSVG(63))
		c.MediaLayerKeys = append(c.MediaLayerKeys, config.Button{Icon: name, Stretch: 1, IconWidth: 1024, IconHeight: 1024})
	}
	c.PrimaryLayerKeys = []config.Button{{Text: "F1", Stretch: 1}}
	benchIconLayout(b, dir, c)
}

// BenchmarkIconLayoutPNGs: 50 buttons, each its own 2048² PNG (the
// largest accepted), at 50 sizes.
func BenchmarkIconLayoutPNGs(b *testing.B) {
	dir := b.TempDir()
	patternPNG(b, filepath.Join(dir, "pic0.png"), 2048)
	data, err := os.ReadFile(filepath.Join(dir, "pic0.png"))
	if err != nil {
		b.Fatal(err)
	}
	c := &config.Config{FontTemplate: ":bold"}
	for i := range 50 {
		name := fmt.Sprintf("pic%d", i)
		if err := os.WriteFile(filepath.Join(dir, name+".png"), data, 0o644); err != nil {
			b.Fatal(err)
		}
		s := 20 + 20*i
		c.MediaLayerKeys = append(c.MediaLayerKeys, config.Button{Icon: name, Stretch: 1, IconWidth: s, IconHeight: s})
	}
	c.PrimaryLayerKeys = []config.Button{{Text: "F1", Stretch: 1}}
	benchIconLayout(b, dir, c)
}
