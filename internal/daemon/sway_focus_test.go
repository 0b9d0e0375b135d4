package daemon

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/session"
	"tiny-dfr/internal/wayland"
	"tiny-dfr/internal/wayland/xdgshell"
)

// headlessSway is a headless sway run for the test, as nobody when the
// test runs as root (sway refuses root). It is internal/preview's
// startSway, cut down to what the focus test needs.
type headlessSway struct {
	runtime string // XDG_RUNTIME_DIR
	socket  string // Wayland socket path
	ipc     string // SWAYSOCK
}

// swayOrSkip skips locally, fails under CI=true (.ci/setup-wayland
// installs sway there).
func swayOrSkip(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("sway"); err != nil {
		msg := "sway not installed (Debian package: sway; see .ci/setup-wayland)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

func startHeadlessSway(t *testing.T) *headlessSway {
	t.Helper()
	swayOrSkip(t)
	dir, err := os.MkdirTemp("", "tiny-dfr-swayfocus-")
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
	var log syncBuffer
	cmd := exec.Command("sway", "-c", conf)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir, "XDG_RUNTIME_DIR=" + s.runtime,
		"WLR_BACKENDS=headless", "WLR_LIBINPUT_NO_DEVICES=1", "WLR_RENDERER=pixman"}
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(unix.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("sway log:\n%s", log.String())
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

// swayCommand runs a sway command over IPC (i3 RUN_COMMAND) and checks
// that it succeeded.
func swayCommand(t *testing.T, c net.Conn, command string) {
	t.Helper()
	hdr := make([]byte, 14)
	copy(hdr, "i3-ipc")
	binary.NativeEndian.PutUint32(hdr[6:], uint32(len(command)))
	binary.NativeEndian.PutUint32(hdr[10:], 0) // RUN_COMMAND
	if _, err := c.Write(append(hdr, command...)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, hdr); err != nil {
		t.Fatal(err)
	}
	reply := make([]byte, binary.NativeEndian.Uint32(hdr[6:]))
	if _, err := io.ReadFull(c, reply); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(reply, []byte(`"success": true`)) && !bytes.Contains(reply, []byte(`"success":true`)) {
		t.Fatalf("sway %q: %s", command, reply)
	}
}

// openWindow maps an xdg_toplevel with appID on the compositor at socket;
// it answers pings until the test ends.
func openWindow(t *testing.T, socket, appID string) {
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
	mem, err := wayland.NewSharedMemory("swayfocus", 4*w*h)
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
	// Read runs unlocked (Close ends it); Dispatch and Close hold mu: a
	// Close during a Dispatch raced (-race).
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
	t.Cleanup(func() {
		mu.Lock()
		closing = true
		conn.Close()
		mu.Unlock()
		<-done
		mem.Close()
	})
}

// layerPainter is a Painter that tells which layer it drew last.
type layerPainter struct {
	Painter
	layer *atomic.Int32
}

func (p layerPainter) DrawAll(s *Scene) *render.Frame {
	p.layer.Store(int32(s.Layer))
	return p.Painter.DrawAll(s)
}

func (p layerPainter) DrawButtons(s *Scene, bs ...int) *render.Frame {
	p.layer.Store(int32(s.Layer))
	return p.Painter.DrawButtons(s, bs...)
}

// shown is a present of a frame of layer at.
type shown struct {
	layer int
	at    time.Time
}

// Issue 13: on a real headless sway, the real companion (session.Companion
// with $SWAYSOCK) reports the focused window's app id to the real
// session.Server, and the daemon's loop shows the [[Layer]] whose Apps
// lists it; focusing another window shows the base layer again. Logs the
// issue's figure "focus change → layer shown" (p50 over the switches).
func TestSwayFocusSwitchesLayer(t *testing.T) {
	t.Parallel()
	sway := startHeadlessSway(t)

	// The daemon's session server, serving the test's own uid as seat0's
	// active user.
	base := t.TempDir()
	seats := filepath.Join(base, "seats")
	if err := os.Mkdir(seats, 0o755); err != nil {
		t.Fatal(err)
	}
	seat := fmt.Sprintf("ACTIVE=1\nACTIVE_UID=%d\nUIDS=%d\n", os.Getuid(), os.Getuid())
	if err := os.WriteFile(filepath.Join(seats, "seat0"), []byte(seat), 0o644); err != nil {
		t.Fatal(err)
	}
	var srvLog syncBuffer
	srv, err := session.Listen(filepath.Join(base, "run"), session.Options{
		SeatsDir: seats, Log: slog.New(slog.NewTextHandler(&srvLog, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	// The loop: fake display, keyboard and painter, the real server.
	const editorApp = "editor" // listed; the window's id is org.example.editor
	cfg := testConfig()
	cfg.Layers = []config.NamedLayer{{Name: "code",
		Keys: []config.Button{{Text: "F3", Codes: []uint16{keyF3}, Stretch: 1}},
		Apps: []config.AppLayer{{App: editorApp}}}}
	disp := newFakeDisplay()
	kb := &fakeKeyboard{down: map[uint16]bool{}}
	var drawn atomic.Int32
	drawn.Store(-1)
	shows := make(chan shown, 1000)
	last := -1
	disp.onPresent = func() { // the display's lock held: one at a time
		if l := int(drawn.Load()); l != last {
			last = l
			select {
			case shows <- shown{l, time.Now()}:
			default:
			}
		}
	}
	env := Env{
		Clock:      &fakeClock{now: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)},
		Rand:       rand.New(rand.NewPCG(1, 1)),
		Timing:     instantTiming(),
		LoadConfig: func() (*config.Config, []config.Diagnostic) { return cfg, nil },
		NewPainter: func(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
			p, diags := newRenderPainter(lay, look) // the real renderer: the figure includes drawing
			return layerPainter{p, &drawn}, diags
		},
		OpenDisplay: func() (Display, error) { return disp, nil },
		Tracker:     input.NewTracker(kb),
		OpenLight:   func() (Light, error) { return nil, errors.New("no light") },
		ReadBattery: func() (battery.State, error) { return battery.State{}, nil },
		Crash:       func(length, h int, _ string) *render.Frame { return render.NewFrame(length, h) },
		Session:     srv,
	}
	ctx, cancel := context.WithCancel(context.Background())
	loopDone := make(chan error, 1)
	go func() { loopDone <- Loop(ctx, env, Sources{Session: srv.Events()}, nil) }()
	defer func() {
		cancel()
		if err := <-loopDone; err != nil {
			t.Errorf("loop: %v", err)
		}
	}()
	codeLayer := -1
	next := func(what string) shown {
		t.Helper()
		select {
		case s := <-shows:
			return s
		case err := <-loopDone:
			t.Fatalf("%s: loop ended: %v", what, err)
		case <-time.After(30 * time.Second): // turns a hang into a failure
			t.Fatalf("%s: no layer change shown; server log:\n%s", what, srvLog.String())
		}
		return shown{}
	}
	if s := next("first frame"); s.layer != 0 {
		t.Fatalf("first frame shows layer %d, want 0", s.layer)
	}

	// Two windows; the second one mapped has the focus.
	openWindow(t, sway.socket, "org.example.editor")
	openWindow(t, sway.socket, "org.example.other")
	ipc, err := net.Dial("unix", sway.ipc)
	if err != nil {
		t.Fatal(err)
	}
	defer ipc.Close()
	// Wait until sway has both (the focus command finds its window).
	eventually(t, "both windows mapped", func() error {
		for _, app := range []string{"org.example.editor", "org.example.other"} {
			if out, err := exec.Command("swaymsg", "-s", sway.ipc, fmt.Sprintf(`[app_id="%s"]`, app), "nop").CombinedOutput(); err != nil {
				return fmt.Errorf("%v: %s", err, out)
			}
		}
		return nil
	})
	swayCommand(t, ipc, `[app_id="org.example.other"] focus`)

	// The real companion, in the session of that sway.
	compCtx, compCancel := context.WithCancel(context.Background())
	compDone := make(chan error, 1)
	var compLog syncBuffer
	comp := &session.Companion{
		Socket: srv.Path(), AnyServer: true, Log: slog.New(slog.NewTextHandler(&compLog, nil)),
		Getenv:     func(k string) string { return map[string]string{"SWAYSOCK": sway.ipc}[k] },
		MinBackoff: 50 * time.Millisecond,
	}
	go func() { compDone <- comp.Run(compCtx) }()
	defer func() {
		compCancel()
		<-compDone
		if t.Failed() {
			t.Logf("companion log:\n%s", compLog.String())
		}
	}()
	srv.Start()
	eventually(t, "companion served", func() error {
		if !srv.Connected() {
			return errors.New("not connected")
		}
		return nil
	})

	const switches = 10
	var lat []time.Duration
	for i := range 2 * switches {
		app, want := "org.example.editor", -2 // -2: the layer named "code"
		if i%2 == 1 {
			app, want = "org.example.other", 0
		}
		start := time.Now()
		swayCommand(t, ipc, fmt.Sprintf(`[app_id="%s"] focus`, app))
		s := next("focus " + app)
		if want == -2 {
			if codeLayer < 0 {
				codeLayer = s.layer
			}
			if s.layer == 0 || s.layer != codeLayer {
				t.Fatalf("focus %s: layer %d shown, want the Apps layer (first seen %d)", app, s.layer, codeLayer)
			}
		} else if s.layer != want {
			t.Fatalf("focus %s: layer %d shown, want the base layer %d", app, s.layer, want)
		}
		lat = append(lat, s.at.Sub(start))
	}
	// The layer shown for the editor is the one named "code".
	if name := layerName(t, cfg, codeLayer); name != "code" {
		t.Errorf("the editor's layer is %q, want code", name)
	}
	select {
	case s := <-shows:
		t.Errorf("an extra layer change to %d", s.layer)
	default:
	}
	if kb.held() != 0 {
		t.Errorf("%d keys held", kb.held())
	}
	slices.Sort(lat)
	t.Logf("focus change (sway IPC command) → layer drawn and presented (real renderer, fake display, no frame pacing): p50 %v, min %v, max %v over %d switches",
		lat[len(lat)/2], lat[0], lat[len(lat)-1], len(lat))
}

// layerName names the layout's layer i for cfg.
func layerName(t *testing.T, cfg *config.Config, i int) string {
	t.Helper()
	lay := layouts.Build(cfg, 2008, 60)
	if lay == nil || i < 0 || i >= len(lay.Layers) {
		return ""
	}
	return lay.Layers[i].Name
}
