// Package sdnotify speaks systemd's notify protocol (sd_notify(3)): state
// lines such as READY=1, STATUS=…, WATCHDOG=1 and STOPPING=1 sent as one
// datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an
// abstract socket written with a leading '@').
//
// It is the few lines of the protocol on golang.org/x/sys/unix rather than
// a library: nothing else is linked in, and the socket is connected once
// (as root, before the daemon drops privileges) and kept.
package sdnotify

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Notifier sends state lines to the service manager. A nil *Notifier (no
// $NOTIFY_SOCKET: not started by systemd, or Type=simple) ignores every
// call, so callers need not check.
type Notifier struct {
	addr string

	mu sync.Mutex
	fd int // connected datagram socket, -1 when closed
}

// Open connects to the socket named by getenv("NOTIFY_SOCKET"). Without
// one it returns nil, nil.
func Open(getenv func(string) string) (*Notifier, error) {
	addr := getenv("NOTIFY_SOCKET")
	if addr == "" {
		return nil, nil
	}
	if addr[0] != '/' && addr[0] != '@' {
		return nil, fmt.Errorf("sdnotify: NOTIFY_SOCKET %q: neither a path nor an abstract socket", addr)
	}
	n := &Notifier{addr: addr, fd: -1}
	if err := n.connect(); err != nil {
		return nil, err
	}
	return n, nil
}

func (n *Notifier) connect() error {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("sdnotify: socket: %w", err)
	}
	// SockaddrUnix turns a leading '@' into the abstract namespace's NUL.
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: n.addr}); err != nil {
		unix.Close(fd)
		return fmt.Errorf("sdnotify: connect %s: %w", n.addr, err)
	}
	n.fd = fd
	return nil
}

// Notify sends state (one or more "KEY=value" lines) in one datagram. It
// never blocks: a full socket queue drops the message with EAGAIN. A
// socket that went away (the manager re-created it) is connected again
// once.
func (n *Notifier) Notify(state string) error {
	if n == nil {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fd < 0 {
		return fmt.Errorf("sdnotify: %w", os.ErrClosed)
	}
	err := n.send(state)
	if errors.Is(err, unix.ECONNREFUSED) || errors.Is(err, unix.ENOTCONN) {
		unix.Close(n.fd)
		n.fd = -1
		if cerr := n.connect(); cerr != nil {
			return cerr
		}
		err = n.send(state)
	}
	return err
}

func (n *Notifier) send(state string) error {
	for {
		_, err := unix.Write(n.fd, []byte(state))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("sdnotify: send to %s: %w", n.addr, err)
		}
		return nil
	}
}

// Close releases the socket. Calls after it return os.ErrClosed.
func (n *Notifier) Close() error {
	if n == nil {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fd < 0 {
		return fmt.Errorf("sdnotify: close: %w", os.ErrClosed)
	}
	err := unix.Close(n.fd)
	n.fd = -1
	return err
}

// Watchdog tells whether the service manager expects WATCHDOG=1 pings from
// this process and how often to send them: half of $WATCHDOG_USEC, as
// sd_watchdog_enabled(3) advises. A $WATCHDOG_PID naming another process
// means the watchdog is not this one's.
func Watchdog(getenv func(string) string, pid int) (every time.Duration, ok bool) {
	usec, err := strconv.ParseUint(getenv("WATCHDOG_USEC"), 10, 63)
	if err != nil || usec == 0 {
		return 0, false
	}
	if p := getenv("WATCHDOG_PID"); p != "" {
		if wp, err := strconv.Atoi(p); err != nil || wp != pid {
			return 0, false
		}
	}
	d := time.Duration(min(usec, uint64(1<<62)/1000)) * time.Microsecond
	return max(d/2, time.Millisecond), true
}
