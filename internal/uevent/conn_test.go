package uevent

import (
	"errors"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func open(t *testing.T) *Conn {
	t.Helper()
	c, err := Open()
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPROTONOSUPPORT) || errors.Is(err, unix.EAFNOSUPPORT) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("uevent socket: %v", err)
		}
		t.Skipf("no uevent socket here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// portID is the netlink port the kernel gave c.
func portID(t *testing.T, c *Conn) uint32 {
	rc, err := c.f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var sa unix.Sockaddr
	var serr error
	if err := rc.Control(func(fd uintptr) { sa, serr = unix.Getsockname(int(fd)) }); err != nil {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatal(serr)
	}
	return sa.(*unix.SockaddrNetlink).Pid
}

func TestCloseInterruptsRead(t *testing.T) {
	c := open(t)
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := c.Read(); err != nil {
				done <- err
				return
			}
		}
	}()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Errorf("Read after Close: %v, want os.ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// A message that a user-space process sends straight to the socket is not a
// kernel uevent and must be skipped, well formed or not.
func TestSkipsUserSpaceSender(t *testing.T) {
	c := open(t)
	defer c.Close()
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_KOBJECT_UEVENT)
	if err != nil {
		t.Skipf("second netlink socket: %v", err)
	}
	defer unix.Close(fd)
	to := &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: portID(t, c)}
	if err := unix.Sendto(fd, msg("add@/devices/forged", "ACTION=add", "SUBSYSTEM=drm"), 0, to); err != nil {
		t.Skipf("cannot send to the socket here: %v", err)
	}
	got := make(chan Event, 1)
	go func() {
		if e, err := c.Read(); err == nil {
			got <- e
		}
		close(got)
	}()
	// Wait until the reader has taken the forged message off the socket.
	rc, err := c.f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	for queued := 1; queued > 0; {
		rc.Control(func(fd uintptr) { queued, _ = unix.IoctlGetInt(int(fd), unix.SIOCINQ) })
		time.Sleep(time.Millisecond)
	}
	c.Close()
	if e, ok := <-got; ok && e.DevPath == "/devices/forged" {
		t.Errorf("forged message delivered: %+v", e)
	}
}
