package daemon

import (
	"testing"

	"tiny-dfr/internal/input"
)

// BenchmarkTouchToKey is one tap (down and up) through the loop's state
// machine: tracker, key press and release, two one-button redraws (fake
// painter, fake display).
func BenchmarkTouchToKey(b *testing.B) {
	r := newRig(b)
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
