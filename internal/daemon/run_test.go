package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/logging/loggingtest"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/uevent"
)

// Host tests of Run with fakes behind its Options seams: the crash picture
// on fatal errors, the wait for /dev/uinput, systemd notifications.

// fakeUevents blocks in Read until closed, or fails when told.
type fakeUevents struct {
	fail   chan error
	closed chan struct{}
	once   sync.Once
}

func newFakeUevents() *fakeUevents {
	return &fakeUevents{fail: make(chan error, 1), closed: make(chan struct{})}
}

func (u *fakeUevents) Read() (uevent.Event, error) {
	select {
	case err := <-u.fail:
		return uevent.Event{}, err
	case <-u.closed:
		return uevent.Event{}, fmt.Errorf("uevent: read: %w", os.ErrClosed)
	}
}

func (u *fakeUevents) Close() error {
	u.once.Do(func() { close(u.closed) })
	return nil
}

type closingKeyboard struct{ *fakeKeyboard }

func (closingKeyboard) Close() error { return nil }

// runRig runs Run in a goroutine with fakes.
type runRig struct {
	opts   Options
	disp   chan *fakeDisplay // each display Run opened
	uev    *fakeUevents
	log    *loggingtest.Buffer
	env    map[string]string
	notify chan string // datagrams on the fake NOTIFY_SOCKET
	done   chan error
	cancel context.CancelFunc
}

func newRunRig(t *testing.T, mods ...func(*runRig)) *runRig {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "input"), 0o755)
	r := &runRig{
		disp:   make(chan *fakeDisplay, 10),
		uev:    newFakeUevents(),
		log:    &loggingtest.Buffer{},
		env:    map[string]string{},
		notify: make(chan string, 1000),
		done:   make(chan error, 1),
	}
	fakeBacklight(t, filepath.Join(dir, "backlight"), "appletb_backlight", 0, 255)
	timing := DefaultTiming()
	timing.CrashHold = time.Millisecond
	r.opts = Options{
		BaseConfig:     filepath.Join(dir, "none.toml"),
		UserConfig:     filepath.Join(dir, "etc", "config.toml"),
		InputDir:       filepath.Join(dir, "input"),
		Uinput:         filepath.Join(dir, "uinput"),
		BacklightDir:   filepath.Join(dir, "backlight"),
		PowerSupplyDir: filepath.Join(dir, "power_supply"),
		SessionDir:     filepath.Join(dir, "run"),
		SeatsDir:       filepath.Join(dir, "seats"),
		NoDrop:         true,
		Timing:         timing,
		Logger:         slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Getenv:         func(k string) string { return r.env[k] },
		OpenKeyboard: func(string) (VirtualKeyboard, error) {
			return closingKeyboard{&fakeKeyboard{down: map[uint16]bool{}}}, nil
		},
		OpenDisplay: func() (Display, error) {
			d := newFakeDisplay()
			r.disp <- d
			return d, nil
		},
		OpenUevents: func() (UeventReader, error) { return r.uev, nil },
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

// withNotify makes a fake systemd notify socket in a temporary directory.
func withNotify(t *testing.T) func(*runRig) {
	return func(r *runRig) {
		addr := filepath.Join(t.TempDir(), "notify")
		fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := unix.Bind(fd, &unix.SockaddrUnix{Name: addr}); err != nil {
			t.Fatal(err)
		}
		r.env["NOTIFY_SOCKET"] = addr
		go func() {
			b := make([]byte, 4096)
			for {
				n, _, err := unix.Recvfrom(fd, b, 0)
				if err != nil {
					return
				}
				r.notify <- string(b[:n])
			}
		}()
		t.Cleanup(func() { unix.Shutdown(fd, unix.SHUT_RDWR); unix.Close(fd) })
	}
}

func (r *runRig) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- Run(ctx, r.opts) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
}

// wait fails the test if Run does not return (a hang, not a speed check).
func (r *runRig) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

// expectNotify waits for a datagram containing want and returns the ones
// before it too.
func (r *runRig) expectNotify(t *testing.T, want string) []string {
	t.Helper()
	var got []string
	for {
		select {
		case m := <-r.notify:
			got = append(got, m)
			if strings.Contains(m, want) {
				return got
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no %q from the daemon; got %q", want, got)
		}
	}
}

func (r *runRig) firstDisplay(t *testing.T) *fakeDisplay {
	t.Helper()
	select {
	case d := <-r.disp:
		return d
	case <-time.After(30 * time.Second):
		t.Fatal("no display opened")
		return nil
	}
}

func frames(d *fakeDisplay) []*render.Frame {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*render.Frame(nil), d.frames...)
}

