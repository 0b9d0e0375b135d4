package input

import (
	"errors"
	"image"
	"slices"
	"testing"

	"tiny-dfr/internal/layouts"
)

func down(slot int, x, y float64) Touch { return Touch{Slot: slot, Phase: Down, X: x, Y: y} }
func move(slot int, x, y float64) Touch { return Touch{Slot: slot, Phase: Move, X: x, Y: y} }
func up(slot int) Touch                 { return Touch{Slot: slot, Phase: Up} }

func TestTapEachButton(t *testing.T) {
	t.Parallel()
	l := testLayout()
	for layer, codes := range [][]uint16{fCodes, mediaCodes} {
		kb := newFakeKeyboard()
		tr := NewTracker(kb)
		v := View{Layout: l, Shown: layer}
		for b, code := range codes {
			x, y := centre(l, layer, b)
			ch := tr.Handle([]Touch{down(0, x, y)}, v)
			if !slices.Equal(ch, []Ref{{layer, b}}) || !tr.Pressed(layer, b) || tr.Held() != 1 {
				t.Errorf("layer %d button %d down: changed %v pressed %v held %d", layer, b, ch, tr.Pressed(layer, b), tr.Held())
			}
			ch = tr.Handle([]Touch{up(0)}, v)
			if !slices.Equal(ch, []Ref{{layer, b}}) || tr.Pressed(layer, b) || tr.Held() != 0 {
				t.Errorf("layer %d button %d up: changed %v", layer, b, ch)
			}
			if got := kb.take(); !slices.Equal(got, []keyEvent{{code, true}, {code, false}}) {
				t.Errorf("layer %d button %d: keys %v, want %d down/up", layer, b, got, code)
			}
		}
		if len(kb.problems) > 0 {
			t.Error(kb.problems)
		}
	}
}

func TestHitRules(t *testing.T) {
	t.Parallel()
	l := testLayout()
	b0 := l.Button(0, 0)
	gap := (float64(b0.Left) + b0.Width + 8) / float64(l.Length)
	x, _ := centre(l, 0, 0)
	for _, c := range []struct {
		name string
		x, y float64
		hit  bool
	}{
		{"centre", x, 0.5, true},
		{"gap", gap, 0.5, false},
		{"top 10%", x, 0.05, false},
		{"bottom 10%", x, 0.95, false},
		{"just inside", x, 0.11, true},
		{"left of the bar", -0.01, 0.5, false},
	} {
		kb := newFakeKeyboard()
		tr := NewTracker(kb)
		tr.Handle([]Touch{down(0, c.x, c.y)}, View{Layout: l})
		if got := tr.Held() == 1; got != c.hit {
			t.Errorf("%s: held %d, want hit %v", c.name, tr.Held(), c.hit)
		}
		// A finger that starts off every button never presses one.
		tr.Handle([]Touch{move(0, x, 0.5)}, View{Layout: l})
		if got := tr.Held() == 1; got != c.hit {
			t.Errorf("%s: after moving onto a button held %d", c.name, tr.Held())
		}
		tr.Handle([]Touch{up(0)}, View{Layout: l})
		if tr.Held() != 0 || len(kb.problems) > 0 {
			t.Errorf("%s: held %d after lift, %v", c.name, tr.Held(), kb.problems)
		}
	}
}

func TestSlideOffAndBack(t *testing.T) {
	t.Parallel()
	l := testLayout()
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	v := View{Layout: l}
	x0, y := centre(l, 0, 0)
	x1, _ := centre(l, 0, 1)
	tr.Handle([]Touch{down(0, x0, y)}, v)
	if ch := tr.Handle([]Touch{move(0, x1, y)}, v); !slices.Equal(ch, []Ref{{0, 0}}) {
		t.Errorf("slide onto F2 changed %v, want only F1", ch)
	}
	tr.Handle([]Touch{move(0, x0, y)}, v) // back on F1
	tr.Handle([]Touch{move(0, x0, 0.99)}, v)
	tr.Handle([]Touch{move(0, x0, 0.5)}, v)
	tr.Handle([]Touch{up(0)}, v)
	want := []keyEvent{{59, true}, {59, false}, {59, true}, {59, false}, {59, true}, {59, false}}
	if got := kb.take(); !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}

