package render

import (
	"testing"
	"time"

	"tiny-dfr/internal/config"
)

// clockBench is the default F-keys with a clock in place of F12.
func clockBench(b testing.TB) *Renderer {
	c := defaultConfig()
	c.PrimaryLayerKeys[11] = config.Button{Time: "%a %d %b %H:%M", Stretch: 2}
	return newTestRenderer(b, c, 2008, 60, true)
}

// BenchmarkClockTick redraws the clock on a new minute: its text is
// shaped and drawn anew.
func BenchmarkClockTick(b *testing.B) {
	r := clockBench(b)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	r.DrawAll(&State{Now: at})
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(time.Minute)
		r.DrawButtons(&State{Now: at}, 11)
	}
}

// BenchmarkClockSteady is a tick within the same minute: nothing to draw.
func BenchmarkClockSteady(b *testing.B) {
	r := clockBench(b)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	r.DrawAll(&State{Now: at})
	b.ReportAllocs()
	for b.Loop() {
		r.DrawButtons(&State{Now: at}, 11)
	}
}

// A clock's new minute reuses the shaper's glyphs, the clock's mask and
// the glyph outlines read before: what allocates is inside go-text
// (HarfbuzzShaper's output glyphs, harfbuzz's normalisation context: 4
// objects with v0.3.5). It was 15.
func TestClockTickAllocs(t *testing.T) {
	r := clockBench(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	r.DrawAll(&State{Now: at})
	for range 3 { // the digits' outlines are read once
		at = at.Add(time.Minute)
		r.DrawButtons(&State{Now: at}, 11)
	}
	n := testing.AllocsPerRun(50, func() {
		at = at.Add(time.Minute)
		r.DrawButtons(&State{Now: at}, 11)
	})
	if n > 4 {
		t.Errorf("a clock tick allocates %v objects, want at most 4", n)
	}
}
