package daemon

import (
	"context"
	"fmt"
	"image"
	"runtime/debug"
	"sync/atomic"
	"time"
	"tiny-dfr/internal/input"

	"tiny-dfr/internal/render"
	"tiny-dfr/internal/session"
	"tiny-dfr/internal/uevent"
)

// Sources feed the loop. A nil or closed channel is simply never ready.
type Sources struct {
	Inputs  <-chan input.Event
	Configs <-chan struct{}
	Uevents <-chan uevent.Event
	// Session is the session companion server's events (Env.Session).
	Session <-chan session.Event
	// Fatal ends the loop as a crash would: the error is shown on the bar
	// and returned (a source the daemon cannot run without died).
	Fatal <-chan error
	// Watchdog ticks make the loop goroutine call Env.Ping, so that a
	// stuck loop stops the pings. They are not counted as wake-ups.
	Watchdog <-chan time.Time
}

// The loops' counters for debug figures (Counters), all loops of the
// process together.
var loopWakeups, loopFrames atomic.Uint64

// Counters are the wake-ups and presents of the process's loops so far
// (the guest benchmark's debug figures: cmd/tiny-dfr/debugmetrics.go).
func Counters() (wakeups, frames uint64) { return loopWakeups.Load(), loopFrames.Load() }

// Stats are the loop's counters, for measurements and tests.
type Stats struct {
	Wakeups int // loop iterations: events and timer expiries
	Frames  int // frames presented
	Pings   int // watchdog ticks served (not in Wakeups)
}

// Loop runs the daemon's state machine until ctx ends (then it releases
// every key, blanks the bar, turns the backlight off and returns nil) or
// the state machine panics (then it shows the crash picture for
// Timing.CrashHold and returns an error). stats, if not nil, receives the
// counters when Loop returns.
func Loop(ctx context.Context, env Env, src Sources, stats *Stats) (err error) {
	c := newCore(env, env.Clock.Now())
	pings := 0
	defer func() {
		if r := recover(); r != nil {
			err = c.crash(ctx, r, debug.Stack())
		}
		if stats != nil {
			*stats = Stats{Wakeups: c.wakeups, Frames: c.frames, Pings: pings}
		}
	}()
	c.start(env.Clock.Now())
	clk := env.Clock
	timer := env.Timer
	if timer == nil {
		timer = clk.NewTimer(time.Hour)
	}
	defer timer.Stop()
	// set is the deadline the timer is armed for (zero: disarmed): an
	// unchanged deadline is not set again (a timerfd's is a system call).
	var set time.Time
	for {
		now := clk.Now()
		if d := c.deadline(now); !d.Equal(set) {
			if d.IsZero() {
				timer.Stop()
			} else {
				timer.Reset(max(d.Sub(now), 0))
			}
			set = d
		}
		select {
		case <-ctx.Done():
			c.shutdown()
			return nil
		case ev, ok := <-src.Inputs:
			if !ok {
				src.Inputs = nil
				continue
			}
			c.onInput(ev, clk.Now())
		case _, ok := <-src.Configs:
			if !ok {
				src.Configs = nil
				continue
			}
			c.onConfigChanged(clk.Now())
		case e, ok := <-src.Uevents:
			if !ok {
				src.Uevents = nil
				continue
			}
			c.onUevent(e, clk.Now())
		case e, ok := <-src.Session:
			if !ok {
				src.Session = nil
				continue
			}
			c.onSession(e, clk.Now())
		case <-c.bar.Wake():
			c.onBar(clk.Now())
		case <-c.alarmC:
			c.onAlarm(clk.Now())
		case b := <-c.built:
			c.onBuilt(b, clk.Now())
		case <-timer.C():
			set = time.Time{} // fired: disarmed
			c.onTimer(clk.Now())
		case err, ok := <-src.Fatal:
			if !ok {
				src.Fatal = nil
				continue
			}
			return c.crash(ctx, err, nil)
		case <-src.Watchdog:
			pings++
			if env.Ping != nil {
				env.Ping()
			}
			continue
		}
		c.wakeups++
		loopWakeups.Add(1)
	}
}

// shutdown leaves nothing behind: no key held, the bar black and dark.
func (c *core) shutdown() {
	c.bar.Close()
	if c.disp != nil {
		length, height := c.disp.Size()
		if err := c.disp.Present(blank(length, height)); err != nil {
			c.log.Warn("blanking the bar", "err", err)
		}
		c.disp.Close()
		c.disp = nil
	}
	if c.light != nil {
		if _, err := c.light.Set(0); err != nil {
			c.log.Warn("turning the backlight off", "err", err)
		}
	}
	c.log.Info("stopped")
}

func blank(length, height int) *render.Frame {
	f := render.NewFrame(length, height)
	f.Damage = []image.Rectangle{image.Rect(0, 0, f.Width, f.Height)}
	return f
}

// crash releases the keys, shows the reason on the bar for CrashHold and
// returns the error that makes the process exit non-zero (systemd restarts
// it with back-off). Every step is guarded: the state may be broken.
func (c *core) crash(ctx context.Context, r any, stack []byte) error {
	reason := fmt.Sprint(r)
	c.log.Error("crash", "reason", reason, "stack", string(stack))
	guard := func(f func()) {
		defer func() { _ = recover() }()
		f()
	}
	guard(func() { c.bar.Close() })
	shown := false
	guard(func() {
		if c.disp == nil || c.env.Crash == nil {
			return
		}
		length, height := c.disp.Size()
		if err := c.disp.Present(c.env.Crash(length, height, reason)); err == nil {
			shown = true
		}
	})
	if shown {
		guard(func() {
			if c.light != nil {
				c.light.Set(128) // the bar may have been dark
			}
		})
		t := c.env.Clock.NewTimer(c.env.Timing.CrashHold)
		select {
		case <-t.C():
		case <-ctx.Done():
		}
		t.Stop()
	}
	guard(func() {
		if c.light != nil {
			c.light.Set(0)
		}
		if c.disp != nil {
			c.disp.Close()
		}
	})
	return fmt.Errorf("daemon: crashed: %s", reason)
}
