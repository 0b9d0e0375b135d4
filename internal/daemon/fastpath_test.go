package daemon

import (
	"context"
	"math/rand/v2"
	"runtime/debug"
	"testing"

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
func loopTap(t testing.TB) (tap func(), stop func()) {
	t.Helper()
	kb := signalKeyboard{sent: make(chan bool, 1)}
	disp := signalDisplay{presents: make(chan struct{}, 1)}
	lays := make(chan *layouts.Layout, 1)
	env := Env{
		Clock:      RealClock{},
		Rand:       rand.New(rand.NewPCG(1, 1)),
		Timing:     DefaultTiming(),
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
// real renderer, present) allocates nothing: the collector has no reason
// to run on the touch path.
func TestLoopTapAllocs(t *testing.T) { // not parallel: AllocsPerRun
	tap, stop := loopTap(t)
	defer stop()
	tap()
	if n := testing.AllocsPerRun(100, tap); n != 0 {
		t.Errorf("%v allocations per tap through the loop", n)
	}
}

// BenchmarkLoopTap is a tap through the loop goroutine: two channel
// hand-offs, keys, two real button redraws and presents.
func BenchmarkLoopTap(b *testing.B) {
	tap, stop := loopTap(b)
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
