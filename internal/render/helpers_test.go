package render

import (
	"fmt"
	"image"
	"math"
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// mediaIcons is the default media layer, in order.
var mediaIcons = []string{"brightness_low", "brightness_high", "mic_off", "search", "backlight_low",
	"backlight_high", "fast_rewind", "play_pause", "fast_forward", "volume_off", "volume_down", "volume_up"}

// defaultConfig is the shipped default: F1…F12 and the media icons.
func defaultConfig() *config.Config {
	c := &config.Config{FontTemplate: ":bold", ActiveBrightness: 128, AdaptiveBrightness: true}
	for i := 1; i <= 12; i++ {
		c.PrimaryLayerKeys = append(c.PrimaryLayerKeys, config.Button{Text: fmt.Sprintf("F%d", i), Stretch: 1,
			Pos: config.Pos{File: "test.toml", Line: i}})
	}
	for i, n := range mediaIcons {
		c.MediaLayerKeys = append(c.MediaLayerKeys, config.Button{Icon: n, Stretch: 1,
			Pos: config.Pos{File: "test.toml", Line: 100 + i}})
	}
	return c
}

// testOptions never depend on the host: embedded font, no icon dirs.
func testOptions(t testing.TB, outlines bool) Options {
	t.Helper()
	return Options{FontTemplate: ":bold", ShowOutlines: outlines, Font: EmbeddedFont(true),
		IconDirs: []string{t.TempDir()}, XDGDataDirs: []string{}}
}

func newTestRenderer(t testing.TB, c *config.Config, length, height int, outlines bool) *Renderer {
	t.Helper()
	r, diags := New(layouts.Build(c, length, height), testOptions(t, outlines))
	for _, d := range diags {
		t.Errorf("diagnostic: %v", d)
	}
	return r
}

// unbounded rasterises svg without a work budget.
func unbounded(svg *svgImage, w, h int) *image.RGBA {
	work := int64(math.MaxInt64)
	img, _ := svg.rasterize(w, h, white, &work)
	return img
}
