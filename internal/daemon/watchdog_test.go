package daemon

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// stuckDisplay blocks in Present while stuck is set, until release closes.
type stuckDisplay struct {
	*fakeDisplay
	stuck   atomic.Bool
	release chan struct{}
}

func (d *stuckDisplay) Present(f *render.Frame) error {
	if d.stuck.Load() {
		<-d.release
	}
	return d.fakeDisplay.Present(f)
}

// TestLoopWatchdogStopsWhenStuck: the pings come from the loop goroutine
// itself, so a loop stuck in a frame takes no watchdog tick (systemd then
// restarts the daemon), and pings are not wake-ups.
func TestLoopWatchdogStopsWhenStuck(t *testing.T) {
	t.Parallel()
	disp := &stuckDisplay{fakeDisplay: newFakeDisplay(), release: make(chan struct{})}
	var log []string
	pings := make(chan struct{}, 10)
	env := Env{
		Clock:      &fakeClock{now: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)},
		Rand:       rand.New(rand.NewPCG(1, 1)),
		Timing:     instantTiming(),
		LoadConfig: func() (*config.Config, []config.Diagnostic) { return testConfig(), nil },
		NewPainter: func(lay *layouts.Layout, _ Look) (Painter, []config.Diagnostic) {
			return &fakePainter{lay: lay, log: &log}, nil
		},
		OpenDisplay: func() (Display, error) { return disp, nil },
		Tracker:     input.NewTracker(&fakeKeyboard{down: map[uint16]bool{}}),
		ReadBattery: func() (battery.State, error) { return battery.State{}, nil },
		Ping:        func() { pings <- struct{}{} },
	}
	inputs := make(chan input.Event)
	ticks := make(chan time.Time) // unbuffered: only a serving loop takes a tick
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var stats Stats
	go func() { done <- Loop(ctx, env, Sources{Inputs: inputs, Watchdog: ticks}, &stats) }()
	<-disp.presents // the first frame

	for range 3 {
		ticks <- time.Now()
		<-pings
	}
	disp.stuck.Store(true)
	inputs <- input.Event{Kind: input.Fn, Down: true} // the media layer: a frame, stuck
	select {
	case ticks <- time.Now():
		t.Fatal("a loop stuck in Present took a watchdog tick")
	case <-time.After(300 * time.Millisecond):
	}
	disp.stuck.Store(false)
	close(disp.release)
	ticks <- time.Now()
	<-pings
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if stats.Pings != 4 {
		t.Errorf("%d pings counted, want 4", stats.Pings)
	}
	if stats.Wakeups >= 4 {
		t.Errorf("%d wake-ups: the pings were counted as wake-ups", stats.Wakeups)
	}
}

// TestLoopFatalShowsCrash: a Fatal source ends the loop as a crash does.
func TestLoopFatalShowsCrash(t *testing.T) {
	t.Parallel()
	disp := newFakeDisplay()
	var log []string
	clk := &fakeClock{now: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)}
	env := Env{
		Clock:      clk,
		Rand:       rand.New(rand.NewPCG(1, 1)),
		Timing:     instantTiming(),
		LoadConfig: func() (*config.Config, []config.Diagnostic) { return testConfig(), nil },
		NewPainter: func(lay *layouts.Layout, _ Look) (Painter, []config.Diagnostic) {
			return &fakePainter{lay: lay, log: &log}, nil
		},
		OpenDisplay: func() (Display, error) { return disp, nil },
		Tracker:     input.NewTracker(&fakeKeyboard{down: map[uint16]bool{}}),
		ReadBattery: func() (battery.State, error) { return battery.State{}, nil },
		Crash:       render.Crash,
	}
	fatal := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Loop(ctx, env, Sources{Fatal: fatal}, nil) }()
	<-disp.presents
	fatal <- errString("input stopped: gone")
	<-disp.presents // the crash picture
	cancel()        // cuts the hold short
	err := <-done
	if err == nil || err.Error() != "daemon: crashed: input stopped: gone" {
		t.Fatalf("Loop = %v", err)
	}
	expectCrashPicture(t, disp, "input stopped: gone")
	if !disp.closed {
		t.Error("display left open")
	}
}

type errString string

func (e errString) Error() string { return string(e) }
