package daemon

import (
	"testing"

	"tiny-dfr/internal/input"
)

// BenchmarkTouchToKey is one tap (down and up) through the loop's state
// machine: tracker, key press and release, two one-button redraws (fake
// painter, fake display).
func BenchmarkTouchToKey(b *testing.B) { benchTap(b, false) }

// BenchmarkTouchToKeyRendered is the same with the real renderer: the two
// button redraws are real.
func BenchmarkTouchToKeyRendered(b *testing.B) { benchTap(b, true) }

func benchTap(b *testing.B, real bool) {
	r := newRig(b, func(r *rig) { r.realPainter = real })
	lay := r.c.lay
	btn := lay.Layers[0].Buttons[1]
	x := (float64(btn.Left) + btn.Width/2) / float64(lay.Length)
	down := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Down, X: x, Y: 0.5}}}
	up := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Up, X: x, Y: 0.5}}}
	for b.Loop() {
		r.c.onInput(down, r.now)
		r.c.onInput(up, r.now)
		r.draws = r.draws[:0]
		r.kb.events = r.kb.events[:0]
		r.disp.frames = r.disp.frames[:0]
	}
}

type nopKeyboard struct{}

func (nopKeyboard) Press([]uint16) error   { return nil }
func (nopKeyboard) Release([]uint16) error { return nil }

// A tap (touch → keys → two button redraws) allocates nothing in the loop.
func TestTapAllocs(t *testing.T) { // not parallel: AllocsPerRun
	r := newRig(t, func(r *rig) { r.realPainter = true })
	r.c.bar = input.NewBar(input.NewTracker(nopKeyboard{}), input.BarOptions{Alarm: &r.c.la, WakeGap: meterGap})
	r.c.flush(r.now) // its view
	lay := r.c.lay
	btn := lay.Layers[0].Buttons[1]
	x := (float64(btn.Left) + btn.Width/2) / float64(lay.Length)
	down := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Down, X: x, Y: 0.5}}}
	up := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Up, X: x, Y: 0.5}}}
	tap := func() {
		r.c.onInput(down, r.now)
		r.c.onInput(up, r.now)
		r.disp.frames = r.disp.frames[:0]
	}
	tap()
	if n := testing.AllocsPerRun(100, tap); n != 0 {
		t.Errorf("%v allocations per tap", n)
	}
}
