package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/render"
	"tiny-dfr/internal/sdnotify"
)

// status tells systemd how the daemon is doing (sd_notify): READY=1 with
// the first status (the bar drawn, or a wait for a device began), STATUS=
// lines as they change, WATCHDOG=1 and STOPPING=1. Without a notify socket
// it does nothing.
type status struct {
	sd  *sdnotify.Notifier
	log *slog.Logger

	stopOnce sync.Once

	mu     sync.Mutex
	cur    string
	ready  bool
	failed bool // a send failed: logged once
}

// set sends STATUS=s if it changed, with READY=1 the first time.
func (s *status) set(st string) {
	if s.sd == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == s.cur {
		return
	}
	s.cur = st
	msg := "STATUS=" + st
	if !s.ready {
		s.ready = true
		msg = "READY=1\n" + msg
	}
	s.send(msg)
}

// ping is the watchdog's keep-alive, sent from the loop goroutine.
func (s *status) ping() {
	if s.sd == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.send("WATCHDOG=1")
}

// stopping sends STOPPING=1 once; a second call waits for the first.
func (s *status) stopping() {
	if s.sd == nil {
		return
	}
	s.stopOnce.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.send("STOPPING=1")
	})
}

func (s *status) send(msg string) {
	if err := s.sd.Notify(msg); err != nil && !s.failed {
		s.failed = true
		s.log.Warn("systemd notification", "err", err)
	}
}

// readyDisplay reports the bar as running once a frame reached it.
type readyDisplay struct {
	Display
	st *status
}

func (d readyDisplay) Present(f *render.Frame) error {
	err := d.Display.Present(f)
	if err == nil {
		d.st.set("running")
	}
	return err
}

// showFatal shows err as the crash picture on d (the display is open but
// not yet the loop's) with the backlight on, for hold or until ctx ends,
// and returns err.
func showFatal(ctx context.Context, d Display, light Light, hold time.Duration, log *slog.Logger, st *status, err error) error {
	log.Error("fatal", "err", err)
	st.set("failed: " + err.Error())
	if d == nil {
		return err
	}
	length, height := d.Size()
	if perr := d.Present(render.Crash(length, height, err.Error())); perr != nil {
		log.Warn("showing the crash picture", "err", perr)
		return err
	}
	if light != nil {
		light.Set(128) // the bar may be dark
	}
	t := time.NewTimer(hold)
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	t.Stop()
	if light != nil {
		light.Set(0)
	}
	return err
}

// Back-off while /dev/uinput is missing.
const (
	uinputRetryMin = time.Second
	uinputRetryMax = 10 * time.Second
)

// openKeyboard creates the virtual keyboard, waiting (with one log line)
// while /dev/uinput is missing or cannot be opened yet: the uinput module
// may not be loaded so early in boot. It returns nil, nil when ctx ends
// while waiting, and keeps the watchdog fed meanwhile.
func openKeyboard(ctx context.Context, opts Options, log *slog.Logger, st *status, watchdog <-chan time.Time) (VirtualKeyboard, error) {
	delay := uinputRetryMin
	waiting := false
	for {
		kb, err := opts.OpenKeyboard(opts.Uinput)
		if err == nil {
			if waiting {
				log.Info("virtual keyboard created", "path", opts.Uinput)
			}
			return kb, nil
		}
		if !uinputMissing(err) {
			return nil, fmt.Errorf("daemon: virtual keyboard: %w", err)
		}
		if !waiting {
			waiting = true
			msg := "waiting for " + opts.Uinput + ": load the uinput module (modprobe uinput)"
			log.Warn(msg, "err", err)
			st.set(msg)
		}
		t := time.NewTimer(delay)
	wait:
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, nil
			case <-watchdog:
				st.ping()
			case <-t.C:
				break wait
			}
		}
		delay = min(2*delay, uinputRetryMax)
	}
}

// uinputMissing tells the errors of a uinput node that is not there yet
// (no module: no node, or a node without a driver; devtmpfs or udev not
// done with it) from real failures.
func uinputMissing(err error) bool {
	for _, e := range []error{unix.ENOENT, unix.ENODEV, unix.ENXIO, unix.EACCES, unix.EPERM, unix.EBUSY, unix.EAGAIN} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Dev and Card pass the wrapped display's card identity through, so the
// loop still tells its own card's uevents from other cards'.
func (d readyDisplay) Dev() (major, minor uint32, ok bool) {
	if c, ok := d.Display.(cardDevice); ok {
		return c.Dev()
	}
	return 0, 0, false
}

func (d readyDisplay) Card() string {
	if c, ok := d.Display.(cardNamed); ok {
		return c.Card()
	}
	return ""
}
