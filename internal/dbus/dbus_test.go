package dbus

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"tiny-dfr/internal/dbus/dbustest"
)

const wait = 20 * time.Second

func TestAddress(t *testing.T) {
	for in, want := range map[string]string{
		"unix:path=/run/user/1000/bus":           "/run/user/1000/bus",
		"unix:abstract=/tmp/dbus-x,guid=1":       "@/tmp/dbus-x",
		"tcp:host=x,port=1;unix:path=/tmp/a%20b": "/tmp/a b",
		"unix:guid=ab,path=/p":                   "/p",
	} {
		if got, err := Address(in); err != nil || got != want {
			t.Errorf("Address(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "tcp:host=x", "unix:path=/a%2", "unix:path=/a%zz", "unix:tmpdir=/tmp"} {
		if got, err := Address(bad); err == nil {
			t.Errorf("Address(%q) = %q, want an error", bad, got)
		}
	}
}

// busPair starts a private bus and connects to it twice: with this
// package (c) and with godbus (peer, the other side of each test).
func busPair(t *testing.T) (c *Conn, peer *godbus.Conn) {
	t.Helper()
	addr := dbustest.PrivateBus(t)
	c = dial(t, addr)
	peer, err := godbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	return c, peer
}

func dial(t *testing.T, addr string) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := Dial(ctx, addr, os.Getuid())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A method call with arguments and its reply, an error reply, a signal
// with a dict of variants, a call without reply reaching its peer; Close
// ends the connection and fails calls.
func TestBus(t *testing.T) {
	c, peer := busPair(t)
	if !strings.HasPrefix(c.Name(), ":") {
		t.Fatalf("unique name %q", c.Name())
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	body, err := c.Call(ctx, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner", peer.Names()[0])
	if err != nil || len(body) != 1 || body[0] != peer.Names()[0] {
		t.Fatalf("GetNameOwner = %v, %v", body, err)
	}
	_, err = c.Call(ctx, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner", "org.example.Nobody")
	var de *Error
	if !errors.As(err, &de) || de.Name != "org.freedesktop.DBus.Error.NameHasNoOwner" {
		t.Fatalf("error reply %v", err)
	}
	if _, err := c.Call(ctx, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch",
		"type='signal',interface='org.example.T'"); err != nil {
		t.Fatal(err)
	}
	md := map[string]godbus.Variant{
		"xesam:title":  godbus.MakeVariant("T"),
		"xesam:artist": godbus.MakeVariant([]string{"A", "B"}),
		"mpris:length": godbus.MakeVariant(int64(-5)),
		"x:d":          godbus.MakeVariant(1.5),
		"x:nested":     godbus.MakeVariant(map[string]godbus.Variant{"k": godbus.MakeVariant(uint16(7))}),
		"x:struct": godbus.MakeVariant(struct {
			A byte
			B bool
			C godbus.ObjectPath
		}{3, true, "/o"}),
	}
	if err := peer.Emit("/org/example/P", "org.example.T.Changed", "iface", md, []string{"inv"}); err != nil {
		t.Fatal(err)
	}
	var s *Signal
	select {
	case s = <-c.Signals():
	case <-time.After(wait):
		t.Fatal("no signal")
	}
	if s.Sender != peer.Names()[0] || s.Path != "/org/example/P" || s.Interface != "org.example.T" || s.Member != "Changed" || len(s.Body) != 3 {
		t.Fatalf("signal %+v", s)
	}
	got := s.Body[1].(map[string]any)
	check := func(k string, want any) {
		t.Helper()
		v, ok := got[k].(Variant)
		if !ok {
			t.Errorf("%s: %#v", k, got[k])
			return
		}
		if w, ok := want.([]any); ok {
			g, _ := v.Value.([]any)
			if len(g) != len(w) {
				t.Errorf("%s = %#v, want %#v", k, v.Value, want)
				return
			}
			for i := range w {
				if g[i] != w[i] {
					t.Errorf("%s = %#v, want %#v", k, v.Value, want)
				}
			}
			return
		}
		if v.Value != want {
			t.Errorf("%s = %#v, want %#v", k, v.Value, want)
		}
	}
	check("xesam:title", "T")
	check("xesam:artist", []any{"A", "B"})
	check("mpris:length", int64(-5))
	check("x:d", 1.5)
	check("x:struct", []any{byte(3), true, ObjectPath("/o")})
	if n := got["x:nested"].(Variant).Value.(map[string]any)["k"].(Variant).Value; n != uint16(7) {
		t.Errorf("nested %#v", n)
	}
	if inv := s.Body[2].([]any); len(inv) != 1 || inv[0] != "inv" {
		t.Errorf("invalidated %#v", s.Body[2])
	}
	// A call without reply reaches its peer.
	got2 := make(chan string, 1)
	peer.Export(echo{got2}, "/e", "org.example.E")
	if err := c.Send(peer.Names()[0], "/e", "org.example.E", "Poke", "hi"); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got2:
		if s != "hi" {
			t.Errorf("Poke(%q)", s)
		}
	case <-time.After(wait):
		t.Fatal("Send did not reach the peer")
	}
	c.Close()
	<-c.Done()
	if _, err := c.Call(ctx, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ListNames"); !errors.Is(err, ErrClosed) {
		t.Errorf("call after Close: %v", err)
	}
}

type echo struct{ ch chan string }

func (e echo) Poke(s string) *godbus.Error { e.ch <- s; return nil }

// A flood of signals is dropped past SignalQueue and counted; a signal
// over MaxMessage is read, dropped and counted; the connection lives on.
func TestBusBounded(t *testing.T) {
	c, peer := busPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := c.Call(ctx, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch",
		"type='signal',interface='org.example.T'"); err != nil {
		t.Fatal(err)
	}
	n := 3 * SignalQueue
	for i := range n {
		peer.Emit("/p", "org.example.T.S", int32(i))
	}
	peer.Emit("/p", "org.example.T.S", strings.Repeat("x", MaxMessage))
	// A call answered after them: the flood has been read.
	if _, err := c.Call(ctx, peer.Names()[0], "/nothing", "org.example.None", "X"); err == nil {
		t.Fatal("a call to nothing succeeded")
	}
	if got := len(c.Signals()); got != SignalQueue {
		t.Errorf("%d signals queued, want %d", got, SignalQueue)
	}
	if lost := c.Lost(); lost != uint64(n-SignalQueue+1) {
		t.Errorf("lost %d, want %d", lost, n-SignalQueue+1)
	}
	select {
	case <-c.Done():
		t.Fatal("the connection failed")
	default:
	}
}

// FuzzDecode: any body and signature decode or fail without a panic.
func FuzzDecode(f *testing.F) {
	f.Add("a{sv}", []byte{8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 'k', 0, 1, 'y', 0, 7})
	f.Add("(yv)", []byte{1, 1, 'o', 0, 2, 0, 0, 0, '/', 'a', 0})
	f.Add("aav", []byte{4, 0, 0, 0, 0, 0, 0, 0})
	f.Add("v", []byte{2, 'a', 'v', 0})
	f.Fuzz(func(t *testing.T, sig string, body []byte) {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			d := decoder{b: body, order: order}
			for s := sig; s != ""; {
				one, rest, err := nextType(s)
				if err != nil {
					break
				}
				if _, err := d.value(one, 0); err != nil {
					break
				}
				s = rest
			}
		}
	})
}

// Method calls received: a call to an exported path is taken from Calls
// and answered with values or an error; a call to another path, and one
// over MaxMessage, are answered with an error by the connection itself;
// Ping is answered.
func TestCalls(t *testing.T) {
	c, peer := busPair(t)
	c.Export("/org/example/Obj")
	obj := peer.Object(c.Name(), "/org/example/Obj")
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		var out string
		err := obj.Call("org.example.Obj.Echo", 0, "hello", "2").Store(&out)
		done <- result{out, err}
	}()
	var call *Call
	select {
	case call = <-c.Calls():
	case <-time.After(wait):
		t.Fatal("no call received")
	}
	if call.Sender != peer.Names()[0] || call.Path != "/org/example/Obj" || call.Interface != "org.example.Obj" ||
		call.Member != "Echo" || len(call.Body) != 2 || call.Body[0] != "hello" || call.Body[1] != "2" {
		t.Fatalf("call %+v", call)
	}
	if err := call.Reply("hello back"); err != nil {
		t.Fatal(err)
	}
	if r := <-done; r.err != nil || r.out != "hello back" {
		t.Fatalf("reply %q, %v", r.out, r.err)
	}

	go func() { done <- result{err: obj.Call("org.example.Obj.Fail", 0).Err} }()
	select {
	case call = <-c.Calls():
	case <-time.After(wait):
		t.Fatal("no call received")
	}
	if err := call.Error(ErrorAccessDenied, "not you"); err != nil {
		t.Fatal(err)
	}
	var de godbus.Error
	if r := <-done; !errors.As(r.err, &de) || de.Name != ErrorAccessDenied || len(de.Body) != 1 || de.Body[0] != "not you" {
		t.Fatalf("error reply %#v", r.err)
	}

	if err := peer.Object(c.Name(), "/elsewhere").Call("org.example.Obj.Echo", 0, "x").Err; !errors.As(err, &de) || de.Name != ErrorUnknownObject {
		t.Errorf("a call to a path not exported: %v", err)
	}
	if err := peer.Object(c.Name(), "/elsewhere").Call("org.freedesktop.DBus.Peer.Ping", 0).Err; err != nil {
		t.Errorf("Ping: %v", err)
	}
	if err := obj.Call("org.example.Obj.Echo", 0, strings.Repeat("x", MaxMessage)).Err; !errors.As(err, &de) || de.Name != ErrorLimitsExceeded {
		t.Errorf("a call over MaxMessage: %v", err)
	}
	if len(c.Calls()) != 0 {
		t.Errorf("%d calls queued that were answered already", len(c.Calls()))
	}
	select {
	case <-c.Done():
		t.Fatal("the connection failed")
	default:
	}
}

// A flood of calls not taken: CallQueue wait, in order; the rest are
// answered ErrorLimitsExceeded at once and counted.
func TestCallsBounded(t *testing.T) {
	c, peer := busPair(t)
	c.Export("/o")
	obj := peer.Object(c.Name(), "/o")
	// (dbus-daemon itself refuses more than 128 calls waiting for replies
	// by default: stay under.)
	n := CallQueue + 32
	replies := make(chan *godbus.Call, n)
	for i := range n {
		obj.Go("org.example.O.N", 0, replies, fmt.Sprint(i))
	}
	// The calls past the queue are answered without anyone taking them.
	for range n - CallQueue {
		select {
		case r := <-replies:
			var de godbus.Error
			if !errors.As(r.Err, &de) || de.Name != ErrorLimitsExceeded {
				t.Fatalf("a call past the queue: %v", r.Err)
			}
		case <-time.After(wait):
			t.Fatal("calls past the queue not answered")
		}
	}
	if got := len(c.Calls()); got != CallQueue {
		t.Errorf("%d calls queued, want %d", got, CallQueue)
	}
	if lost := c.LostCalls(); lost != uint64(n-CallQueue) {
		t.Errorf("LostCalls %d, want %d", lost, n-CallQueue)
	}
	for i := range CallQueue {
		call := <-c.Calls()
		if call.Body[0] != fmt.Sprint(i) {
			t.Fatalf("call %d has %v: not in order", i, call.Body)
		}
		call.Reply()
	}
	for range CallQueue {
		select {
		case r := <-replies:
			if r.Err != nil {
				t.Fatalf("a queued call answered with %v", r.Err)
			}
		case <-time.After(wait):
			t.Fatal("queued calls not answered")
		}
	}
}
