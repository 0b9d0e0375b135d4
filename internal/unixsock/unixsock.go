// Package unixsock is unix stream sockets without package net (whose
// resolver links cgo, so a plain `go build` would give a dynamic binary):
// golang.org/x/sys/unix calls on non-blocking descriptors wrapped in
// *os.File, which puts them in the runtime's poller. Reads and writes wait
// in the poller, deadlines work (os.ErrDeadlineExceeded) and Close
// unblocks a read or write waiting on another goroutine (os.ErrClosed).
package unixsock

import (
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// backlog is the listen queue asked for; the kernel caps it at
// net.core.somaxconn.
const backlog = 4096

// Listener is a listening unix stream socket.
type Listener struct {
	f    *os.File
	raw  syscall.RawConn
	path string
	shut atomic.Bool // Close has begun: a failing Accept says os.ErrClosed
}

// Listen binds a unix stream socket to path and listens on it. The path
// must not exist (EADDRINUSE otherwise); Close does not unlink it.
func Listen(path string) (*Listener, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", path, os.NewSyscallError("socket", err))
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("listen %s: %w", path, os.NewSyscallError("bind", err))
	}
	if err := unix.Listen(fd, backlog); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("listen %s: %w", path, os.NewSyscallError("listen", err))
	}
	f, raw, err := wrap(fd, path)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	return &Listener{f: f, raw: raw, path: path}, nil
}

// wrap puts the non-blocking fd in the runtime's poller; fd is closed on
// error.
func wrap(fd int, name string) (*os.File, syscall.RawConn, error) {
	f := os.NewFile(uintptr(fd), name)
	if f == nil {
		unix.Close(fd)
		return nil, nil, os.ErrInvalid
	}
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, raw, nil
}

// Path is the path the listener is bound to.
func (l *Listener) Path() string { return l.path }

// Accept waits for a connection. After Close (even one racing with a
// waiting Accept) it returns an error wrapping os.ErrClosed; a peer that
// aborted before being accepted is skipped.
func (l *Listener) Accept() (*Conn, error) {
	for {
		var nfd int
		var aerr error
		err := l.raw.Read(func(fd uintptr) bool {
			nfd, _, aerr = unix.Accept4(int(fd), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
			return aerr != unix.EAGAIN
		})
		if err == nil {
			err = aerr
		}
		if err == unix.ECONNABORTED || err == unix.EINTR {
			continue
		}
		if err != nil {
			if l.shut.Load() {
				err = os.ErrClosed
			} else if errno, ok := err.(unix.Errno); ok {
				err = os.NewSyscallError("accept4", errno)
			}
			return nil, fmt.Errorf("accept %s: %w", l.path, err)
		}
		f, raw, err := wrap(nfd, l.path)
		if err != nil {
			return nil, fmt.Errorf("accept %s: %w", l.path, err)
		}
		return &Conn{f: f, raw: raw}, nil
	}
}

// Close stops listening and unblocks a waiting Accept; the socket's path
// stays (a later Listen on it must remove it first).
func (l *Listener) Close() error {
	l.shut.Store(true)
	return l.f.Close()
}

// Conn is a connected unix stream socket. Read, Write and Close may be
// called from different goroutines at once.
type Conn struct {
	f   *os.File
	raw syscall.RawConn
}

// Dial connects to the listener at path. The connect does not wait: a
// listener whose queue is full fails with EAGAIN, one that is gone with
// ENOENT or ECONNREFUSED (test with errors.Is on the unix.Errno).
func Dial(path string) (*Conn, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", path, os.NewSyscallError("socket", err))
	}
	for {
		err = unix.Connect(fd, &unix.SockaddrUnix{Name: path})
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		// A unix stream connect completes at once or fails; it never
		// says EINPROGRESS.
		unix.Close(fd)
		return nil, fmt.Errorf("dial %s: %w", path, os.NewSyscallError("connect", err))
	}
	f, raw, err := wrap(fd, path)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", path, err)
	}
	return &Conn{f: f, raw: raw}, nil
}

// Read reads from the socket: io.EOF at the end of the stream.
func (c *Conn) Read(p []byte) (int, error) { return c.f.Read(p) }

// Write writes all of p unless the deadline passes or the socket fails
// (EPIPE once the peer is gone: Go does not die of SIGPIPE on a
// descriptor other than 1 and 2).
func (c *Conn) Write(p []byte) (int, error) { return c.f.Write(p) }

// Close closes the socket; a Read or Write waiting on it returns an
// error wrapping os.ErrClosed. A second Close fails the same way.
func (c *Conn) Close() error { return c.f.Close() }

// SetDeadline bounds the reads and writes to come and those waiting.
func (c *Conn) SetDeadline(t time.Time) error { return c.f.SetDeadline(t) }

// SetReadDeadline bounds the reads.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.f.SetReadDeadline(t) }

// SetWriteDeadline bounds the writes.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.f.SetWriteDeadline(t) }

// PeerUID is the uid of the process at the other end, as of connect (for
// an accepted socket) or listen (for a dialled one): SO_PEERCRED.
func (c *Conn) PeerUID() (int, error) {
	var cred *unix.Ucred
	var serr error
	if err := c.raw.Control(func(fd uintptr) {
		cred, serr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return -1, fmt.Errorf("peer credentials: %w", err)
	}
	if serr != nil {
		return -1, fmt.Errorf("peer credentials: %w", os.NewSyscallError("getsockopt", serr))
	}
	return int(cred.Uid), nil
}
