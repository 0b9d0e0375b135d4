package input

import (
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// layersConfig has, on the primary layer: F1, a layer button (dev), a
// group button (tools), a brightness slider (2 slots), F2. dev holds F3
// and a button back to primary; tools (a group: × first) a keyboard slider
// and F4.
func layersConfig() *config.Config {
	return &config.Config{
		PrimaryLayerKeys: []config.Button{
			{Text: "F1", Codes: []uint16{59}, Stretch: 1},
			{Text: "dev", Layer: "dev", Stretch: 1},
			{Text: "tools", Group: "tools", Stretch: 1},
			{Slider: config.SliderBrightness, Stretch: 2},
			{Text: "F2", Codes: []uint16{60}, Stretch: 1},
		},
		MediaLayerKeys: []config.Button{{Text: "mute", Codes: []uint16{113}, Stretch: 1}},
		Layers: []config.NamedLayer{
			{Name: "dev", Keys: []config.Button{{Text: "F3", Codes: []uint16{61}, Stretch: 1}, {Text: "back", Layer: "primary", Stretch: 1}}},
			{Name: "tools", Keys: []config.Button{{Slider: config.SliderKeyboard, Stretch: 2}, {Text: "F4", Codes: []uint16{62}, Stretch: 1}}},
		},
	}
}

func layersLayout() *layouts.Layout { return layouts.Build(layersConfig(), 2008, 60) }

// A layer or group button queues its Act on press, with the frame's time;
// the finger's lift after the layer changed does nothing there.
func TestTrackerQueuesActs(t *testing.T) {
	t.Parallel()
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	lay := layersLayout()
	tr.now = testTime(5)
	x, y := centre(lay, 0, 1)
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}}, View{Layout: lay})
	acts := tr.TakeActions(nil)
	if len(acts) != 1 || acts[0].Ref != (Ref{0, 1}) || acts[0].Action != (layouts.LayerAction{Layer: 2}) || !acts[0].At.Equal(testTime(5)) {
		t.Fatalf("acts %+v", acts)
	}
	if !tr.Pressed(0, 1) {
		t.Error("the layer button does not look pressed")
	}
	// dev is shown now; the finger slides onto dev's F3 and lifts.
	v := View{Layout: lay, Shown: 2}
	x3, _ := centre(lay, 2, 0)
	tr.Handle([]Touch{{Slot: 0, Phase: Move, X: x3, Y: y}}, v)
	tr.Handle([]Touch{{Slot: 0, Phase: Up, X: x3, Y: y}}, v)
	if got := kb.take(); len(got) != 0 {
		t.Errorf("keys %v from a layer button's finger", got)
	}
	if acts := tr.TakeActions(nil); len(acts) != 0 {
		t.Errorf("lift queued %+v", acts)
	}
	// The group button and a ×.
	x, y = centre(lay, 0, 2)
	tr.Handle([]Touch{{Slot: 1, Phase: Down, X: x, Y: y}, {Slot: 1, Phase: Up, X: x, Y: y}}, View{Layout: lay})
	x, y = centre(lay, 3, 0)
	tr.Handle([]Touch{{Slot: 1, Phase: Down, X: x, Y: y}}, View{Layout: lay, Shown: 3})
	acts = tr.TakeActions(acts[:0])
	if len(acts) != 2 || acts[0].Action != (layouts.GroupAction{Layer: 3}) || acts[1].Action != (layouts.CloseAction{}) {
		t.Errorf("acts %+v, want the group then ×", acts)
	}
}

// The queue is bounded: beyond MaxActs the oldest are dropped and counted.
func TestTrackerActQueueBounded(t *testing.T) {
	t.Parallel()
	tr := NewTracker(newFakeKeyboard())
	lay := layersLayout()
	x, y := centre(lay, 0, 2)
	for i := range MaxActs + 3 {
		tr.now = testTime(i)
		tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}, {Slot: 0, Phase: Up, X: x, Y: y}}, View{Layout: lay})
	}
	acts := tr.TakeActions(nil)
	if len(acts) != MaxActs || tr.Dropped() != 3 || !acts[0].At.Equal(testTime(3)) {
		t.Errorf("%d acts from %v, %d dropped; want %d from the 4th, 3 dropped", len(acts), acts[0].At, tr.Dropped(), MaxActs)
	}
	// A reload forgets what was queued for the old layout.
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}}, View{Layout: lay})
	tr.Handle(nil, View{Layout: layersLayout()})
	if acts := tr.TakeActions(nil); len(acts) != 0 {
		t.Errorf("acts %+v after a reload", acts)
	}
}

