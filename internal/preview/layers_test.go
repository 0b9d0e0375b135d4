package preview

import (
	"bytes"
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

func layersCfg() *config.Config {
	cfg := config.Default()
	cfg.PrimaryLayerKeys = []config.Button{{Text: "dev", Layer: "dev", Stretch: 1}, {Text: "g", Group: "tools", Stretch: 1}}
	cfg.Layers = []config.NamedLayer{
		{Name: "dev", Keys: []config.Button{{Text: "a", Stretch: 1}}},
		{Name: "tools", Keys: []config.Button{{Slider: config.SliderVolume, Stretch: 4}}},
	}
	return cfg
}

func tap(b *bar, l, i int) {
	x, y := centre(b, l, i)
	b.down(pointerID, x, y)
	b.up(pointerID)
}

func TestPreviewLayersAndGroups(t *testing.T) {
	t.Parallel()
	b := newBar(&bytes.Buffer{}, layersCfg(), 2008, 60)
	tap(b, layouts.Primary, 0)
	if b.shown() != 2 {
		t.Fatalf("layer button: shown %d, want dev (2)", b.shown())
	}
	b.fn(true, time.Now())
	b.fn(false, time.Now())
	if b.shown() != layouts.Primary {
		t.Fatal("Fn does not return from dev")
	}
	tap(b, layouts.Primary, 1)
	if b.shown() != 3 {
		t.Fatalf("group button: shown %d, want tools (3)", b.shown())
	}
	// Slide on the slider (button 1, after ×): the level follows, even
	// off the slider, until lift.
	s := b.lay.Button(3, 1)
	start, end, _ := s.SliderTrack()
	b.down(pointerID, start+0.25*(end-start), 30)
	if lv, _ := b.level(3, 1); lv < 0.2499 || lv > 0.2501 {
		t.Errorf("level %v after touch, want 0.25", lv)
	}
	b.move(pointerID, 5000, 30)
	if lv, _ := b.level(3, 1); lv != 1 {
		t.Errorf("level %v after sliding past the end, want 1", lv)
	}
	b.up(pointerID)
	tap(b, 3, 0) // ×
	if b.shown() != layouts.Primary {
		t.Fatalf("× does not close the group: shown %d", b.shown())
	}
}

func TestPreviewTabCycles(t *testing.T) {
	t.Parallel()
	b := newBar(&bytes.Buffer{}, layersCfg(), 2008, 60)
	var seen []int
	for range 5 {
		b.cycle()
		seen = append(seen, b.shown())
	}
	want := []int{1, 2, 3, 0, 1}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("Tab shows %v, want %v", seen, want)
		}
	}
	b.toggle()
	if b.shown() != layouts.Media {
		t.Fatal("Space after Tab does not toggle the base layers")
	}
}