// expectCrashPicture checks that d's last frame is the crash picture
// showing reason.
func expectCrashPicture(t *testing.T, d *fakeDisplay, reason string) {
	t.Helper()
	fs := frames(d)
	if len(fs) == 0 {
		t.Fatal("nothing shown on the bar")
	}
	want := render.Crash(d.length, d.height, reason)
	if !bytes.Equal(fs[len(fs)-1].Pix, want.Pix) {
		t.Fatalf("the bar does not show the crash picture with %q", reason)
	}
}

func TestRunLookupFailureShowsCrash(t *testing.T) {
	t.Parallel()
	r := newRunRig(t, func(r *runRig) {
		r.opts.NoDrop = false
		r.opts.Root = t.TempDir() // no etc/passwd: the lookup fails
	})
	r.start(t)
	d := r.firstDisplay(t)
	err := r.wait(t)
	if err == nil {
		t.Fatal("Run succeeded without a service user")
	}
	expectCrashPicture(t, d, err.Error())
}

func TestRunUeventOpenFailureShowsCrash(t *testing.T) {
	t.Parallel()
	r := newRunRig(t, func(r *runRig) {
		r.opts.OpenUevents = func() (UeventReader, error) {
			return nil, fmt.Errorf("uevent: socket: %w", unix.EPROTONOSUPPORT)
		}
	})
	r.start(t)
	d := r.firstDisplay(t)
	err := r.wait(t)
	if !errors.Is(err, unix.EPROTONOSUPPORT) {
		t.Fatalf("Run = %v, want the netlink error", err)
	}
	expectCrashPicture(t, d, err.Error())
}

func TestRunUeventReaderDeathShowsCrash(t *testing.T) {
	t.Parallel()
	r := newRunRig(t)
	r.start(t)
	d := r.firstDisplay(t)
	<-d.presents // the bar is drawn
	r.uev.fail <- fmt.Errorf("uevent: recv: %w", unix.EIO)
	err := r.wait(t)
	if err == nil || !strings.Contains(err.Error(), "uevents stopped") {
		t.Fatalf("Run = %v, want uevents stopped", err)
	}
	expectCrashPicture(t, d, "uevents stopped: uevent: recv: "+unix.EIO.Error())
}

func TestRunInputDeathShowsCrash(t *testing.T) {
	t.Parallel()
	r := newRunRig(t)
	r.start(t)
	d := r.firstDisplay(t)
	<-d.presents
	os.RemoveAll(r.opts.InputDir) // the input watcher dies
	err := r.wait(t)
	reason, ok := strings.CutPrefix(fmt.Sprint(err), "daemon: crashed: ")
	if !ok || !strings.HasPrefix(reason, "input stopped") {
		t.Fatalf("Run = %v, want a crash: input stopped", err)
	}
	expectCrashPicture(t, d, reason)
}

func TestRunWaitsForUinput(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	fails := 2
	r := newRunRig(t, withNotify(t), func(r *runRig) {
		open := r.opts.OpenKeyboard
		r.opts.OpenKeyboard = func(p string) (VirtualKeyboard, error) {
			mu.Lock()
			defer mu.Unlock()
			if fails > 0 {
				fails--
				return nil, fmt.Errorf("uinput: open %s: %w", p, unix.ENOENT)
			}
			return open(p)
		}
	})
	r.start(t)
	got := r.expectNotify(t, "STATUS=waiting for "+r.opts.Uinput)
	if !strings.HasPrefix(got[len(got)-1], "READY=1\n") {
		t.Errorf("the wait for uinput does not say READY=1: %q", got)
	}
	d := r.firstDisplay(t)
	<-d.presents
	r.expectNotify(t, "STATUS=running")
	r.cancel()
	if err := r.wait(t); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if n := strings.Count(r.log.String(), "waiting for "+r.opts.Uinput+": load the uinput module (modprobe uinput)"); n != 1 {
		t.Errorf("%d log lines about the wait, want 1:\n%s", n, r.log)
	}
}

func TestRunStopsWhileWaitingForUinput(t *testing.T) {
	t.Parallel()
	r := newRunRig(t, withNotify(t), func(r *runRig) {
		r.opts.OpenKeyboard = func(p string) (VirtualKeyboard, error) {
			return nil, fmt.Errorf("uinput: open %s: %w", p, unix.ENODEV)
		}
	})
	r.start(t)
	r.expectNotify(t, "STATUS=waiting for")
	r.cancel() // as SIGTERM does
	if err := r.wait(t); err != nil {
		t.Fatalf("Run = %v, want nil (exit 0)", err)
	}
	r.expectNotify(t, "STOPPING=1")
	select {
	case <-r.disp:
		t.Error("the display was opened although the keyboard never came")
	default:
	}
}

