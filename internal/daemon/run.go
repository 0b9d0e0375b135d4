package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"syscall"
	"time"
	"tiny-dfr/internal/alarm"
	"tiny-dfr/internal/memtrim"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/backlight"
	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/drm"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/privs"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/sdnotify"
	"tiny-dfr/internal/session"
	"tiny-dfr/internal/sliders"
	"tiny-dfr/internal/uevent"
	"tiny-dfr/internal/watch"
)

// Heap policy. Touches allocate nothing (from the evdev read to the
// present), so only other work can start the collector: layout builds,
// and a little for clock ticks and battery reads. A build's garbage is
// collected and returned to the kernel as soon as the build is taken
// (trimHeap); the soft memory limit then sits limitHeadroom above what the
// runtime holds, so that the heap cannot double (frames are ~0.5 MB each)
// yet small allocations collect about once per limitHeadroom of garbage.
// A fixed limit below the working set would make the collector run on
// nearly every allocation. memoryFloor is the limit at start (it bounds
// the first build's peak) and its least value.
const (
	memoryFloor   = 6 << 20
	limitHeadroom = 2 << 20
)

// trimHeap collects, returns the free memory to the kernel and sets the
// soft memory limit above what is left. It also drops the pages of the
// binary that the build touched (config decoding, shaping, icon parsing:
// ~6 MB of text and tables resident after start, of which a tap or a frame
// needs a few hundred kB): they stay in the page cache and come back on use
// (memtrim).
func trimHeap() {
	debug.FreeOSMemory()
	debug.SetMemoryLimit(max(memoryFloor, heapInUse()+limitHeadroom))
	memtrim.ReleaseExecutable() // best effort: no /proc, nothing dropped
}

// heapInUse is the memory the Go runtime holds from the kernel (heap,
// stacks, metadata), less what it returned.
func heapInUse() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}

// keyboardLinger is how long the virtual keyboard outlives the loop.
const keyboardLinger = 250 * time.Millisecond