// A finger on a slider is captured: the slider stays pressed wherever it
// goes, no neighbour is pressed, and each move sets the level from x
// (shift applied).
func TestTrackerSliderCapture(t *testing.T) {
	t.Parallel()
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	lay := layersLayout()
	s := lay.Button(0, 3)
	start, end, _ := s.SliderTrack()
	shift := imagePt(4)
	v := View{Layout: lay, Shift: shift}
	at := func(px float64) float64 { return (px + float64(shift.X)) / float64(lay.Length) }
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: at(start + (end-start)/4), Y: 0.5}}, v)
	lv := tr.TakeLevels(nil)
	if len(lv) != 1 || lv[0].Ref != (Ref{0, 3}) || !near(lv[0].Level, 0.25) {
		t.Fatalf("levels %+v, want 0.25 on slider 0/3", lv)
	}
	// Two moves in a frame: the last wins.
	tr.Handle([]Touch{{Slot: 0, Phase: Move, X: at(start + (end-start)/2), Y: 0.5}, {Slot: 0, Phase: Move, X: at(start + (end-start)*3/4), Y: 0.5}}, v)
	if lv = tr.TakeLevels(lv[:0]); len(lv) != 1 || !near(lv[0].Level, 0.75) {
		t.Errorf("levels %+v, want 0.75", lv)
	}
	// Onto F2 (right neighbour), off the bar's top: no key, still the slider.
	x2, _ := centre(lay, 0, 4)
	tr.Handle([]Touch{{Slot: 0, Phase: Move, X: x2, Y: 0.5}, {Slot: 0, Phase: Move, X: x2, Y: -3}}, v)
	if lv = tr.TakeLevels(lv[:0]); len(lv) != 1 || lv[0].Level != 1 {
		t.Errorf("levels %+v, want 1 beyond the end", lv)
	}
	if !tr.Pressed(0, 3) || tr.Pressed(0, 4) || len(kb.take()) != 0 {
		t.Errorf("slider pressed %v, F2 pressed %v", tr.Pressed(0, 3), tr.Pressed(0, 4))
	}
	tr.Handle([]Touch{{Slot: 0, Phase: Up, X: x2, Y: 0.5}}, v)
	if tr.Pressed(0, 3) || len(tr.TakeLevels(lv[:0])) != 0 || len(kb.take()) != 0 {
		t.Error("the lift left the slider pressed, set a level or sent a key")
	}
}

// The Bar wakes the loop at once for an Act, and times a slider's level
// like a look (frame alarm), even when the look does not change.
func TestBarActsAndLevels(t *testing.T) {
	kb := newFakeKeyboard()
	a := &fakeAlarm{}
	lay := layersLayout()
	b := NewBar(NewTracker(kb), BarOptions{Now: func() time.Time { return testTime(7) }, Alarm: a, Frame: 16 * time.Millisecond, WakeGap: time.Hour})
	b.SetView(View{Layout: lay}, false)
	x, y := centre(lay, 0, 1)
	b.Touch([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}})
	if !woken(b) {
		t.Fatal("an Act did not wake the loop")
	}
	b.Touch([]Touch{{Slot: 0, Phase: Up, X: x, Y: y}})
	if woken(b) {
		t.Error("the lift woke the loop")
	}
	acts := b.TakeActions(make([]Act, 0, MaxActs))
	if len(acts) != 1 || !acts[0].At.Equal(testTime(7)) {
		t.Fatalf("acts %+v", acts)
	}
	b.Looks(nil)
	s := lay.Button(0, 3)
	start, end, _ := s.SliderTrack()
	xs := func(f float64) float64 { return (start + (end-start)*f) / float64(lay.Length) }
	b.Touch([]Touch{{Slot: 1, Phase: Down, X: xs(0.1), Y: y}})
	b.Looks(nil) // the pressed look taken: the alarm is off
	b.Touch([]Touch{{Slot: 1, Phase: Move, X: xs(0.5), Y: y}})
	if !a.armed || woken(b) {
		t.Errorf("a level change: alarm armed %v, woken; want the alarm, no wake-up", a.armed)
	}
	b.Looks(nil)
	if lv := b.TakeLevels(nil); len(lv) != 1 || !near(lv[0].Level, 0.5) {
		t.Errorf("levels %+v", lv)
	}
	refs, lvs := make([]Ref, 0, 16), make([]Level, 0, MaxLevels)
	move := []Touch{{Slot: 1, Phase: Move, X: xs(0.3), Y: y}}
	if n := testing.AllocsPerRun(100, func() {
		b.Touch(move)
		refs = b.Looks(refs[:0])
		lvs = b.TakeLevels(lvs[:0])
	}); n != 0 {
		t.Errorf("%v allocations per drag step", n)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
