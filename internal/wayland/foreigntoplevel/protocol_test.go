package foreigntoplevel

import (
	"encoding/binary"
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/wayland"
)

// msg builds a wire event.
func msg(id uint32, opcode uint16, args ...uint32) []byte {
	b := binary.NativeEndian.AppendUint32(nil, id)
	b = binary.NativeEndian.AppendUint32(b, uint32(8+4*len(args))<<16|uint32(opcode))
	for _, a := range args {
		b = binary.NativeEndian.AppendUint32(b, a)
	}
	return b
}

// str encodes a string argument as words.
func str(s string) []uint32 {
	b := append([]byte(s), 0)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	w := []uint32{uint32(len(s) + 1)}
	for i := 0; i < len(b); i += 4 {
		w = append(w, binary.NativeEndian.Uint32(b[i:]))
	}
	return w
}

func conn(t *testing.T) (*wayland.Conn, *ManagerV1) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fds[1])
	c, err := wayland.NewConn(fds[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	m := &ManagerV1{}
	c.Register(m)
	return c, m
}

// A toplevel event makes a HandleV1 with the compositor's id; its events
// reach it; after Destroy and Forget they are dropped.
func TestToplevelCreatedByCompositor(t *testing.T) {
	c, m := conn(t)
	var h *HandleV1
	var app string
	var states []byte
	dones := 0
	m.OnToplevel = func(t *HandleV1) {
		h = t
		t.OnAppId = func(a string) { app = a }
		t.OnState = func(s []byte) { states = s }
		t.OnDone = func() { dones++ }
	}
	const id = 0xff000003
	var b []byte
	b = append(b, msg(m.ID(), 0, id)...)
	b = append(b, msg(id, 1, str("org.example.foot")...)...)
	b = append(b, msg(id, 4, 4, HandleV1StateActivated)...)
	b = append(b, msg(id, 5)...)
	if err := c.Dispatch(wayland.Batch{Data: b}); err != nil {
		t.Fatal(err)
	}
	if h == nil || h.ID() != id || app != "org.example.foot" || dones != 1 ||
		len(states) != 4 || binary.NativeEndian.Uint32(states) != HandleV1StateActivated {
		t.Fatalf("handle %v, app %q, states %v, %d done", h, app, states, dones)
	}
	// A second object under the same id is refused.
	if err := c.Dispatch(wayland.Batch{Data: msg(m.ID(), 0, id)}); !errors.Is(err, wayland.ErrMalformed) {
		t.Fatalf("a reused id: %v, want ErrMalformed", err)
	}
	c.Forget(h)
	if err := c.Dispatch(wayland.Batch{Data: msg(id, 5)}); err != nil || dones != 1 {
		t.Fatalf("an event after Forget: %v, %d done", err, dones)
	}
}

func TestToplevelWithClientIDRefused(t *testing.T) {
	c, m := conn(t)
	if err := c.Dispatch(wayland.Batch{Data: msg(m.ID(), 0, 5)}); !errors.Is(err, wayland.ErrMalformed) {
		t.Fatalf("a toplevel with the client's id 5: %v, want ErrMalformed", err)
	}
}
