package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/wayland"
	"tiny-dfr/internal/wayland/xdgshell"
)

// headlessSway is a headless sway run for the test, as nobody when the
// test runs as root (sway refuses root); internal/daemon's focus test
// runs it the same way. It fails under CI=true without sway
// (.ci/setup-wayland installs it) and skips elsewhere.
type headlessSway struct {
	runtime string // XDG_RUNTIME_DIR
	socket  string // Wayland socket path
	ipc     string // SWAYSOCK
}

func startHeadlessSway(t *testing.T) *headlessSway {
	t.Helper()
	if _, err := exec.LookPath("sway"); err != nil {
		msg := "sway not installed (Debian package: sway; see .ci/setup-wayland)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir, err := os.MkdirTemp("", "tiny-dfr-sessionsway-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	s := &headlessSway{runtime: filepath.Join(dir, "run")}
	if err := os.Mkdir(s.runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		uid, gid := 65534, 65534 // Debian's nobody:nogroup
		if u, err := user.Lookup("nobody"); err == nil {
			uid, _ = strconv.Atoi(u.Uid)
			gid, _ = strconv.Atoi(u.Gid)
		}
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(s.runtime, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(dir, "sway.conf")
	if err := os.WriteFile(conf, []byte("default_border none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := &syncBuf{}
	cmd := exec.Command("sway", "-c", conf)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir, "XDG_RUNTIME_DIR=" + s.runtime,
		"WLR_BACKENDS=headless", "WLR_LIBINPUT_NO_DEVICES=1", "WLR_RENDERER=pixman"}
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(unix.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("sway log:\n%s", log)
		}
	})
	eventually(t, "sway's sockets", func() error {
		es, _ := os.ReadDir(s.runtime)
		for _, e := range es {
			switch {
			case strings.HasPrefix(e.Name(), "wayland-") && !strings.HasSuffix(e.Name(), ".lock"):
				s.socket = filepath.Join(s.runtime, e.Name())
			case strings.HasPrefix(e.Name(), "sway-ipc."):
				s.ipc = filepath.Join(s.runtime, e.Name())
			}
		}
		if s.socket == "" || s.ipc == "" {
			return errors.New("not there yet")
		}
		return nil
	})
	return s
}

// eventually retries f until it succeeds; the limit only turns a hang
// into a failure.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if err = f(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: %v", what, err)
}

// command runs a sway command over its IPC and checks that it succeeded.
func (s *headlessSway) command(t *testing.T, command string) {
	t.Helper()
	c, done, err := dialCtx(context.Background(), s.ipc)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	if err := i3Send(c, 0, []byte(command)); err != nil { // RUN_COMMAND
		t.Fatal(err)
	}
	_, reply, err := i3Read(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ReplaceAll(string(reply), " ", ""), `"success":true`) {
		t.Fatalf("sway %q: %s", command, reply)
	}
}

// openWindow maps an xdg_toplevel with appID, made by the project's own
// Wayland client; it answers pings and configures until closed.
func openWindow(t *testing.T, socket, appID string) (closeWindow func()) {
	t.Helper()
	conn, err := wayland.Dial(socket)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := conn.Display().GetRegistry()
	if err != nil {
		t.Fatal(err)
	}
	var comp *wayland.Compositor
	var shm *wayland.Shm
	var wm *xdgshell.WmBase
	var errs []error
	reg.OnGlobal = func(name uint32, iface string, version uint32) {
		switch iface {
		case wayland.CompositorInterface:
			comp = &wayland.Compositor{}
			errs = append(errs, reg.Bind(name, iface, 1, comp))
		case wayland.ShmInterface:
			shm = &wayland.Shm{}
			errs = append(errs, reg.Bind(name, iface, 1, shm))
		case xdgshell.WmBaseInterface:
			wm = &xdgshell.WmBase{}
			errs = append(errs, reg.Bind(name, iface, 1, wm))
		}
	}
	if err := conn.Roundtrip(); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if comp == nil || shm == nil || wm == nil {
		t.Fatal("the compositor lacks wl_compositor, wl_shm or xdg_wm_base")
	}
	wm.OnPing = func(serial uint32) { wm.Pong(serial) }
	surf, err := comp.CreateSurface()
	if err != nil {
		t.Fatal(err)
	}
	xs, err := wm.GetXdgSurface(surf)
	if err != nil {
		t.Fatal(err)
	}
	configured := false
	xs.OnConfigure = func(serial uint32) {
		xs.AckConfigure(serial)
		configured = true
	}
	top, err := xs.GetToplevel()
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(top.SetTitle(appID), top.SetAppId(appID), surf.Commit()); err != nil {
		t.Fatal(err)
	}
	for !configured {
		if err := conn.DispatchOnce(); err != nil {
			t.Fatal(err)
		}
	}
	const w, h = 64, 64
	mem, err := wayland.NewSharedMemory("sessionfocus", 4*w*h)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := shm.CreatePool(mem.FD, 4*w*h)
	if err != nil {
		t.Fatal(err)
	}
	buf, err := pool.CreateBuffer(0, w, h, 4*w, wayland.ShmFormatXrgb8888)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(surf.Attach(buf, 0, 0), surf.Damage(0, 0, w, h), surf.Commit(), conn.Roundtrip()); err != nil {
		t.Fatal(err)
	}
	// Read runs unlocked (Close ends it); Dispatch and Close hold mu.
	var mu sync.Mutex
	closing := false
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			b, err := conn.Read()
			mu.Lock()
			if closing {
				mu.Unlock()
				return
			}
			derr := conn.Dispatch(b)
			mu.Unlock()
			if err != nil || derr != nil {
				return
			}
		}
	}()
	closeWindow = func() {
		mu.Lock()
		if closing {
			mu.Unlock()
			return
		}
		closing = true
		conn.Close()
		mu.Unlock()
		<-done
		mem.Close()
	}
	t.Cleanup(closeWindow)
	return closeWindow
}

