package daemon

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/uevent"
)

// Layouts are built off the loop: a slow config or painter does not stop
// the bar from answering, nor the daemon from stopping.

// deadlock is how long a test waits for the loop before calling it stuck
// (a guard against hanging the test binary, not a measurement).
const deadlock = 10 * time.Second

// gate blocks the builds after the first until opened.
type gate struct {
	calls   atomic.Int32
	entered chan struct{} // a blocked call began
	open    chan struct{}
	once    sync.Once
}

func newGate() *gate {
	return &gate{entered: make(chan struct{}, 10), open: make(chan struct{})}
}

// pass lets the first call through and blocks the others until release.
func (g *gate) pass() {
	if g.calls.Add(1) == 1 {
		return
	}
	g.entered <- struct{}{}
	<-g.open
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

// send hands v to the loop or fails when the loop does not take it.
func send[T any](t *testing.T, l *loopRig, ch chan T, v T, what string) {
	t.Helper()
	select {
	case ch <- v:
	case err := <-l.done:
		t.Fatalf("%s: loop ended: %v", what, err)
	case <-time.After(deadlock):
		t.Fatalf("%s: the loop does not take it (blocked by the build?)", what)
	}
}

func (l *loopRig) tap(t *testing.T, p *fakePainter, b int, phase input.Phase) {
	t.Helper()
	btn := p.lay.Layers[0].Buttons[b]
	x := (float64(btn.Left) + btn.Width/2) / float64(p.lay.Length)
	send(t, l, l.inputs, input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: phase, X: x, Y: 0.5}}}, "touch")
}

// A reload whose config or painter takes long: the old layout stays on the
// bar and keeps answering taps until the new one is ready.
func TestLoopServesTapsDuringSlowBuild(t *testing.T) {
	t.Parallel()
	for _, slow := range []string{"LoadConfig", "NewPainter"} {
		t.Run(slow, func(t *testing.T) {
			t.Parallel()
			g := newGate()
			defer g.release()
			two := false
			l := startLoopWith(t, "", func(env *Env) {
				load, paint := env.LoadConfig, env.NewPainter
				if slow == "LoadConfig" {
					env.LoadConfig = func() (*config.Config, []config.Diagnostic) {
						g.pass()
						cfg, d := load()
						if two {
							cfg.PrimaryLayerKeys = fButtons(2)
						}
						return cfg, d
					}
				} else {
					env.LoadConfig = func() (*config.Config, []config.Diagnostic) {
						cfg, d := load()
						if two {
							cfg.PrimaryLayerKeys = fButtons(2)
						}
						return cfg, d
					}
					env.NewPainter = func(lay *layouts.Layout, o bool, f string, fp config.Pos) (Painter, []config.Diagnostic) {
						g.pass()
						return paint(lay, o, f, fp)
					}
				}
			})
			l.waitFrame(t)
			p := <-l.painter
			two = true // (read by the build the send below starts)
			send(t, l, l.configs, struct{}{}, "config change")
			<-g.entered
			// The build is stuck: taps still press and release keys on the
			// old layout, and its buttons are redrawn.
			l.tap(t, p, 2, input.Down)
			l.waitFrame(t)
			l.tap(t, p, 2, input.Up)
			l.waitFrame(t)
			if got := l.kb.take(); strings.Join(got, " ") != "+61 -61" {
				t.Errorf("keys during the build %q, want +61 -61", got)
			}
			if l.disp.closed {
				t.Error("display closed")
			}
			g.release()
			p2 := <-l.painter
			l.waitFrame(t) // the new layout, drawn whole
			if n := len(p2.lay.Layers[0].Buttons); n != 2 {
				t.Errorf("new layout has %d buttons, want 2", n)
			}
			l.tap(t, p2, 1, input.Down)
			l.waitFrame(t)
			if got := l.kb.take(); strings.Join(got, " ") != "+60" {
				t.Errorf("keys on the new layout %q, want +60", got)
			}
			l.cancel()
			if err := <-l.done; err != nil {
				t.Fatal(err)
			}
			if l.kb.held() != 0 {
				t.Error("key held after stop")
			}
		})
	}
}

// SIGTERM during a build that never ends: the loop stops at once, keys
// released, bar blank; it does not wait for the build.
func TestLoopStopsDuringStuckBuild(t *testing.T) {
	t.Parallel()
	g := newGate()
	defer g.release() // lets the abandoned build finish after the test
	l := startLoopWith(t, "", func(env *Env) {
		paint := env.NewPainter
		env.NewPainter = func(lay *layouts.Layout, o bool, f string, fp config.Pos) (Painter, []config.Diagnostic) {
			g.pass()
			return paint(lay, o, f, fp)
		}
	})
	l.waitFrame(t)
	p := <-l.painter
	l.tap(t, p, 0, input.Down)
	l.waitFrame(t)
	send(t, l, l.configs, struct{}{}, "config change")
	<-g.entered
	l.cancel()
	select {
	case err := <-l.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(deadlock):
		t.Fatal("the loop waits for the stuck build")
	}
	if l.kb.held() != 0 {
		t.Error("key held after stop")
	}
	if !l.disp.closed {
		t.Error("display left open")
	}
}