func TestSeveralFingers(t *testing.T) {
	t.Parallel()
	l := testLayout()
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	v := View{Layout: l}
	x0, y := centre(l, 0, 0)
	x5, _ := centre(l, 0, 5)
	ch := tr.Handle([]Touch{down(0, x0, y), down(1, x5, y)}, v)
	if !slices.Equal(ch, []Ref{{0, 0}, {0, 5}}) || tr.Held() != 2 {
		t.Fatalf("two fingers: changed %v held %d", ch, tr.Held())
	}
	// A third finger on F1: no second key down, look unchanged.
	if ch := tr.Handle([]Touch{down(2, x0, y)}, v); len(ch) != 0 {
		t.Errorf("second finger on F1 changed %v", ch)
	}
	if ch := tr.Handle([]Touch{up(0)}, v); len(ch) != 0 || !tr.Pressed(0, 0) {
		t.Errorf("F1 still held by a finger: changed %v", ch)
	}
	tr.Handle([]Touch{up(2), up(1)}, v)
	want := []keyEvent{{59, true}, {64, true}, {59, false}, {64, false}}
	if got := kb.take(); !slices.Equal(got, want) || len(kb.problems) > 0 {
		t.Errorf("keys %v, want %v (%v)", got, want, kb.problems)
	}
}

func TestTouchKeepsLayerWhenFnChanges(t *testing.T) {
	t.Parallel()
	l := testLayout()
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	x, y := centre(l, 0, 3)
	tr.Handle([]Touch{down(0, x, y)}, View{Layout: l, Shown: 0})
	tr.Handle([]Touch{move(0, x+0.001, y)}, View{Layout: l, Shown: 1}) // Fn went down
	if !tr.Pressed(0, 3) || tr.Pressed(1, 3) {
		t.Error("the finger left its layer")
	}
	tr.Handle([]Touch{down(1, x, y)}, View{Layout: l, Shown: 1})
	tr.Handle([]Touch{up(0), up(1)}, View{Layout: l, Shown: 1})
	want := []keyEvent{{62, true}, {217, true}, {62, false}, {217, false}}
	if got := kb.take(); !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}

func TestAsleepSwallowsWholeTouch(t *testing.T) {
	t.Parallel()
	l := testLayout()
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	x, y := centre(l, 0, 0)
	if ch := tr.Handle([]Touch{down(0, x, y)}, View{Layout: l, Asleep: true}); len(ch) != 0 {
		t.Errorf("waking tap changed %v", ch)
	}
	tr.Handle([]Touch{move(0, x, y)}, View{Layout: l}) // awake now, finger still down
	tr.Handle([]Touch{up(0)}, View{Layout: l})
	if kb.calls != 0 {
		t.Errorf("waking touch sent %v", kb.take())
	}
	tr.Handle([]Touch{down(0, x, y), up(0)}, View{Layout: l})
	if got := kb.take(); len(got) != 2 {
		t.Errorf("tap after waking sent %v", got)
	}
}

func TestShiftSubtracted(t *testing.T) {
	t.Parallel()
	l := testLayout()
	tr := NewTracker(newFakeKeyboard())
	b := l.Button(0, 1)
	// Left edge of F2 on screen when the picture is shifted 11 px right.
	x := (float64(b.Left) + 11 + 0.5) / float64(l.Length)
	tr.Handle([]Touch{down(0, x, 0.5)}, View{Layout: l, Shift: image.Pt(11, 0)})
	if !tr.Pressed(0, 1) {
		t.Error("shifted F2 not hit")
	}
}

func TestReloadSwapAndReleaseAll(t *testing.T) {
	t.Parallel()
	l := testLayout()
	x, y := centre(l, 0, 0)
	for _, c := range []struct {
		name string
		do   func(tr *Tracker) []Ref
	}{
		{"reload", func(tr *Tracker) []Ref { return tr.Handle(nil, View{Layout: testLayout()}) }},
		{"swap", func(tr *Tracker) []Ref { return tr.Handle(nil, View{Layout: l, Shown: 1, Base: 1}) }},
		{"stop", func(tr *Tracker) []Ref { return tr.ReleaseAll() }},
		{"no layout", func(tr *Tracker) []Ref { return tr.Handle(nil, View{}) }},
	} {
		kb := newFakeKeyboard()
		tr := NewTracker(kb)
		tr.Handle([]Touch{down(0, x, y)}, View{Layout: l})
		if ch := c.do(tr); !slices.Equal(ch, []Ref{{0, 0}}) || tr.Held() != 0 {
			t.Errorf("%s: changed %v held %d", c.name, ch, tr.Held())
		}
		// The finger stays inert until it lifts.
		lv := View{Layout: l}
		tr.Handle([]Touch{move(0, x, y)}, lv)
		tr.Handle([]Touch{up(0)}, lv)
		if got := kb.take(); !slices.Equal(got, []keyEvent{{59, true}, {59, false}}) {
			t.Errorf("%s: keys %v", c.name, got)
		}
	}
}