// Run is the daemon: it opens what needs root (the virtual keyboard, the
// Touch Bar display and backlight), drops root, and runs the loop until ctx
// ends or SIGTERM/SIGINT arrives (nil: keys released, bar blank and dark),
// or something it cannot run without fails (an error, after the crash
// picture was shown on the bar if it was open). Missing devices are waited
// for, /dev/uinput included.
//
// Under systemd (Type=notify) it sends READY=1 once the bar is drawn or a
// wait for a device began, STATUS= lines for the waits, WATCHDOG=1 from the
// loop goroutine at half of $WATCHDOG_USEC, and STOPPING=1.
func Run(ctx context.Context, opts Options) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	opts.fill()
	log := opts.Logger
	debug.SetMemoryLimit(memoryFloor)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	// SIGHUP (systemctl reload) re-reads the config, as an edit does.
	// Caught from the start: one arriving during a wait is not fatal and
	// is served once the loop runs.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	// The notify socket is connected as root and kept: a service user may
	// not be allowed to connect to it later.
	sd, err := sdnotify.Open(opts.Getenv)
	if err != nil {
		log.Warn("systemd notification socket", "err", err)
	}
	defer sd.Close()
	st := &status{sd: sd, log: log}
	// STOPPING=1 as soon as a stop is asked for, and at the latest before
	// the socket closes.
	stopCtx := ctx
	defer func() {
		if stopCtx.Err() != nil {
			st.stopping()
		}
	}()
	defer context.AfterFunc(stopCtx, st.stopping)()
	var watchdog <-chan time.Time
	if every, ok := sdnotify.Watchdog(opts.Getenv, os.Getpid()); ok && sd != nil {
		// A timerfd, not a time.Ticker: a runtime timer always pending
		// would make every wait for the poller arm and cancel a kernel
		// timer, on every touch (see the loop's alarm below).
		if a, err := alarm.New(); err == nil {
			defer a.Close()
			a.Every(every)
			watchdog = a.C()
		} else {
			log.Warn("watchdog timer: using the runtime's", "err", err)
			t := time.NewTicker(every)
			defer t.Stop()
			watchdog = t.C
		}
		log.Debug("systemd watchdog", "every", every)
	}

	// As root: the things nobody cannot open.
	kb, err := openKeyboard(ctx, opts, log, st, watchdog)
	if err != nil || kb == nil {
		return err // nil: stopped while waiting
	}
	defer func() {
		// Whoever reads the virtual keyboard (the compositor) must get
		// the releases the loop wrote at stop before the device goes:
		// the kernel drops a removed device's unread events.
		time.Sleep(keyboardLinger)
		kb.Close()
	}()
	first, firstErr := opts.OpenDisplay()
	if first != nil {
		defer first.Close() // idempotent: the loop closes it first
	}
	var light Light
	if l, err := openLight(opts.BacklightDir); err == nil {
		light = l
		defer l.Close()
	}
	lightTaken := false
	// The sliders' devices, opened as root too (sysfs brightness is
	// root-only on most systems); the loop asks for them by kind.
	slidersOpen := openSliders(opts, log)
	defer slidersOpen.close()
	// fatal shows err on the bar while the display is still Run's (not
	// yet the loop's), then returns it: exit non-zero, systemd restarts.
	fatal := func(err error) error {
		err = fmt.Errorf("daemon: %w", err)
		return showFatal(ctx, first, light, opts.Timing.CrashHold, log, st, err)
	}
	// The input devices present now, opened as root: they work even where
	// their nodes are root-only; input.Run takes them over.
	inputDevs := input.OpenExisting(opts.InputDir, "", log)
	defer inputDevs.Close() // no-op once input.Run took them
	// The session companion's socket, made as root (its directory is in
	// /run); served after the drop.
	var srv *session.Server
	if !opts.NoSession {
		srv, err = session.Listen(opts.SessionDir, session.Options{Log: log, SeatsDir: opts.SeatsDir, Root: opts.Root})
		if err != nil {
			log.Warn("session companion socket: running without companion (command buttons and widgets dimmed)", "err", err)
			srv = nil
		} else {
			defer srv.Close()
		}
	}
	var creds privs.Creds
	if !opts.NoDrop {
		if creds, err = privs.LookupService(opts.Root, log, opts.User, opts.Groups...); err != nil {
			return fatal(err)
		}
	}

	// Sources.
	uev, err := opts.OpenUevents()
	if err != nil {
		return fatal(err)
	}
	defer uev.Close()
	w, err := watch.New(opts.UserConfig)
	if err != nil {
		return fatal(err)
	}
	defer w.Close()

	if !opts.NoDrop {
		if os.Geteuid() != 0 {
			log.Warn("not root: running as the current user", "uid", os.Geteuid())
		} else if err := privs.Drop(creds); err != nil {
			return fatal(err)
		}
	}

	var companion Companion
	var sessionEvents <-chan session.Event
	if srv != nil {
		srv.Start()
		companion, sessionEvents = srv, srv.Events()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// A source the bar cannot work without died: the loop shows the crash
	// picture and Run fails, so that systemd restarts the daemon.
	fatalc := make(chan error, 2)
	inputs := make(chan input.Event, 64)
	inputDone := make(chan error, 1)
	// The touch path: the readers press the keys themselves (Bar), and
	// the frame showing a touch's look is timed by a timerfd, which a tap
	// within the frame disarms without a wake-up.
	frameAlarm, closeFrame := newAlarm(log, "frame")
	defer closeFrame()
	// The loop's own deadlines (dimming, groups, clocks) too: with no
	// timer of the runtime's pending, the runtime waits for the poller
	// with no timeout, and each wait costs the kernel no timer to arm and
	// cancel (on every touch: ~4 % of a tap's CPU in the guest).
	loopAlarm, closeLoop := newAlarm(log, "loop")
	defer closeLoop()
	bar := input.NewBar(input.NewTracker(kb), input.BarOptions{Alarm: frameAlarm, Frame: opts.Timing.Frame, WakeGap: meterGap})
	go func() {
		err := input.Run(ctx, input.Options{Dir: opts.InputDir, Logger: log, Opened: inputDevs, Bar: bar, Probe: opts.TouchProbe}, inputs)
		if err != nil && ctx.Err() == nil {
			log.Error("input stopped", "err", err)
			fatalc <- fmt.Errorf("input stopped: %w", err)
		}
		inputDone <- err
	}()
	go func() {
		// Without the watcher edits stop taking effect, but the keys still
		// work: say so rather than crash (a restart would likely meet the
		// same cause, e.g. the inotify watch limit, and crash-loop).
		select {
		case <-w.Done():
			if err := w.Err(); err != nil && ctx.Err() == nil {
				log.Error("config watcher stopped: edits take effect after a restart (systemctl restart tiny-dfr)", "err", err)
			}
		case <-ctx.Done():
		}
	}()
	uevents := make(chan uevent.Event, 16)
	go func() {
		if err := readUevents(ctx, uev, uevents, log); err != nil && ctx.Err() == nil {
			log.Error("uevents stopped", "err", err)
			fatalc <- fmt.Errorf("uevents stopped: %w", err)
		}
	}()

	opened := false
	env := Env{
		Clock:  RealClock{},
		Rand:   rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		Log:    log,
		Timing: opts.Timing,
		LoadConfig: func() (*config.Config, []config.Diagnostic) {
			return config.Load(opts.BaseConfig, opts.UserConfig)
		},
		NewPainter: cachedPainters(),
		Crash:      render.Crash,
		OpenDisplay: func() (Display, error) {
			d, err := first, firstErr
			if opened { // the first open happened as root
				d, err = opts.OpenDisplay()
			}
			opened = true
			if err != nil {
				st.set("waiting for the Touch Bar display")
				return nil, err
			}
			return readyDisplay{Display: d, st: st}, nil
		},
		IsGone: func(err error) bool { return errors.Is(err, drm.ErrGone) },
		Bar:    bar,
		Alarm:  frameAlarm,
		Timer:  loopAlarm,
		OpenLight: func() (Light, error) {
			if !lightTaken {
				lightTaken = true
				if light != nil {
					return light, nil
				}
			}
			l, err := openLight(opts.BacklightDir)
			if err != nil {
				return nil, err
			}
			return l, nil
		},
		OpenMeter: func() (Meter, error) {
			dir, err := backlight.Find(opts.BacklightDir, backlight.DisplayNames())
			if err != nil {
				return nil, err
			}
			return backlight.OpenMeter(dir)
		},
		OpenSlider:  slidersOpen.get,
		ReadBattery: func() (battery.State, error) { return battery.Read(opts.PowerSupplyDir) },
		Trim:        trimHeap,
		Zone:        systemZone(log),
		SupplyType: func(name string) string {
			t, _ := battery.SupplyType(opts.PowerSupplyDir, name)
			return t
		},
		Ping:    st.ping,
		Session: companion,
	}
	var stats Stats
	start := time.Now()
	configs := reloads(ctx, w.C(), hup, log)
	err = Loop(ctx, env, Sources{Inputs: inputs, Configs: configs, Uevents: uevents, Session: sessionEvents, Fatal: fatalc, Watchdog: watchdog}, &stats)
	log.Info("loop ended", "wakeups", stats.Wakeups, "frames", stats.Frames, "pings", stats.Pings,
		"ran", time.Since(start).Round(time.Second))
	if err != nil {
		st.set("failed: " + err.Error())
	}
	cancel()
	uev.Close()
	if ierr := <-inputDone; ierr != nil && err == nil {
		return fmt.Errorf("daemon: %w", ierr)
	}
	return err
}

