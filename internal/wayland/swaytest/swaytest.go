// Package swaytest runs a headless sway for tests and maps windows on it
// with the project's own Wayland client: the per-app layer tests of the
// daemon and the companion's focus watchers use it. sway runs as nobody
// when the test runs as root (sway refuses root). Without sway a test
// skips, or fails under CI=true (.ci/setup-wayland installs it).
package swaytest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/logging/loggingtest"
	"tiny-dfr/internal/wayland"
	"tiny-dfr/internal/wayland/xdgshell"
)

// Sway is a running headless sway.
type Sway struct {
	Dir     string // a world-readable scratch directory, its user's HOME
	Runtime string // its XDG_RUNTIME_DIR
	Socket  string // the Wayland socket's path
	IPC     string // its IPC socket ($SWAYSOCK)
	cred    *syscall.Credential
}

// Start runs a headless sway until the test ends; its log is shown if
// the test fails.
func Start(t testing.TB) *Sway { return StartConfig(t, "default_border none\n") }

// StartConfig is Start with config as sway's config file.
func StartConfig(t testing.TB, config string) *Sway {
	t.Helper()
	if _, err := exec.LookPath("sway"); err != nil {
		msg := "sway not installed (Debian package: sway; see .ci/setup-wayland)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir, err := os.MkdirTemp("", "tiny-dfr-sway-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	s := &Sway{Dir: dir, Runtime: filepath.Join(dir, "run")}
	if err := os.Mkdir(s.Runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		uid, gid := 65534, 65534 // Debian's nobody:nogroup
		if u, err := user.Lookup("nobody"); err == nil {
			uid, _ = strconv.Atoi(u.Uid)
			gid, _ = strconv.Atoi(u.Gid)
		}
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(s.Runtime, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(dir, "sway.conf")
	if err := os.WriteFile(conf, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	log := &loggingtest.Buffer{}
	cmd := s.Command("sway", "-c", conf)
	cmd.Env = append(cmd.Env, "WLR_BACKENDS=headless", "WLR_LIBINPUT_NO_DEVICES=1", "WLR_RENDERER=pixman")
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
	Eventually(t, "sway's sockets", func() error {
		es, _ := os.ReadDir(s.Runtime)
		for _, e := range es {
			switch {
			case strings.HasPrefix(e.Name(), "wayland-") && !strings.HasSuffix(e.Name(), ".lock"):
				s.Socket = filepath.Join(s.Runtime, e.Name())
			case strings.HasPrefix(e.Name(), "sway-ipc."):
				s.IPC = filepath.Join(s.Runtime, e.Name())
			}
		}
		if s.Socket == "" || s.IPC == "" {
			return errors.New("not there yet")
		}
		return nil
	})
	return s
}

// Eventually retries f until it succeeds; the limit only turns a hang into
// a failure.
func Eventually(t testing.TB, what string, f func() error) {
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

// Command runs name as sway's user, in its session: WAYLAND_DISPLAY (the
// socket's name under XDG_RUNTIME_DIR) and SWAYSOCK are set once sway is
// up.
func (s *Sway) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + s.Dir, "XDG_RUNTIME_DIR=" + s.Runtime}
	if s.Socket != "" {
		cmd.Env = append(cmd.Env, "WAYLAND_DISPLAY="+filepath.Base(s.Socket), "SWAYSOCK="+s.IPC)
	}
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

// DialIPC connects to sway's IPC for Command; closed when the test ends.
func (s *Sway) DialIPC(t testing.TB) net.Conn {
	t.Helper()
	c, err := net.Dial("unix", s.IPC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Command runs a sway command over an IPC connection (i3's RUN_COMMAND)
// and checks that it succeeded.
func Command(t testing.TB, c net.Conn, command string) {
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
	if !bytes.Contains(bytes.ReplaceAll(reply, []byte(" "), nil), []byte(`"success":true`)) {
		t.Fatalf("sway %q: %s", command, reply)
	}
}

// WaitMapped waits until sway has a window of each app id (a focus
// command then finds it).
func (s *Sway) WaitMapped(t testing.TB, appIDs ...string) {
	t.Helper()
	Eventually(t, "windows mapped", func() error {
		for _, app := range appIDs {
			if out, err := exec.Command("swaymsg", "-s", s.IPC, fmt.Sprintf(`[app_id="%s"]`, app), "nop").CombinedOutput(); err != nil {
				return fmt.Errorf("%s: %v: %s", app, err, out)
			}
		}
		return nil
	})
}

// OpenWindow maps an xdg_toplevel with appID, made by the project's own
// Wayland client; it answers pings and configures until closed.
func OpenWindow(t testing.TB, socket, appID string) (closeWindow func()) {
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
