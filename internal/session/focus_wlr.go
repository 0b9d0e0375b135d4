package session

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"tiny-dfr/internal/wayland"
	"tiny-dfr/internal/wayland/foreigntoplevel"
)

// wlroots compositors (sway, labwc, river, Wayfire, …) list every
// client's toplevels to a client that binds
// zwlr_foreign_toplevel_manager_v1: a toplevel event makes a handle, its
// app_id and state (an array of uint32: activated is 2) follow, then done;
// closed ends it. The focused app is the activated toplevel's app id.

// maxWlrToplevels bounds the toplevels followed (past it new ones are
// destroyed unread).
const maxWlrToplevels = 4096

// errNoWlrManager: the compositor does not offer the global.
var errNoWlrManager = errors.New("the compositor offers no " + foreigntoplevel.ManagerV1Interface)

// wlrProbeTimeout bounds the check for the global at start.
const wlrProbeTimeout = 5 * time.Second

// wlrEnv hides WAYLAND_SOCKET: a descriptor a launcher passed down is
// meant for one client, not for the companion's connections.
func wlrEnv(getenv func(string) string) func(string) string {
	return func(k string) string {
		if k == "WAYLAND_SOCKET" {
			return ""
		}
		return getenv(k)
	}
}

// wlrConn is a Wayland connection whose events a goroutine reads, so that
// waiting for them heeds a context.
type wlrConn struct {
	conn   *wayland.Conn
	in     chan wlrBatch
	stop   chan struct{}
	reader chan struct{}
}

type wlrBatch struct {
	b   wayland.Batch
	err error
}

func dialWlr(getenv func(string) string) (*wlrConn, error) {
	conn, err := wayland.DialEnv(wlrEnv(getenv))
	if err != nil {
		return nil, err
	}
	w := &wlrConn{conn: conn, in: make(chan wlrBatch), stop: make(chan struct{}), reader: make(chan struct{})}
	go func() {
		defer close(w.reader)
		for {
			b, err := conn.Read()
			select {
			case w.in <- wlrBatch{b, err}:
			case <-w.stop:
				for _, fd := range b.FDs {
					wayland.CloseFD(fd)
				}
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return w, nil
}

// close ends the reader and the connection.
func (w *wlrConn) close() {
	close(w.stop)
	w.conn.Close() // ends a pending Read
	<-w.reader
}

// dispatch waits for the next events and runs their handlers.
func (w *wlrConn) dispatch(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case r := <-w.in:
		if err := w.conn.Dispatch(r.b); err != nil {
			return err
		}
		return r.err
	}
}

// roundtrip dispatches until the compositor has handled every request
// sent before.
func (w *wlrConn) roundtrip(ctx context.Context) error {
	cb, err := w.conn.Display().Sync()
	if err != nil {
		return err
	}
	done := false
	cb.OnDone = func(uint32) { done = true }
	for !done {
		if err := w.dispatch(ctx); err != nil {
			return err
		}
	}
	return nil
}

// bindManager finds the manager's global and binds it (version 3 at most).
func (w *wlrConn) bindManager(ctx context.Context) (*foreigntoplevel.ManagerV1, error) {
	reg, err := w.conn.Display().GetRegistry()
	if err != nil {
		return nil, err
	}
	var name, version uint32
	found := false
	reg.OnGlobal = func(n uint32, iface string, v uint32) {
		if iface == foreigntoplevel.ManagerV1Interface && !found {
			name, version, found = n, v, true
		}
	}
	if err := w.roundtrip(ctx); err != nil {
		return nil, err
	}
	reg.OnGlobal = nil
	if !found {
		return nil, errNoWlrManager
	}
	m := &foreigntoplevel.ManagerV1{}
	if err := reg.Bind(name, foreigntoplevel.ManagerV1Interface, min(version, foreigntoplevel.ManagerV1Version), m); err != nil {
		return nil, err
	}
	return m, nil
}

// wlrAvailable says whether the session's Wayland compositor offers the
// manager.
func wlrAvailable(ctx context.Context, getenv func(string) string) bool {
	if getenv("WAYLAND_DISPLAY") == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, wlrProbeTimeout)
	defer cancel()
	w, err := dialWlr(getenv)
	if err != nil {
		return false
	}
	defer w.close()
	reg, err := w.conn.Display().GetRegistry()
	if err != nil {
		return false
	}
	found := false
	reg.OnGlobal = func(_ uint32, iface string, _ uint32) {
		found = found || iface == foreigntoplevel.ManagerV1Interface
	}
	return w.roundtrip(ctx) == nil && found
}

// wlrToplevel is one toplevel: what its last done made current, and what
// arrived since.
type wlrToplevel struct {
	app, nextApp             string
	activated, nextActivated bool
	since                    uint64 // when it was last activated (a count)
}

// wlrToplevels follows the toplevels; the focused app is the app of the
// activated one (the latest activated when a compositor has several seats).
type wlrToplevels struct {
	tops    map[*foreigntoplevel.HandleV1]*wlrToplevel
	count   uint64
	changed bool
}

func (s *wlrToplevels) focused() string {
	var best *wlrToplevel
	for _, t := range s.tops {
		if t.activated && (best == nil || t.since > best.since) {
			best = t
		}
	}
	if best == nil {
		return ""
	}
	return best.app
}

// hasActivated reads a state array (uint32 values, host order).
func hasActivated(states []byte) bool {
	for i := 0; i+4 <= len(states); i += 4 {
		if binary.NativeEndian.Uint32(states[i:]) == foreigntoplevel.HandleV1StateActivated {
			return true
		}
	}
	return false
}

func (s *wlrToplevels) add(conn *wayland.Conn, h *foreigntoplevel.HandleV1) {
	if len(s.tops) >= maxWlrToplevels {
		h.Destroy()
		conn.Forget(h)
		return
	}
	t := &wlrToplevel{}
	s.tops[h] = t
	h.OnAppId = func(app string) { t.nextApp = app }
	h.OnState = func(states []byte) { t.nextActivated = hasActivated(states) }
	h.OnDone = func() {
		if t.nextActivated && !t.activated {
			s.count++
			t.since = s.count
		}
		if t.app != t.nextApp || t.activated != t.nextActivated {
			s.changed = true
		}
		t.app, t.activated = t.nextApp, t.nextActivated
	}
	h.OnClosed = func() {
		delete(s.tops, h)
		h.Destroy()
		conn.Forget(h)
		s.changed = s.changed || t.activated
	}
}

// watchWlr reports the activated toplevel's app id from the session's
// Wayland compositor.
func watchWlr(ctx context.Context, getenv func(string) string, report func(string)) error {
	w, err := dialWlr(getenv)
	if err != nil {
		return err
	}
	defer w.close()
	m, err := w.bindManager(ctx)
	if err != nil {
		return err
	}
	s := &wlrToplevels{tops: map[*foreigntoplevel.HandleV1]*wlrToplevel{}}
	finished := false
	m.OnToplevel = func(h *foreigntoplevel.HandleV1) { s.add(w.conn, h) }
	m.OnFinished = func() { finished = true }
	// The toplevels open now arrive before the roundtrip's answer.
	if err := w.roundtrip(ctx); err != nil {
		return err
	}
	report(s.focused())
	s.changed = false
	for !finished {
		if err := w.dispatch(ctx); err != nil {
			return fmt.Errorf("wayland: %w", err)
		}
		if s.changed {
			s.changed = false
			report(s.focused())
		}
	}
	return errors.New("the compositor finished the toplevel manager")
}