// reloads merges the watcher's config changes and SIGHUPs into the one
// config-changed source of the loop (coalesced: a pending change is one
// reload).
func reloads(ctx context.Context, changed <-chan struct{}, hup <-chan os.Signal, log *slog.Logger) <-chan struct{} {
	out := make(chan struct{}, 1)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-changed:
				if !ok {
					changed = nil
					continue
				}
			case <-hup:
				log.Info("SIGHUP: reloading the config")
			}
			select {
			case out <- struct{}{}:
			default:
			}
		}
	}()
	return out
}

// openedSliders are the slider backends Run opened as root, handed to the
// loop once each; a later ask (the device came back) opens anew.
type openedSliders struct {
	dirs   sliders.Dirs
	opened map[string]sliders.Backend
	errs   map[string]error
	given  map[string]bool
	all    []sliders.Backend
}

func openSliders(opts Options, log *slog.Logger) *openedSliders {
	o := &openedSliders{dirs: sliders.Dirs{Backlight: opts.BacklightDir, LEDs: opts.LEDDir},
		opened: map[string]sliders.Backend{}, errs: map[string]error{}, given: map[string]bool{}}
	for _, kind := range []string{sliders.Brightness, sliders.Keyboard} {
		b, err := sliders.Open(kind, o.dirs)
		if err != nil {
			o.errs[kind] = err
			log.Debug("slider", "kind", kind, "err", err)
			continue
		}
		o.opened[kind] = b
		o.all = append(o.all, b)
	}
	return o
}

