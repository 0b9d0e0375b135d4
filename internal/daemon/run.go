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
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/backlight"
	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/drm"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/privs"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/uevent"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/watch"
)

// memoryLimit is the soft heap limit: the garbage collector works harder
// near it rather than letting the heap double (frames are ~0.5 MB each).
const memoryLimit = 6 << 20

// keyboardLinger is how long the virtual keyboard outlives the loop.
const keyboardLinger = 250 * time.Millisecond

// Run is the daemon: it opens what needs root (the virtual keyboard, the
// Touch Bar display and backlight), drops root, and runs the loop until ctx
// ends or SIGTERM/SIGINT arrives (nil: keys released, bar blank and dark),
// or the loop crashes (an error, after the crash picture was shown).
// Missing devices are waited for; only a missing /dev/uinput is fatal.
func Run(ctx context.Context, opts Options) error {
	opts.fill()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	debug.SetMemoryLimit(memoryLimit)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	// As root: the things nobody cannot open.
	kb, err := uinput.NewKeyboard(opts.Uinput)
	if err != nil {
		return fmt.Errorf("daemon: virtual keyboard: %w", err)
	}
	defer func() {
		// Whoever reads the virtual keyboard (the compositor) must get
		// the releases the loop wrote at stop before the device goes:
		// the kernel drops a removed device's unread events.
		time.Sleep(keyboardLinger)
		kb.Close()
	}()
	first, firstErr := drm.Open(drm.Options{Dir: opts.DRIDir, Logger: log})
	light, lightErr := openLight(opts.BacklightDir)
	if first != nil {
		defer first.Close() // idempotent: the loop closes it first
	}
	if light != nil {
		defer light.Close()
	}
	// The input devices present now, opened as root: they work even where
	// their nodes are root-only; input.Run takes them over.
	inputDevs := input.OpenExisting(opts.InputDir, "", log)
	defer inputDevs.Close() // no-op once input.Run took them
	var creds privs.Creds
	if !opts.NoDrop {
		if creds, err = privs.Lookup(opts.Root, opts.User, opts.Groups...); err != nil {
			return fmt.Errorf("daemon: %w", err)
		}
	}

	// Sources.
	uev, err := uevent.Open()
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	defer uev.Close()
	w, err := watch.New(opts.UserConfig)
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	defer w.Close()

	if !opts.NoDrop {
		if os.Geteuid() != 0 {
			log.Warn("not root: running as the current user", "uid", os.Geteuid())
		} else if err := privs.Drop(creds); err != nil {
			return fmt.Errorf("daemon: %w", err)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inputs := make(chan input.Event, 64)
	inputDone := make(chan error, 1)
	go func() {
		err := input.Run(ctx, input.Options{Dir: opts.InputDir, Logger: log, Opened: inputDevs}, inputs)
		if err != nil && ctx.Err() == nil {
			// Without input the bar is useless: stop, and let systemd
			// restart the daemon.
			log.Error("input stopped", "err", err)
			cancel()
		}
		inputDone <- err
	}()
	uevents := make(chan uevent.Event, 16)
	go readUevents(ctx, uev, uevents, log)

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
			if !opened { // the first open happened as root
				opened = true
				if firstErr != nil {
					return nil, firstErr
				}
				return first, nil
			}
			d, err := drm.Open(drm.Options{Dir: opts.DRIDir, Logger: log})
			if err != nil {
				return nil, err
			}
			return d, nil
		},
		IsGone:  func(err error) bool { return errors.Is(err, drm.ErrGone) },
		Tracker: input.NewTracker(kb),
		OpenLight: func() (Light, error) {
			if light != nil || lightErr != nil {
				l, err := light, lightErr
				light, lightErr = nil, nil
				if err != nil {
					return nil, err
				}
				return l, nil
			}
			return openLight(opts.BacklightDir)
		},
		OpenMeter: func() (Meter, error) {
			dir, err := backlight.Find(opts.BacklightDir, backlight.DisplayNames())
			if err != nil {
				return nil, err
			}
			return backlight.OpenMeter(dir)
		},
		ReadBattery: func() (battery.State, error) { return battery.Read(opts.PowerSupplyDir) },
		Trim:        debug.FreeOSMemory,
	}
	var stats Stats
	start := time.Now()
	err = Loop(ctx, env, Sources{Inputs: inputs, Configs: w.C(), Uevents: uevents}, &stats)
	log.Info("loop ended", "wakeups", stats.Wakeups, "frames", stats.Frames, "ran", time.Since(start).Round(time.Second))
	cancel()
	uev.Close()
	if ierr := <-inputDone; ierr != nil && err == nil {
		return fmt.Errorf("daemon: %w", ierr)
	}
	return err
}

func openLight(root string) (*backlight.Light, error) {
	dir, err := backlight.Find(root, backlight.TouchBarNames())
	if err != nil {
		return nil, err
	}
	return backlight.OpenLight(dir)
}

// readUevents forwards the uevents the loop cares about until the socket is
// closed.
func readUevents(ctx context.Context, c *uevent.Conn, out chan<- uevent.Event, log *slog.Logger) {
	for {
		e, err := c.Read()
		if errors.Is(err, os.ErrClosed) {
			return
		}
		if err != nil && !errors.Is(err, unix.ENOBUFS) {
			log.Warn("uevents stopped", "err", err)
			return
		}
		if err != nil {
			// Events were lost: a synthetic "change" makes the loop look at
			// every device again.
			log.Debug("uevent", "err", err)
			for _, s := range []string{"drm", "backlight", "power_supply"} {
				select {
				case out <- uevent.Event{Action: "change", Subsystem: s}:
				case <-ctx.Done():
					return
				}
			}
			continue
		}
		switch e.Subsystem {
		case "drm", "backlight", "power_supply":
		default:
			continue
		}
		select {
		case out <- e:
		case <-ctx.Done():
			return
		}
	}
}
