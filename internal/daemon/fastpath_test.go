package daemon

import (
	"context"
	"math/rand/v2"
	"runtime/debug"
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// signalKeyboard tells on a channel that a key went out, without
// allocating.
type signalKeyboard struct{ sent chan bool }

func (k signalKeyboard) Press([]uint16) error   { k.sent <- true; return nil }
func (k signalKeyboard) Release([]uint16) error { k.sent <- false; return nil }

// signalDisplay keeps nothing and tells on a channel that a frame was
// presented, without allocating.
type signalDisplay struct{ presents chan struct{} }

func (d signalDisplay) Present(*render.Frame) error {
	select {
	case d.presents <- struct{}{}:
	default:
	}
	return nil
}
func (d signalDisplay) Close() error     { return nil }
func (d signalDisplay) Size() (int, int) { return 2008, 60 }

// loopTap runs Loop (real clock, real renderer) on fakes and returns a
// tap: a touch down and a lift sent on the input channel, each waited for
// until its key went out and its pressed look was presented.
func loopTap(t testing.TB, frame time.Duration) (tap func(), stop func()) {
	t.Helper()
	kb := signalKeyboard{sent: make(chan bool, 1)}
	disp := signalDisplay{presents: make(chan struct{}, 1)}
	lays := make(chan *layouts.Layout, 1)
	timing := DefaultTiming()
	timing.Frame = frame
	env := Env{
		Clock:      RealClock{},
		Rand:       rand.New(rand.NewPCG(1, 1)),
		Timing:     timing,
		LoadConfig: func() (*config.Config, []config.Diagnostic) { return testConfig(), nil },
		NewPainter: func(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
			lays <- lay
			return newRenderPainter(lay, look)
		},
		OpenDisplay: func() (Display, error) { return disp, nil },
		Tracker:     input.NewTracker(kb),
	}
	inputs := make(chan input.Event)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Loop(ctx, env, Sources{Inputs: inputs}, nil) }()
	lay := <-lays
	<-disp.presents // the first frame
	btn := lay.Layers[0].Buttons[1]
	x := (float64(btn.Left) + btn.Width/2) / float64(lay.Length)
	down := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Down, X: x, Y: 0.5}}}
	up := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Up, X: x, Y: 0.5}}}
	tap = func() {
		inputs <- down
		if !<-kb.sent {
			t.Fatal("release before press")
		}
		<-disp.presents
		inputs <- up
		if <-kb.sent {
			t.Fatal("press before release")
		}
		<-disp.presents
	}
	return tap, func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// A tap through the whole loop (channel receive, timer, Tracker, key,
// real renderer, present, the timer of the frame put off) allocates
// nothing: the collector has no reason to run on the touch path.
func TestLoopTapAllocs(t *testing.T) { // not parallel: AllocsPerRun
	tap, stop := loopTap(t, time.Millisecond)
	defer stop()
	tap()
	if n := testing.AllocsPerRun(100, tap); n != 0 {
		t.Errorf("%v allocations per tap through the loop", n)
	}
}

// BenchmarkLoopTap is a tap through the loop goroutine: two channel
// hand-offs, keys, two real button redraws and presents (at once: Frame 0).
func BenchmarkLoopTap(b *testing.B) {
	tap, stop := loopTap(b, 0)
	defer stop()
	b.ReportAllocs()
	for b.Loop() {
		tap()
	}
}

// After a build's garbage was collected, the soft memory limit sits above
// what the runtime holds: later small allocations (clock ticks) do not
// start the collector at once, as a limit below the working set would.
func TestTrimHeapLimit(t *testing.T) { // not parallel: the memory limit is global
	old := debug.SetMemoryLimit(1 << 20)
	defer debug.SetMemoryLimit(old)
	trimHeap()
	limit := debug.SetMemoryLimit(-1)
	if used := heapInUse(); limit < used+limitHeadroom/2 || limit < memoryFloor {
		t.Errorf("memory limit %d after trim; the runtime holds %d", limit, used)
	}
}

// pacedRig is a rig whose frames are paced at 16 ms, idle since its first
// frame.
func pacedRig(t *testing.T) *rig {
	r := newRig(t, func(r *rig) { r.frame = 16 * time.Millisecond })
	r.advance(time.Second)
	r.takeDraws()
	return r
}