// get is Env.OpenSlider.
func (o *openedSliders) get(kind string) (sliders.Backend, error) {
	if !o.given[kind] {
		o.given[kind] = true
		if b, ok := o.opened[kind]; ok {
			return b, nil
		}
		if err, ok := o.errs[kind]; ok && !errors.Is(err, sliders.ErrNotFound) {
			return nil, err
		}
	}
	b, err := sliders.Open(kind, o.dirs)
	if err == nil {
		o.all = append(o.all, b)
	}
	return b, err
}

func (o *openedSliders) close() {
	for _, b := range o.all {
		b.Close()
	}
}

func openLight(root string) (*backlight.Light, error) {
	dir, err := backlight.Find(root, backlight.TouchBarNames())
	if err != nil {
		return nil, err
	}
	return backlight.OpenLight(dir)
}

// readUevents forwards the uevents the loop cares about until the socket is
// closed (nil) or fails (the error).
func readUevents(ctx context.Context, c UeventReader, out chan<- uevent.Event, log *slog.Logger) error {
	for {
		e, err := c.Read()
		if errors.Is(err, os.ErrClosed) {
			return nil
		}
		if err != nil && !errors.Is(err, unix.ENOBUFS) {
			return err
		}
		if err != nil {
			// Events were lost: a synthetic "change" makes the loop look at
			// every device again.
			log.Debug("uevent", "err", err)
			for _, s := range []string{"drm", "backlight", "power_supply", "leds"} {
				select {
				case out <- uevent.Event{Action: "change", Subsystem: s}:
				case <-ctx.Done():
					return nil
				}
			}
			continue
		}
		switch e.Subsystem {
		case "drm", "backlight", "power_supply", "leds":
		default:
			continue
		}
		select {
		case out <- e:
		case <-ctx.Done():
			return nil
		}
	}
}

// newAlarm is a timerfd alarm (alarm.Alarm), or the runtime's timer if
// none can be made; done closes it.
func newAlarm(log *slog.Logger, what string) (t Timer, done func()) {
	a, err := alarm.New()
	if err != nil {
		log.Warn(what+" timer: using the runtime's", "err", err)
		t := RealClock{}.NewTimer(time.Hour)
		t.Stop()
		return t, t.Stop
	}
	return a, func() { a.Close() }
}
