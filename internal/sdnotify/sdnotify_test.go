package sdnotify

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// listen binds a datagram socket as systemd does and returns its fd.
func listen(t *testing.T, addr string) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: addr}); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	// A hang becomes a failure; no speed is asserted.
	tv := unix.NsecToTimeval(int64(20 * time.Second))
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	return fd
}

func recv(t *testing.T, fd int) string {
	t.Helper()
	b := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, b, 0)
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	return string(b[:n])
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestNotifyPath(t *testing.T) {
	t.Parallel()
	addr := filepath.Join(t.TempDir(), "notify")
	fd := listen(t, addr)
	n, err := Open(env(map[string]string{"NOTIFY_SOCKET": addr}))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if err := n.Notify("READY=1\nSTATUS=running"); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, fd); got != "READY=1\nSTATUS=running" {
		t.Fatalf("got %q", got)
	}
}

func TestNotifyAbstract(t *testing.T) {
	t.Parallel()
	addr := fmt.Sprintf("@tiny-dfr-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	fd := listen(t, addr)
	n, err := Open(env(map[string]string{"NOTIFY_SOCKET": addr}))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if err := n.Notify("WATCHDOG=1"); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, fd); got != "WATCHDOG=1" {
		t.Fatalf("got %q", got)
	}
}

func TestNoSocket(t *testing.T) {
	t.Parallel()
	n, err := Open(env(nil))
	if n != nil || err != nil {
		t.Fatalf("Open without NOTIFY_SOCKET: %v, %v", n, err)
	}
	if err := n.Notify("READY=1"); err != nil {
		t.Fatalf("nil Notifier: %v", err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestBadSocket(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"relative", filepath.Join(t.TempDir(), "none")} {
		if n, err := Open(env(map[string]string{"NOTIFY_SOCKET": addr})); err == nil {
			n.Close()
			t.Errorf("%q: no error", addr)
		}
	}
}

// TestReconnect: the manager re-created its socket (daemon-reexec).
func TestReconnect(t *testing.T) {
	t.Parallel()
	addr := filepath.Join(t.TempDir(), "notify")
	fd := listen(t, addr)
	n, err := Open(env(map[string]string{"NOTIFY_SOCKET": addr}))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	unix.Close(fd)
	os.Remove(addr)
	fd2 := listen(t, addr)
	if err := n.Notify("READY=1"); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, fd2); got != "READY=1" {
		t.Fatalf("got %q", got)
	}
}

// TestNeverBlocks: a manager that does not read makes Notify fail with
// EAGAIN, not wait.
func TestNeverBlocks(t *testing.T) {
	t.Parallel()
	addr := filepath.Join(t.TempDir(), "notify")
	listen(t, addr)
	n, err := Open(env(map[string]string{"NOTIFY_SOCKET": addr}))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	for i := range 100000 {
		if err = n.Notify("WATCHDOG=1"); err != nil {
			break
		}
		if i == 99999 {
			t.Skip("the queue never filled")
		}
	}
	if !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("full queue: %v, want EAGAIN", err)
	}
}

func TestClosed(t *testing.T) {
	t.Parallel()
	addr := filepath.Join(t.TempDir(), "notify")
	listen(t, addr)
	n, err := Open(env(map[string]string{"NOTIFY_SOCKET": addr}))
	if err != nil {
		t.Fatal(err)
	}
	n.Close()
	if err := n.Notify("READY=1"); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if err := n.Close(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
}

func TestWatchdog(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		usec, pid string
		every     time.Duration
		ok        bool
	}{
		{"", "", 0, false},
		{"0", "", 0, false},
		{"junk", "", 0, false},
		{"-5", "", 0, false},
		{"120000000", "", time.Minute, true},
		{"120000000", "42", time.Minute, true},
		{"120000000", "43", 0, false},
		{"120000000", "x", 0, false},
		{"1", "", time.Millisecond, true},
		{"18446744073709551615", "", 0, false},
		{"9223372036854775807", "", time.Duration(1<<62/1000) * time.Microsecond / 2, true}, // no overflow
	} {
		every, ok := Watchdog(env(map[string]string{"WATCHDOG_USEC": c.usec, "WATCHDOG_PID": c.pid}), 42)
		if every != c.every || ok != c.ok {
			t.Errorf("WATCHDOG_USEC=%q WATCHDOG_PID=%q: %v, %v; want %v, %v", c.usec, c.pid, every, ok, c.every, c.ok)
		}
	}
}