// A touch's key goes out at once; the new look follows one frame later, on
// a wake-up of its own.
func TestKeyBeforeLook(t *testing.T) {
	t.Parallel()
	r := pacedRig(t)
	r.touch(0, input.Down, 1)
	r.expectKeys("+60")
	r.expectDraws()
	if d := r.c.deadline(r.now); !d.Equal(r.now.Add(16 * time.Millisecond)) {
		t.Errorf("next wake-up in %v, want the frame in 16ms", d.Sub(r.now))
	}
	if n := r.run(16 * time.Millisecond); n != 1 {
		t.Errorf("%d wake-ups for the frame, want 1", n)
	}
	r.expectDraws("buttons L0 [1] pressed [1]")
	r.advance(100 * time.Millisecond)
	r.touch(0, input.Up, 1)
	r.expectKeys("-60")
	r.expectDraws()
	r.run(16 * time.Millisecond)
	r.expectDraws("buttons L0 [1] pressed []")
	// Then nothing waits: the next wake-up is the dim.
	if d := r.c.deadline(r.now); !d.Equal(r.c.lastActivity.Add(DefaultTiming().Dim)) {
		t.Errorf("next wake-up in %v after the frames, want the dim", d.Sub(r.now))
	}
}

// The touches of one frame's time are presented together, in one frame;
// a button pressed and lifted within it is back to its drawn look and is
// not drawn again.
func TestLooksCoalesced(t *testing.T) {
	t.Parallel()
	r := pacedRig(t)
	r.disp.frames = nil
	r.touch(0, input.Down, 1)
	r.advance(5 * time.Millisecond)
	r.touch(1, input.Down, 2)
	r.advance(5 * time.Millisecond)
	r.touch(0, input.Up, 1)
	r.expectKeys("+60", "+61", "-60")
	r.expectDraws()
	r.run(6 * time.Millisecond)
	r.expectDraws("buttons L0 [2] pressed [2]")
	if n := len(r.disp.frames); n != 1 {
		t.Errorf("%d presents, want 1", n)
	}
}

// A tap shorter than a frame sends its keys and leaves the bar as it is:
// once it is lifted every button looks as drawn, so no frame waits (no
// present, no wake-up but the dim).
func TestTapWithinFrameNoPresent(t *testing.T) {
	t.Parallel()
	r := pacedRig(t)
	r.disp.frames = nil
	r.touch(0, input.Down, 2)
	r.advance(3 * time.Millisecond)
	r.touch(0, input.Up, 2)
	r.expectKeys("+61", "-61")
	if n := r.run(time.Second); n != 0 {
		t.Errorf("%d wake-ups in the second after the tap, want none", n)
	}
	r.expectDraws()
	if n := len(r.disp.frames); n != 0 {
		t.Errorf("%d presents, want none", n)
	}
	if d := r.c.deadline(r.now); !d.Equal(r.c.lastActivity.Add(DefaultTiming().Dim)) {
		t.Errorf("next wake-up in %v, want the dim", d.Sub(r.now))
	}
	// The next tap, held over a frame, is drawn pressed, then released.
	r.touch(0, input.Down, 2)
	r.run(20 * time.Millisecond)
	r.expectDraws("buttons L0 [2] pressed [2]")
	r.touch(0, input.Up, 2)
	r.run(20 * time.Millisecond)
	r.expectDraws("buttons L0 [2] pressed []")
}

// Presents are at least a frame apart, whatever asks for them, and a
// finger sliding on and off a button every 5 ms never leaves the bar
// showing a stale look for more than two frames (a waiting frame is not
// put off further); a frame whose buttons all look as drawn is skipped.
func TestPresentsPaced(t *testing.T) {
	t.Parallel()
	r := pacedRig(t)
	var at []time.Time
	shown := false // button 1's look on the bar
	truth := func() bool { return r.c.env.Tracker.Pressed(r.c.sw.Shown(), 1) }
	r.disp.onPresent = func() { at, shown = append(at, r.now), truth() }
	var stale time.Time // since when the bar shows a look that is not the truth
	check := func() {
		switch {
		case shown == truth():
			stale = time.Time{}
		case stale.IsZero():
			stale = r.now
		case r.now.Sub(stale) > 32*time.Millisecond:
			t.Fatalf("the bar shows a stale look for %v", r.now.Sub(stale))
		}
	}
	lay := r.c.lay
	btn := lay.Layers[0].Buttons[1]
	on := (float64(btn.Left) + btn.Width/2) / float64(lay.Length)
	off := (float64(btn.Left) + btn.Width + 2) / float64(lay.Length)
	r.touch(0, input.Down, 1)
	for i := range 40 {
		x := on
		if i%2 == 0 {
			x = off
		}
		for range 5 {
			r.run(time.Millisecond)
			check()
		}
		r.c.onInput(input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Move, X: x, Y: 0.5}}}, r.now)
		if i == 20 { // the layer changes too
			r.c.onInput(input.Event{Kind: input.Fn, Down: true}, r.now)
		}
		check()
	}
	r.run(time.Second)
	check()
	if len(at) == 0 {
		t.Fatal("no present in 200 ms of sliding and a layer change")
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < 16*time.Millisecond {
			t.Errorf("presents %d and %d %v apart", i-1, i, gap)
		}
		if gap := at[i].Sub(at[i-1]); i < len(at)-1 && gap > 32*time.Millisecond {
			t.Errorf("presents %d and %d %v apart while sliding", i-1, i, gap)
		}
	}
}