func TestBaseLayer(t *testing.T) {
	t.Parallel()
	s := &layouts.Switcher{DoublePress: 300e6}
	if BaseLayer(s) != layouts.Primary {
		t.Fatal("base not primary")
	}
	var at = testTime(0)
	s.Fn(true, at)
	if BaseLayer(s) != layouts.Primary || s.Shown() != layouts.Media {
		t.Error("Fn held changed the base")
	}
	s.Fn(false, testTime(100))
	s.Fn(true, testTime(200)) // double press: swap
	if BaseLayer(s) != layouts.Media {
		t.Error("double press did not change the base")
	}
	if s.Shown() != layouts.Media {
		t.Error("BaseLayer changed the switcher")
	}
}

func TestChordOrderAndSharedCodes(t *testing.T) {
	t.Parallel()
	c := testConfig()
	c.PrimaryLayerKeys[0].Codes = []uint16{29, 46} // Ctrl+C
	c.PrimaryLayerKeys[1].Codes = []uint16{46}
	l := layouts.Build(c, 2008, 60)
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	v := View{Layout: l}
	x0, y := centre(l, 0, 0)
	x1, _ := centre(l, 0, 1)
	tr.Handle([]Touch{down(0, x0, y)}, v)
	tr.Handle([]Touch{down(1, x1, y)}, v)
	tr.Handle([]Touch{up(0)}, v)
	tr.Handle([]Touch{up(1)}, v)
	want := []keyEvent{{29, true}, {46, true}, {29, false}, {46, false}}
	if got := kb.take(); !slices.Equal(got, want) || len(kb.problems) > 0 {
		t.Errorf("keys %v, want %v (%v)", got, want, kb.problems)
	}
}

func TestKeyboardErrors(t *testing.T) {
	t.Parallel()
	l := testLayout()
	x, y := centre(l, 0, 0)
	v := View{Layout: l}

	// Press fails, its best-effort release works: nothing held.
	kb := newFakeKeyboard()
	calls := 0
	kb.fail = func() bool { calls++; return calls == 1 }
	tr := NewTracker(kb)
	ch := tr.Handle([]Touch{down(0, x, y)}, v)
	if tr.Held() != 0 || !errors.Is(tr.Err(), errFake) || tr.Err() != nil {
		t.Errorf("after a failed press: held %d", tr.Held())
	}
	if !slices.Equal(ch, []Ref{{0, 0}}) {
		t.Errorf("changed %v: the button still looks pressed under the finger", ch)
	}
	tr.Handle([]Touch{up(0)}, v)
	if kb.calls != 2 {
		t.Errorf("%d keyboard calls, want the failed press and one release", kb.calls)
	}

	// Release fails: pending, sent again on the next call until it works.
	kb = newFakeKeyboard()
	failing := false
	kb.fail = func() bool { return failing }
	tr = NewTracker(kb)
	tr.Handle([]Touch{down(0, x, y)}, v)
	failing = true
	tr.Handle([]Touch{up(0)}, v)
	if tr.Held() != 0 || tr.Pending() != 1 || !kb.down[59] {
		t.Fatalf("after a failed release: held %d pending %d", tr.Held(), tr.Pending())
	}
	tr.Handle(nil, v) // fails again
	failing = false
	tr.Handle(nil, v)
	if tr.Held() != 0 || tr.Pending() != 0 || len(kb.down) != 0 || kb.calls != 4 {
		t.Errorf("after retry: held %d, down %v, %d calls", tr.Held(), kb.down, kb.calls)
	}
}

// A chord naming one key 256 times (a config can) must not wrap the
// per-code count: the key would never be released.
func TestChordRepeatingACodeIsReleased(t *testing.T) {
	t.Parallel()
	c := testConfig()
	codes := make([]uint16, 256)
	for i := range codes {
		codes[i] = 30 // KEY_A
	}
	c.PrimaryLayerKeys[0].Codes = codes
	l := layouts.Build(c, 2008, 60)
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	v := View{Layout: l}
	x, y := centre(l, 0, 0)
	tr.Handle([]Touch{down(0, x, y)}, v)
	tr.Handle([]Touch{up(0)}, v)
	want := []keyEvent{{30, true}, {30, false}}
	if got := kb.take(); !slices.Equal(got, want) || tr.Held() != 0 {
		t.Errorf("keys %v, want %v; held %d (%v)", got, want, tr.Held(), kb.problems)
	}
}
