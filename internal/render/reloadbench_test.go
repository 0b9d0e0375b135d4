package render

import (
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// cjkLayout is one CJK label the embedded font lacks: its glyphs come
// from the fallback fontconfig names (a CJK face of ~20 MB).
func cjkLayout() *layouts.Layout {
	c := &config.Config{FontTemplate: ":bold"}
	c.PrimaryLayerKeys = []config.Button{{Text: "中文", Stretch: 1, Pos: config.Pos{File: "t.toml", Line: 1, Col: 1}}}
	c.MediaLayerKeys = c.PrimaryLayerKeys
	return layouts.Build(c, 400, 60)
}

// BenchmarkReloadCJK builds a layout needing a CJK fallback again, as a
// configuration reload does.
func BenchmarkReloadCJK(b *testing.B) {
	if _, err := fcMatch(":charset=4e2d"); err != nil {
		b.Skip(err)
	}
	lay := cjkLayout()
	opts := testOptions(b, true)
	New(lay, opts)
	b.ReportAllocs()
	for b.Loop() {
		New(lay, opts)
	}
}
