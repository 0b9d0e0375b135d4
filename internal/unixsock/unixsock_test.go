package unixsock

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func listen(t *testing.T) *Listener {
	t.Helper()
	l, err := Listen(filepath.Join(t.TempDir(), "s.sock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// pair is a dialled and an accepted end.
func pair(t *testing.T) (client, server *Conn) {
	t.Helper()
	l := listen(t)
	client, err := Dial(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server, err = l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return client, server
}

func TestRoundTrip(t *testing.T) {
	c, s := pair(t)
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(s, b); err != nil || string(b) != "ping" {
		t.Fatalf("server read %q, %v", b, err)
	}
	if _, err := s.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, b); err != nil || string(b) != "pong" {
		t.Fatalf("client read %q, %v", b, err)
	}
	c.Close()
	if n, err := s.Read(b); n != 0 || err != io.EOF {
		t.Fatalf("after the peer's close: %d, %v; want 0, EOF", n, err)
	}
}

// TestPeerUID: each end sees the other's uid (ours, both ways).
func TestPeerUID(t *testing.T) {
	c, s := pair(t)
	for name, conn := range map[string]*Conn{"dialled": c, "accepted": s} {
		uid, err := conn.PeerUID()
		if err != nil || uid != os.Getuid() {
			t.Errorf("%s: PeerUID = %d, %v; want %d", name, uid, err, os.Getuid())
		}
	}
}

// TestListenMode: the socket file is there; its mode is the caller's to
// set (the session server makes it 0666).
func TestListenMode(t *testing.T) {
	l := listen(t)
	st, err := os.Lstat(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Type() != os.ModeSocket {
		t.Fatalf("%s is %v, not a socket", l.Path(), st.Mode())
	}
	if err := os.Chmod(l.Path(), 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := Dial(l.Path()); err != nil {
		t.Fatal(err)
	}
}

func TestListenTaken(t *testing.T) {
	l := listen(t)
	if _, err := Listen(l.Path()); !errors.Is(err, unix.EADDRINUSE) {
		t.Fatalf("second Listen: %v, want EADDRINUSE", err)
	}
}

// TestCloseKeepsPath: Close does not unlink (after the privilege drop
// the daemon could not); a new Listen must remove it first.
func TestCloseKeepsPath(t *testing.T) {
	l := listen(t)
	l.Close()
	if _, err := os.Lstat(l.Path()); err != nil {
		t.Fatalf("socket gone after Close: %v", err)
	}
	if _, err := Dial(l.Path()); !errors.Is(err, unix.ECONNREFUSED) {
		t.Fatalf("dial a closed listener: %v, want ECONNREFUSED", err)
	}
}

func TestDialMissing(t *testing.T) {
	_, err := Dial(filepath.Join(t.TempDir(), "none"))
	if !errors.Is(err, unix.ENOENT) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("dial a missing path: %v, want ENOENT", err)
	}
}

func TestCloseUnblocksAccept(t *testing.T) {
	l := listen(t)
	done := make(chan error, 1)
	go func() {
		_, err := l.Accept()
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let Accept wait (either order must work)
	l.Close()
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Accept after Close: %v, want os.ErrClosed", err)
	}
}

func TestCloseUnblocksRead(t *testing.T) {
	c, _ := pair(t)
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 8))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Read after Close: %v, want os.ErrClosed", err)
	}
	if err := c.Close(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("second Close: %v, want os.ErrClosed", err)
	}
}

// TestCloseUnblocksWrite: a write stuck on a peer that does not read.
func TestCloseUnblocksWrite(t *testing.T) {
	c, _ := pair(t)
	done := make(chan error, 1)
	go func() {
		_, err := c.Write(make([]byte, 64<<20))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Write after Close: %v, want os.ErrClosed", err)
	}
}

func TestReadDeadline(t *testing.T) {
	c, s := pair(t)
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(make([]byte, 8)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read past the deadline: %v", err)
	}
	// Cleared, the socket reads again.
	c.SetReadDeadline(time.Time{})
	s.Write([]byte("x"))
	if b := make([]byte, 1); func() error { _, err := c.Read(b); return err }() != nil || b[0] != 'x' {
		t.Fatal("no read after the deadline was cleared")
	}
}

func TestWriteDeadline(t *testing.T) {
	c, _ := pair(t)
	c.SetDeadline(time.Now().Add(10 * time.Millisecond))
	n, err := c.Write(make([]byte, 64<<20))
	if !errors.Is(err, os.ErrDeadlineExceeded) || n >= 64<<20 {
		t.Fatalf("Write to a peer that does not read: %d, %v", n, err)
	}
}

// TestLargeWrite: a write bigger than the socket buffer arrives whole.
func TestLargeWrite(t *testing.T) {
	c, s := pair(t)
	want := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	go func() {
		c.Write(want)
		c.Close()
	}()
	got, err := io.ReadAll(s)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, %v; want %d", len(got), err, len(want))
	}
}

// TestCloexec: nothing leaks into the commands the companion runs.
func TestCloexec(t *testing.T) {
	l := listen(t)
	c, s := pair(t)
	for name, raw := range map[string]interface {
		Control(func(uintptr)) error
	}{"listener": l.raw, "dialled": c.raw, "accepted": s.raw} {
		var flags int
		var ferr error
		raw.Control(func(fd uintptr) { flags, ferr = unix.FcntlInt(fd, unix.F_GETFD, 0) })
		if ferr != nil || flags&unix.FD_CLOEXEC == 0 {
			t.Errorf("%s: FD_CLOEXEC not set (flags %#x, %v)", name, flags, ferr)
		}
	}
}

// TestPeerUIDOtherUser: a dialled socket's PeerUID is the listener's
// (what the session companion checks to trust only a root daemon). As
// root the listener is made on a thread whose effective uid is 65534.
func TestPeerUIDOtherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to listen as another user")
	}
	// Not t.TempDir: its parent is root's, mode 0700.
	dir, err := os.MkdirTemp("", "unixsock")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o777)
	type res struct {
		l   *Listener
		err error
	}
	ch := make(chan res, 1)
	go func() {
		// The thread is never unlocked: it dies with the goroutine, its
		// credentials with it.
		runtime.LockOSThread()
		if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, ^uintptr(0), 65534, ^uintptr(0)); e != 0 {
			ch <- res{err: e}
			return
		}
		l, err := Listen(filepath.Join(dir, "s.sock"))
		ch <- res{l, err}
	}()
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.l.Close()
	c, err := Dial(r.l.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if uid, err := c.PeerUID(); err != nil || uid != 65534 {
		t.Fatalf("PeerUID = %d, %v; want the listener's 65534", uid, err)
	}
	s, err := r.l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if uid, err := s.PeerUID(); err != nil || uid != 0 {
		t.Fatalf("accepted PeerUID = %d, %v; want the dialler's 0", uid, err)
	}
}