func TestRunUinputRealErrorFails(t *testing.T) {
	t.Parallel()
	r := newRunRig(t, func(r *runRig) {
		r.opts.OpenKeyboard = func(p string) (VirtualKeyboard, error) {
			return nil, fmt.Errorf("uinput: UI_DEV_CREATE: %w", unix.EINVAL)
		}
	})
	r.start(t)
	if err := r.wait(t); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("Run = %v, want the error", err)
	}
}

func TestRunNotifiesReadyAndWatchdog(t *testing.T) {
	t.Parallel()
	r := newRunRig(t, withNotify(t))
	r.env["WATCHDOG_USEC"] = "20000" // pings every 10 ms
	r.env["WATCHDOG_PID"] = fmt.Sprint(os.Getpid())
	r.start(t)
	d := r.firstDisplay(t)
	got := r.expectNotify(t, "READY=1")
	if len(frames(d)) == 0 {
		t.Error("READY=1 before the bar was drawn")
	}
	if m := got[len(got)-1]; m != "READY=1\nSTATUS=running" {
		t.Errorf("ready message %q", m)
	}
	for range 3 {
		r.expectNotify(t, "WATCHDOG=1")
	}
	r.cancel()
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}
	r.expectNotify(t, "STOPPING=1")
	if !strings.Contains(r.log.String(), "pings=") || strings.Contains(r.log.String(), "pings=0 ") {
		t.Errorf("pings not counted apart:\n%s", r.log)
	}
}

func TestRunNoWatchdogWithoutUSEC(t *testing.T) {
	t.Parallel()
	r := newRunRig(t, withNotify(t))
	r.start(t)
	r.expectNotify(t, "READY=1")
	time.Sleep(100 * time.Millisecond) // time for pings that must not come
	r.cancel()
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}
	for _, m := range r.expectNotify(t, "STOPPING=1") {
		if strings.Contains(m, "WATCHDOG") {
			t.Fatalf("watchdog ping without WATCHDOG_USEC: %q", m)
		}
	}
	if !strings.Contains(r.log.String(), "pings=0 ") {
		t.Errorf("pings counted without a watchdog:\n%s", r.log)
	}
}

func TestRunWatchdogOfAnotherProcess(t *testing.T) {
	t.Parallel()
	r := newRunRig(t, withNotify(t))
	r.env["WATCHDOG_USEC"] = "20000"
	r.env["WATCHDOG_PID"] = "1"
	r.start(t)
	r.expectNotify(t, "READY=1")
	time.Sleep(100 * time.Millisecond)
	r.cancel()
	r.wait(t)
	for _, m := range r.expectNotify(t, "STOPPING=1") {
		if strings.Contains(m, "WATCHDOG") {
			t.Fatalf("ping for another process's watchdog: %q", m)
		}
	}
}

func TestRunWaitingForDisplayIsReady(t *testing.T) {
	t.Parallel()
	r := newRunRig(t, withNotify(t), func(r *runRig) {
		r.opts.OpenDisplay = func() (Display, error) { return nil, os.ErrNotExist }
	})
	r.start(t)
	got := r.expectNotify(t, "STATUS=waiting for the Touch Bar display")
	if !strings.HasPrefix(got[len(got)-1], "READY=1\n") {
		t.Errorf("no READY=1 with the wait for the display: %q", got)
	}
}

// TestRunSIGHUPReloads: SIGHUP (systemctl reload) re-reads the config
// files, the unwatched base config included, and the daemon keeps
// running. Not parallel: the signal goes to the whole test process.
func TestRunSIGHUPReloads(t *testing.T) {
	// Should Run not catch SIGHUP, the test fails instead of the process
	// dying.
	guard := make(chan os.Signal, 1)
	signal.Notify(guard, syscall.SIGHUP)
	defer signal.Stop(guard)
	r := newRunRig(t, withNotify(t))
	r.start(t)
	d := r.firstDisplay(t)
	r.expectNotify(t, "READY=1")
	before := frames(d)
	last := before[len(before)-1].Pix
	// The base config is not watched: only the signal can bring it in.
	if err := os.WriteFile(r.opts.BaseConfig, []byte("PrimaryLayerKeys = [ { Text = \"only\", Action = \"F1\" } ]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(30 * time.Second)
	for redrawn := false; !redrawn; {
		select {
		case <-d.presents:
			fs := frames(d)
			redrawn = !bytes.Equal(fs[len(fs)-1].Pix, last)
		case <-deadline:
			t.Fatalf("no redraw after SIGHUP; log:\n%s", r.log)
		}
	}
	if !strings.Contains(r.log.String(), "SIGHUP") {
		t.Errorf("the reload is not logged:\n%s", r.log)
	}
	r.cancel()
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}
}
