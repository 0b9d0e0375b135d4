package uevent

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// kernelGroup is the multicast group the kernel sends uevents to (udev
// re-broadcasts its own, processed events on group 2).
const kernelGroup = 1

// bufSize holds the largest uevent (the kernel's UEVENT_BUFFER_SIZE is 2048).
const bufSize = 8192

// Conn is an open uevent socket. Read blocks until an event arrives; Close
// (from any goroutine) interrupts it.
type Conn struct {
	f   *os.File // non-blocking: reads park in Go's poller, Close wakes them
	buf []byte

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// Open subscribes to the kernel's uevents.
func Open() (*Conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_KOBJECT_UEVENT)
	if err != nil {
		return nil, fmt.Errorf("uevent: socket: %w", err)
	}
	// A bigger receive buffer survives bursts (a card binding sends dozens);
	// without privileges the kernel caps it, which is fine.
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: kernelGroup}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("uevent: bind: %w", err)
	}
	return &Conn{f: os.NewFile(uintptr(fd), "uevent"), buf: make([]byte, bufSize)}, nil
}

// Read returns the next kernel uevent. Messages that are not from the kernel
// or do not parse are skipped. After Close it returns an error wrapping
// os.ErrClosed. ENOBUFS (events were dropped because the reader was slow) is
// returned wrapped so callers can rescan what they watch; reading may go on.
func (c *Conn) Read() (Event, error) {
	rc, err := c.f.SyscallConn()
	if err != nil {
		return Event{}, fmt.Errorf("uevent: %w", err)
	}
	for {
		var (
			n    int
			from unix.Sockaddr
			rerr error
		)
		err := rc.Read(func(fd uintptr) bool {
			n, from, rerr = unix.Recvfrom(int(fd), c.buf, 0)
			return !errors.Is(rerr, unix.EAGAIN)
		})
		if err != nil {
			if c.closed.Load() {
				err = os.ErrClosed // the poller says "closing", not os.ErrClosed
			}
			return Event{}, fmt.Errorf("uevent: read: %w", err)
		}
		if rerr != nil {
			if errors.Is(rerr, unix.EINTR) {
				continue
			}
			return Event{}, fmt.Errorf("uevent: read: %w", rerr)
		}
		if sa, ok := from.(*unix.SockaddrNetlink); !ok || sa.Pid != 0 {
			continue // only the kernel (port 0) sends real uevents
		}
		e, err := Parse(c.buf[:n])
		if err != nil {
			continue
		}
		return e, nil
	}
}

// Close closes the socket and wakes a blocked Read. It is idempotent.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.closeErr = c.f.Close()
	})
	return c.closeErr
}