// A panic in a build is the loop's crash: the crash picture, an error.
func TestLoopBuildPanicCrashes(t *testing.T) {
	t.Parallel()
	l := startLoopWith(t, "", func(env *Env) {
		env.NewPainter = func(*layouts.Layout, bool, string, config.Pos) (Painter, []config.Diagnostic) {
			panic("bad tile")
		}
	})
	l.waitFrame(t) // the crash picture
	for {
		if _, ok := l.clk.Armed(); ok {
			break
		}
		time.Sleep(time.Millisecond)
	}
	l.clk.Advance(DefaultTiming().CrashHold)
	err := <-l.done
	if err == nil || !strings.Contains(err.Error(), "bad tile") {
		t.Fatalf("Loop = %v, want the crash reason", err)
	}
	if f := l.disp.frames[0]; f.Pix[0] != 0xcc {
		t.Error("crash picture not shown")
	}
}

// Config changes during a build make exactly one more build after it, with
// the latest config.
func TestConfigChangesDuringBuildCoalesce(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	var mu sync.Mutex
	loads, cfg := 0, testConfig()
	r.c.env.LoadConfig = func() (*config.Config, []config.Diagnostic) {
		mu.Lock()
		defer mu.Unlock()
		loads++
		return cfg, nil
	}
	r.c.inline = false
	r.c.onConfigChanged(r.now)
	mu.Lock()
	cfg = testConfig()
	cfg.PrimaryLayerKeys = fButtons(5)
	mu.Unlock()
	for range 5 {
		r.c.onConfigChanged(r.now) // while the first runs
	}
	r.c.onBuilt(<-r.c.built, r.now)
	if !r.c.building {
		t.Fatal("no build after the changes")
	}
	r.c.onBuilt(<-r.c.built, r.now)
	mu.Lock()
	defer mu.Unlock()
	if r.c.building || loads != 2 {
		t.Errorf("building %v after %d loads, want done after 2", r.c.building, loads)
	}
	if n := len(r.c.lay.Layers[0].Buttons); n != 5 {
		t.Errorf("%d buttons, want the latest config's 5", n)
	}
}

// A layout built for a display that went away meanwhile is not used: the
// display that came back gets its own.
func TestBuildForLostDisplayDropped(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.c.inline = false
	r.c.onConfigChanged(r.now)
	r.c.lostDisplay(errGone)
	r.disp = nil
	r.c.openDisplay(r.now) // a new fake display
	if r.c.disp == nil {
		t.Fatal("not re-opened")
	}
	r.disp.length = 2170
	old := <-r.c.built
	r.c.onBuilt(old, r.now)
	if r.c.painter != nil {
		t.Error("the lost display's layout was used")
	}
	r.c.onBuilt(<-r.c.built, r.now)
	if r.c.lay == nil || r.c.lay.Length != 2170 {
		t.Errorf("layout %v, want one for the new 2170 px display", r.c.lay)
	}
}

// Through the loop: a dock's card going away while a key is held changes
// nothing; the Touch Bar's own card going away releases it and closes the
// display.
func TestLoopForeignCardRemoval(t *testing.T) {
	t.Parallel()
	l := startLoopWith(t, "", func(env *Env) {
		open := env.OpenDisplay
		env.OpenDisplay = func() (Display, error) {
			d, err := open()
			d.(*fakeDisplay).dev = [2]uint32{226, 0} // card0
			return d, err
		}
	})
	l.waitFrame(t)
	p := <-l.painter
	l.tap(t, p, 1, input.Down)
	l.waitFrame(t)
	for _, e := range []uevent.Event{drmEvent("change", "card1", 226, 1), drmEvent("remove", "card1", 226, 1)} {
		send(t, l, l.uevents, e, "foreign card "+e.Action)
	}
	// A tap's redraw is the next frame: none came from the uevents.
	frames := len(l.disp.frames)
	l.tap(t, p, 1, input.Up)
	l.waitFrame(t)
	if got := l.kb.take(); strings.Join(got, " ") != "+60 -60" {
		t.Errorf("keys %q, want +60 -60 (held through the foreign card's events)", got)
	}
	l.disp.mu.Lock()
	if n := len(l.disp.frames) - frames; n != 1 || l.disp.closed {
		t.Errorf("%d frames for a tap after the foreign events, closed %v; want 1, open", n, l.disp.closed)
	}
	l.disp.mu.Unlock()
	l.tap(t, p, 0, input.Down)
	l.waitFrame(t)
	send(t, l, l.uevents, drmEvent("remove", "card0", 226, 0), "own card remove")
	l.cancel()
	if err := <-l.done; err != nil {
		t.Fatal(err)
	}
	if got := l.kb.take(); strings.Join(got, " ") != "+59 -59" || !l.disp.closed {
		t.Errorf("own card removed: keys %q, closed %v", got, l.disp.closed)
	}
}