// Issue 13: on a real headless sway reached only through $WAYLAND_DISPLAY
// (no $SWAYSOCK), the companion reads the focused app from
// zwlr_foreign_toplevel_management_v1: the activated toplevel's app id at
// start, on each focus change, when the focused window closes, and none
// when no window is left.
func TestFocusWlrForeignToplevelSway(t *testing.T) {
	t.Parallel()
	sway := startHeadlessSway(t)
	closeEditor := openWindow(t, sway.socket, "org.example.editor")
	closeOther := openWindow(t, sway.socket, "org.example.other")
	eventually(t, "both windows mapped", func() error {
		for _, app := range []string{"org.example.editor", "org.example.other"} {
			if out, err := exec.Command("swaymsg", "-s", sway.ipc, fmt.Sprintf(`[app_id="%s"]`, app), "nop").CombinedOutput(); err != nil {
				return fmt.Errorf("%v: %s", err, out)
			}
		}
		return nil
	})
	sway.command(t, `[app_id="org.example.other"] focus`)

	env := map[string]string{"WAYLAND_DISPLAY": filepath.Base(sway.socket), "XDG_RUNTIME_DIR": sway.runtime}
	if name, _, err := pickFocus(context.Background(), func(k string) string { return env[k] }); err != nil || name != "wlr-foreign-toplevel" {
		t.Fatalf("pickFocus = %q, %v; want wlr-foreign-toplevel", name, err)
	}
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{Getenv: func(k string) string { return env[k] }})
	expect := func(what, want string) {
		t.Helper()
		if ev := ts.next(t, Focus); ev.AppID != want {
			t.Fatalf("%s: Focus %q, want %q", what, ev.AppID, want)
		}
	}
	expect("at start", "org.example.other")
	var lat []time.Duration
	for range 5 {
		for _, app := range []string{"org.example.editor", "org.example.other"} {
			start := time.Now()
			sway.command(t, fmt.Sprintf(`[app_id="%s"] focus`, app))
			expect(app+" focused", app)
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	t.Logf("focus change (sway IPC command) → Focus at the daemon's server over wlr-foreign-toplevel: p50 %v, max %v over %d switches",
		lat[len(lat)/2], lat[len(lat)-1], len(lat))
	sway.command(t, `[app_id="org.example.editor"] focus`)
	expect("editor focused", "org.example.editor")
	closeEditor()
	expect("the focused editor closed", "org.example.other")
	closeOther()
	expect("no window left", "")
	if !strings.Contains(ts.log.String(), "source=wlr-foreign-toplevel") {
		t.Errorf("the source used is not logged:\n%s", ts.log)
	}
}
