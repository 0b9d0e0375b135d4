package daemon

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/backlight"
	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/uevent"
)

// loopRig runs Loop in a goroutine with a fake clock.
type loopRig struct {
	clk     *fakeClock
	disp    *fakeDisplay
	kb      *fakeKeyboard
	bl      string
	inputs  chan input.Event
	configs chan struct{}
	uevents chan uevent.Event
	cancel  context.CancelFunc
	done    chan error
	stats   Stats
	painter chan *fakePainter
}

func startLoop(t *testing.T, panicMsg string) *loopRig {
	t.Helper()
	return startLoopWith(t, panicMsg, nil)
}

// startLoopWith is startLoop with env changed by opt before the loop starts.
func startLoopWith(t *testing.T, panicMsg string, opt func(*Env)) *loopRig {
	t.Helper()
	l := &loopRig{
		clk:     &fakeClock{now: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)},
		disp:    newFakeDisplay(),
		kb:      &fakeKeyboard{down: map[uint16]bool{}},
		bl:      fakeBacklight(t, t.TempDir(), "display-pipe", 0, 255),
		inputs:  make(chan input.Event),
		configs: make(chan struct{}),
		uevents: make(chan uevent.Event),
		done:    make(chan error, 1),
		painter: make(chan *fakePainter, 10),
	}
	var log []string
	env := Env{
		Clock:      l.clk,
		Rand:       rand.New(rand.NewPCG(1, 1)),
		Timing:     instantTiming(),
		LoadConfig: func() (*config.Config, []config.Diagnostic) { return testConfig(), nil },
		NewPainter: func(lay *layouts.Layout, _ Look) (Painter, []config.Diagnostic) {
			p := &fakePainter{lay: lay, log: &log}
			l.painter <- p
			return p, nil
		},
		OpenDisplay: func() (Display, error) { return l.disp, nil },
		Tracker:     input.NewTracker(l.kb),
		OpenLight:   func() (Light, error) { return backlight.OpenLight(l.bl) },
		ReadBattery: func() (battery.State, error) { return battery.State{}, nil },
		Crash: func(length, h int, reason string) *render.Frame {
			f := render.NewFrame(length, h)
			f.Pix[0] = 0xcc // mark it
			return f
		},
	}
	if panicMsg != "" {
		env.NewPainter = func(lay *layouts.Layout, _ Look) (Painter, []config.Diagnostic) {
			return &fakePainter{lay: lay, log: &log, panic: panicMsg}, nil
		}
	}
	if opt != nil {
		opt(&env)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	go func() {
		l.done <- Loop(ctx, env, Sources{Inputs: l.inputs, Configs: l.configs, Uevents: l.uevents}, &l.stats)
	}()
	return l
}

func (l *loopRig) waitFrame(t *testing.T) {
	t.Helper()
	select {
	case <-l.disp.presents:
	case err := <-l.done:
		t.Fatalf("loop ended: %v", err)
	}
}

func TestLoopRunsAndStopsClean(t *testing.T) {
	t.Parallel()
	l := startLoop(t, "")
	l.waitFrame(t) // first frame
	p := <-l.painter
	btn := p.lay.Layers[0].Buttons[0]
	x := (float64(btn.Left) + btn.Width/2) / float64(p.lay.Length)
	l.inputs <- input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Down, X: x, Y: 0.5}}}
	l.waitFrame(t)
	if l.kb.held() != 1 {
		t.Fatal("touch did not press")
	}
	// The loop arms its timer for the dim at 30 s; the fake clock fires it.
	if at, ok := l.clk.Armed(); !ok || at != l.clk.Now().Add(30*time.Second) {
		t.Errorf("timer armed %v %v, want in 30 s", at, ok)
	}
	l.clk.Advance(30 * time.Second)
	l.configs <- struct{}{} // a reload releases the held key and redraws
	l.waitFrame(t)
	if l.kb.held() != 0 {
		t.Error("reload left a key held")
	}
	l.cancel()
	if err := <-l.done; err != nil {
		t.Fatalf("Loop: %v", err)
	}
	if !l.disp.closed {
		t.Error("display left open")
	}
	last := l.disp.frames[len(l.disp.frames)-1]
	for _, b := range last.Pix {
		if b != 0 {
			t.Fatal("last frame is not black")
		}
	}
	if len(last.Damage) == 0 {
		t.Error("blank frame has no damage: it would not be shown")
	}
	if v := readBrightness(t, l.bl); v != 0 {
		t.Errorf("backlight %d after stop, want 0", v)
	}
	if l.stats.Wakeups < 2 || l.stats.Frames < 3 { // the dim may ride on the reload
		t.Errorf("stats %+v", l.stats)
	}
}

func TestLoopCrashShowsReasonAndFails(t *testing.T) {
	t.Parallel()
	l := startLoop(t, "boom at the first frame")
	// Wait for the crash picture, then let the hold time pass.
	l.waitFrame(t)
	for {
		if _, ok := l.clk.Armed(); ok {
			break
		}
		time.Sleep(time.Millisecond)
	}
	l.clk.Advance(DefaultTiming().CrashHold)
	err := <-l.done
	if err == nil || !strings.Contains(err.Error(), "boom at the first frame") {
		t.Fatalf("Loop = %v, want the crash reason", err)
	}
	if f := l.disp.frames[0]; f.Pix[0] != 0xcc {
		t.Error("crash picture not shown")
	}
	if !l.disp.closed {
		t.Error("display left open")
	}
	if v := readBrightness(t, l.bl); v != 0 {
		t.Errorf("backlight %d after crash, want 0", v)
	}
}
