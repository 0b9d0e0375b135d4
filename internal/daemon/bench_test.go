package daemon

import (
	"testing"

	"tiny-dfr/internal/input"
	"tiny-dfr/internal/sliders"
	"tiny-dfr/internal/uevent"
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

// nopSlider is a live slider backend that keeps nothing.
type nopSlider struct{ level float64 }

func (s *nopSlider) Kind() string                 { return "brightness" }
func (s *nopSlider) Level() (float64, error)      { return s.level, nil }
func (s *nopSlider) Set(x float64) error          { s.level = x; return nil }
func (s *nopSlider) Concerns(e uevent.Event) bool { return false }
func (s *nopSlider) Close() error                 { return nil }

// dragRig is a rig on the layers config with the real renderer and a
// finger down on the brightness slider; step moves it (one backend write,
// one slider redraw, presented).
func dragRig(tb testing.TB) (r *rig, step func()) {
	r = newRig(tb, func(r *rig) {
		r.realPainter = true
		r.cfg = layersTestConfig()
		r.openSlider = func(string) (sliders.Backend, error) { return &nopSlider{level: 0.5}, nil }
	})
	r.c.bar = input.NewBar(input.NewTracker(nopKeyboard{}), input.BarOptions{Alarm: &r.c.la, WakeGap: meterGap})
	r.c.flush(r.now)
	x := func(f float64) float64 { return r.sliderX(0, 3, f) / float64(r.c.lay.Length) }
	down := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Down, X: x(0.2), Y: 0.5}}}
	moves := [2]input.Event{
		{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Move, X: x(0.4), Y: 0.5}}},
		{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Move, X: x(0.45), Y: 0.5}}},
	}
	r.c.onInput(down, r.now)
	i := 0
	step = func() {
		r.c.onInput(moves[i&1], r.now)
		i++
		r.disp.frames = r.disp.frames[:0]
	}
	return r, step
}

// BenchmarkSliderDragStep is one step of a slider drag through the Bar
// and the loop: the finger moves (captured), the level is written to the
// backend once and the slider is redrawn (real renderer: the rows between
// the levels) and presented. Compare with BenchmarkTouchToKeyRendered, a
// tap (press + lift, two button redraws).
func BenchmarkSliderDragStep(b *testing.B) {
	r, step := dragRig(b)
	for b.Loop() {
		step()
	}
	if r.c.sliderWrites == 0 {
		b.Fatal("no write")
	}
}

// A slider drag step allocates nothing.
func TestSliderDragAllocs(t *testing.T) { // not parallel: AllocsPerRun
	r, step := dragRig(t)
	step()
	frames := r.c.frames
	if n := testing.AllocsPerRun(100, step); n != 0 {
		t.Errorf("%v allocations per drag step", n)
	}
	if r.c.frames-frames != 101 || r.c.sliderWrites != 103 { // down, first step, 101 steps
		t.Errorf("%d frames, %d writes for 101 steps", r.c.frames-frames, r.c.sliderWrites)
	}
}

// BenchmarkGroupOpen is a tap of a group button (the group drawn whole)
// and of its × (the layer below drawn whole): two full frames.
func BenchmarkGroupOpen(b *testing.B) {
	r := newRig(b, func(r *rig) {
		r.realPainter = true
		r.cfg = layersTestConfig()
	})
	r.c.bar = input.NewBar(input.NewTracker(nopKeyboard{}), input.BarOptions{Alarm: &r.c.la, WakeGap: meterGap})
	r.c.flush(r.now)
	for b.Loop() {
		r.tap(0, 2)
		r.tap(0, 0)
		r.disp.frames = r.disp.frames[:0]
	}
}
