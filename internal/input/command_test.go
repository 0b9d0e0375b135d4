package input

import (
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// commandLayout: F1 | Run (a command button) | a widget with OnTap.
func commandLayout() *layouts.Layout {
	return layouts.Build(&config.Config{
		PrimaryLayerKeys: []config.Button{
			{Text: "F1", Codes: []uint16{59}, Stretch: 1},
			{Text: "Run", Command: "touch /tmp/ran", Stretch: 1},
			{Command: "date", Interval: 2e9, OnTap: "open-calendar", Stretch: 1},
			{Media: true, Stretch: 1},
		},
		MediaLayerKeys: []config.Button{{Text: "mute", Codes: []uint16{113}, Stretch: 1}},
	}, 2008, 60)
}

// A finger lifting inside a command button queues one Act on its lift
// (none on press), and never holds a key; a widget's OnTap and the media
// widget likewise.
func TestTrackerCommandOnLift(t *testing.T) {
	t.Parallel()
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	lay := commandLayout()
	v := View{Layout: lay}
	for _, b := range []int{1, 2, 3} {
		x, y := centre(lay, 0, b)
		tr.now = testTime(b)
		tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}}, v)
		if acts := tr.TakeActions(nil); len(acts) != 0 {
			t.Fatalf("button %d: press queued %+v", b, acts)
		}
		if !tr.Pressed(0, b) || tr.Held() != 0 {
			t.Fatalf("button %d: pressed %v held %d", b, tr.Pressed(0, b), tr.Held())
		}
		tr.Handle([]Touch{{Slot: 0, Phase: Up, X: x, Y: y}}, v)
		acts := tr.TakeActions(nil)
		if len(acts) != 1 || acts[0].Ref != (Ref{0, b}) || !acts[0].At.Equal(testTime(b)) {
			t.Fatalf("button %d: acts %+v", b, acts)
		}
		switch acts[0].Action.(type) {
		case layouts.CommandAction:
		case layouts.MediaAction:
			if b != 3 {
				t.Errorf("button %d: a media action", b)
			}
		default:
			t.Errorf("button %d: action %T", b, acts[0].Action)
		}
	}
	if got := kb.take(); len(got) != 0 {
		t.Errorf("keys %v from command buttons", got)
	}
}

// Slide-off, Cancel, a reload or ReleaseAll while pressed run nothing.
func TestTrackerCommandNotRun(t *testing.T) {
	t.Parallel()
	tr := NewTracker(newFakeKeyboard())
	lay := commandLayout()
	v := View{Layout: lay}
	x, y := centre(lay, 0, 1)
	x0, _ := centre(lay, 0, 0)
	// Slide off and lift outside.
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}}, v)
	tr.Handle([]Touch{{Slot: 0, Phase: Move, X: x0, Y: y}}, v)
	tr.Handle([]Touch{{Slot: 0, Phase: Up, X: x0, Y: y}}, v)
	// Cancel.
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}}, v)
	tr.Handle([]Touch{{Slot: 0, Phase: Cancel, X: x, Y: y}}, v)
	// A Down without Up ends the old finger: not a lift inside.
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}}, v)
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x0, Y: y}}, v)
	tr.Handle([]Touch{{Slot: 0, Phase: Up, X: x0, Y: y}}, v)
	// A reload while pressed, then the lift on the new layout.
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}}, v)
	v2 := View{Layout: commandLayout()}
	tr.Handle(nil, v2)
	tr.Handle([]Touch{{Slot: 0, Phase: Up, X: x, Y: y}}, v2)
	// ReleaseAll while pressed.
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}}, v2)
	tr.ReleaseAll()
	tr.Handle([]Touch{{Slot: 0, Phase: Up, X: x, Y: y}}, v2)
	if acts := tr.TakeActions(nil); len(acts) != 0 {
		t.Errorf("acts %+v, want none", acts)
	}
	// Slide off and back on, then lift inside: it runs.
	tr.Handle([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}}, v2)
	tr.Handle([]Touch{{Slot: 0, Phase: Move, X: x0, Y: y}}, v2)
	tr.Handle([]Touch{{Slot: 0, Phase: Move, X: x, Y: y}}, v2)
	tr.Handle([]Touch{{Slot: 0, Phase: Up, X: x, Y: y}}, v2)
	if acts := tr.TakeActions(nil); len(acts) != 1 {
		t.Errorf("acts %+v, want one", acts)
	}
}

// A command tap through the Bar allocates nothing and wakes the loop.
func TestBarCommandTapAllocs(t *testing.T) {
	lay := commandLayout()
	b := NewBar(NewTracker(newFakeKeyboard()), BarOptions{})
	b.SetView(View{Layout: lay}, false)
	x, y := centre(lay, 0, 1)
	down := []Touch{{Slot: 0, Phase: Down, X: x, Y: y}}
	up := []Touch{{Slot: 0, Phase: Up, X: x, Y: y}}
	acts := make([]Act, 0, MaxActs)
	n := testing.AllocsPerRun(100, func() {
		b.Touch(down)
		b.Touch(up)
		acts = b.TakeActions(acts[:0])
	})
	if n != 0 {
		t.Errorf("%v allocations per command tap", n)
	}
	select {
	case <-b.Wake():
	default:
		t.Error("a command tap did not wake the loop")
	}
	if len(acts) != 1 {
		t.Errorf("acts %+v", acts)
	}
}
