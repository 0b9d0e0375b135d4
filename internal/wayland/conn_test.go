package wayland

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pair returns a client Conn and the compositor's end of its socket.
func pair(t *testing.T) (*Conn, *net.UnixConn) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	conn := func(fd int) *net.UnixConn {
		f := os.NewFile(uintptr(fd), "sock")
		defer f.Close()
		c, err := net.FileConn(f)
		if err != nil {
			t.Fatal(err)
		}
		return c.(*net.UnixConn)
	}
	c, err := NewConn(fds[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := conn(fds[1])
	t.Cleanup(func() { c.Close(); srv.Close() })
	return c, srv
}

// msg builds a wire message.
func msg(id uint32, opcode uint16, args ...[]byte) []byte {
	b := binary.NativeEndian.AppendUint32(nil, id)
	n := headerSize
	for _, a := range args {
		n += len(a)
	}
	b = binary.NativeEndian.AppendUint32(b, uint32(n)<<16|uint32(opcode))
	for _, a := range args {
		b = append(b, a...)
	}
	return b
}

func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

func str(s string) []byte {
	b := u32(uint32(len(s) + 1))
	b = append(b, s...)
	b = append(b, 0)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func TestRequestEncoding(t *testing.T) {
	t.Parallel()
	c, srv := pair(t)
	reg, err := c.Display().GetRegistry()
	if err != nil {
		t.Fatal(err)
	}
	comp := &Compositor{}
	if err := reg.Bind(7, CompositorInterface, 4, comp); err != nil {
		t.Fatal(err)
	}
	want := append(msg(1, 1, u32(reg.ID())), msg(reg.ID(), 0, u32(7), str("wl_compositor"), u32(4), u32(comp.ID()))...)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(srv, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("wire bytes\n got %x\nwant %x", got, want)
	}
	if reg.ID() != 2 || comp.ID() != 3 {
		t.Fatalf("ids %d, %d; want 2, 3", reg.ID(), comp.ID())
	}
}

func TestEventsAndFDs(t *testing.T) {
	t.Parallel()
	c, srv := pair(t)
	reg, _ := c.Display().GetRegistry()
	var globals []string
	reg.OnGlobal = func(name uint32, iface string, version uint32) { globals = append(globals, iface) }
	kb := &Keyboard{}
	c.Register(kb)
	gotFD := -1
	kb.OnKeymap = func(format uint32, fd int, size uint32) { gotFD = fd }

	f, err := os.CreateTemp(t.TempDir(), "keymap")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("xkb")
	data := append(msg(reg.ID(), 0, u32(1), str("wl_seat"), u32(9)), msg(reg.ID(), 0, u32(2), str("xdg_wm_base"), u32(6))...)
	data = append(data, msg(kb.ID(), 0, u32(1), u32(3))...)
	// Split the last message across two reads: Dispatch must keep the tail.
	cut := len(data) - 4
	if _, _, err := srv.WriteMsgUnix(data[:cut], unix.UnixRights(int(f.Fd())), nil); err != nil {
		t.Fatal(err)
	}
	for gotFD < 0 {
		if err := c.DispatchOnce(); err != nil {
			t.Fatal(err)
		}
		if len(globals) == 2 && gotFD < 0 && len(c.in) > 0 {
			srv.Write(data[cut:])
		}
	}
	defer unix.Close(gotFD)
	if len(globals) != 2 || globals[0] != "wl_seat" || globals[1] != "xdg_wm_base" {
		t.Fatalf("globals %q", globals)
	}
	buf := make([]byte, 3)
	if n, err := unix.Pread(gotFD, buf, 0); err != nil || string(buf[:n]) != "xkb" {
		t.Fatalf("received fd reads %q, %v", buf[:n], err)
	}
}

func TestProtocolError(t *testing.T) {
	t.Parallel()
	c, srv := pair(t)
	srv.Write(msg(1, 0, u32(3), u32(2), str("bad buffer")))
	err := c.DispatchOnce()
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Object != 3 || pe.Code != 2 || pe.Message != "bad buffer" {
		t.Fatalf("got %v, want protocol error 2 on 3", err)
	}
}

func TestMalformed(t *testing.T) {
	t.Parallel()
	c, _ := pair(t)
	reg, _ := c.Display().GetRegistry()
	called := false
	reg.OnGlobal = func(uint32, string, uint32) { called = true }
	for _, b := range [][]byte{
		msg(reg.ID(), 0, u32(1), u32(100), u32(0)),             // string longer than the message
		msg(reg.ID(), 0, u32(1), u32(2), []byte("ab\x00\x00")), // no NUL inside its length
		msg(reg.ID(), 0, u32(1)),                               // missing arguments
	} {
		c.in = nil
		if err := c.Dispatch(Batch{Data: b}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: got %v, want ErrMalformed", b, err)
		}
	}
	if err := c.Dispatch(Batch{Data: []byte{1, 0, 0, 0, 0, 0, 3, 0}}); !errors.Is(err, ErrMalformed) {
		t.Errorf("size 3: got %v, want ErrMalformed", err)
	}
	if called {
		t.Error("handler called for a malformed event")
	}
}

func TestMissingFD(t *testing.T) {
	t.Parallel()
	c, _ := pair(t)
	kb := &Keyboard{}
	c.Register(kb)
	kb.OnKeymap = func(uint32, int, uint32) { t.Error("handler called without fd") }
	if err := c.Dispatch(Batch{Data: msg(kb.ID(), 0, u32(1), u32(3))}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v, want ErrMalformed", err)
	}
}

func TestDeleteIDReusesIDs(t *testing.T) {
	t.Parallel()
	c, _ := pair(t)
	cb, _ := c.Display().Sync()
	id := cb.ID()
	if err := c.Dispatch(Batch{Data: msg(1, 1, u32(id))}); err != nil {
		t.Fatal(err)
	}
	cb2, _ := c.Display().Sync()
	if cb2.ID() != id {
		t.Fatalf("new id %d, want reused %d", cb2.ID(), id)
	}
}

func TestDialNoDisplay(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, e := range []map[string]string{
		{},
		{"WAYLAND_DISPLAY": "wayland-0"},
		{"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": t.TempDir()},
	} {
		if _, err := DialEnv(env(e)); !errors.Is(err, ErrNoDisplay) {
			t.Errorf("%v: got %v, want ErrNoDisplay", e, err)
		}
	}
}

func TestSharedMemory(t *testing.T) {
	t.Parallel()
	m, err := NewSharedMemory("test", 4096)
	if err != nil {
		t.Fatal(err)
	}
	m.Mem[4095] = 7
	b := make([]byte, 1)
	if _, err := unix.Pread(m.FD, b, 4095); err != nil || b[0] != 7 {
		t.Fatalf("pread %v %v", b, err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("second Close: %v, want os.ErrClosed", err)
	}
}

// TestCloseUnblocksRead: a Read waiting on another goroutine returns
// os.ErrClosed and no data when the connection closes (the preview's
// shutdown path).
func TestCloseUnblocksRead(t *testing.T) {
	t.Parallel()
	c, _ := pair(t)
	type result struct {
		b   Batch
		err error
	}
	done := make(chan result)
	go func() {
		b, err := c.Read()
		done <- result{b, err}
	}()
	time.Sleep(50 * time.Millisecond) // let Read block (either order must work)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("second Close: %v, want os.ErrClosed", err)
	}
	r := <-done
	if !errors.Is(r.err, os.ErrClosed) || len(r.b.Data) != 0 || len(r.b.FDs) != 0 {
		t.Fatalf("Read across Close: %d bytes, %d fds, %v; want os.ErrClosed", len(r.b.Data), len(r.b.FDs), r.err)
	}
}

func TestDialWaylandSocket(t *testing.T) {
	t.Parallel()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[1])
	env := map[string]string{"WAYLAND_SOCKET": strconv.Itoa(fds[0])}
	c, err := DialEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Display().Sync(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, err := unix.Read(fds[1], buf)
	if err != nil || n != 12 {
		t.Fatalf("compositor end read %d bytes, %v; want one 12-byte sync", n, err)
	}
	env["WAYLAND_SOCKET"] = "x"
	if _, err := DialEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("WAYLAND_SOCKET=x accepted")
	}
}
