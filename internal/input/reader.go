package input

import (
	"errors"
	"os"
	"time"

	"tiny-dfr/internal/evdev"
)

// activityGap is the least kernel time between two Activity events of one
// device: idle timers count in tens of seconds.
const activityGap = 500 * time.Millisecond

// reader reads one device and sends what it means.
type reader struct {
	m       *monitor
	dev     *evdev.Device
	state   stateReader // dev: key and switch state after SYN_DROPPED
	role    role
	dec     *decoder // digitizers only
	fn      bool     // KEY_FN is down
	busy    bool     // activity seen in this frame
	dropped bool     // SYN_DROPPED: events are skipped until SYN_REPORT
	last    time.Time
	// The Touches of the events sent are copies in these buffers, used
	// round robin (see touches).
	bufs [][]Touch
	next int
}

// stateReader reads a device's current key and switch state (evdev.Device).
type stateReader interface {
	Keys() (evdev.Bits, error)
	Switches() (evdev.Bits, error)
}

func newReader(m *monitor, dev *evdev.Device, ro role) (*reader, error) {
	r := &reader{m: m, dev: dev, state: dev, role: ro}
	if ro&roleDigitizer != 0 {
		var firstErr error
		info := func(code int) evdev.AbsInfo {
			a, err := dev.AbsInfo(code)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			return a
		}
		r.dec = newDecoder(dev.Abs, info, dev)
		if firstErr != nil {
			return nil, firstErr
		}
	}
	return r, nil
}

func (r *reader) run() {
	defer r.m.wg.Done()
	defer r.dev.Close()
	if !r.start() {
		return
	}
	evs := make([]evdev.RawEvent, 64)
	var err error
	if r.dec != nil && r.m.bar != nil {
		// The touch path: handle never waits for the loop here (the Bar
		// presses the keys and pokes), so it may run inside the read.
		stopped := false
		err = r.dev.ReadEach(evs, func(evs []evdev.RawEvent) bool {
			for _, e := range evs {
				if !r.handle(e) {
					stopped = true
					return false
				}
			}
			return true
		})
		if stopped {
			return
		}
	} else {
		for {
			var n int
			n, err = r.dev.Read(evs)
			if err != nil {
				break
			}
			for _, e := range evs[:n] {
				if !r.handle(e) {
					return
				}
			}
		}
	}
	if r.m.ctx.Err() != nil {
		return
	}
	if !errors.Is(err, evdev.ErrGone) && !errors.Is(err, os.ErrClosed) {
		r.m.log.Warn("input: read", "dev", r.dev.Path, "err", err)
	}
	r.gone()
	select {
	case r.m.exited <- r:
	case <-r.m.ctx.Done():
	}
}

// touches copies ts into the next buffer of the ring, without allocating
// once the ring is made. A buffer is written again only after cap(out)+1
// later touch events of this reader were sent: then at most cap(out) of
// them wait in the channel and one is with the receiver, which was done
// with the older ones when it received the next (Event.Touches).
func (r *reader) touches(ts []Touch) []Touch {
	if r.bufs == nil {
		r.bufs = make([][]Touch, cap(r.m.out)+2)
	}
	b := append(r.bufs[r.next][:0], ts...)
	r.bufs[r.next] = b
	r.next = (r.next + 1) % len(r.bufs)
	return b[:len(b):len(b)]
}

// start sends what a newly opened device says at once.
func (r *reader) start() bool {
	now := time.Now()
	if r.role&roleDigitizer != 0 {
		return r.m.send(Event{Kind: DigitizerAdded, Time: now, Device: r.dev.Path})
	}
	if r.role&roleLid != 0 {
		sw, err := r.dev.Switches()
		if err != nil {
			r.m.log.Warn("input: lid state", "dev", r.dev.Path, "err", err)
			return true
		}
		return r.m.send(Event{Kind: Lid, Down: sw.Has(evdev.SwLid), Time: now, Device: r.dev.Path})
	}
	return true
}

// handle takes one event; false when Run is stopping.
func (r *reader) handle(e evdev.RawEvent) bool {
	if r.dec != nil {
		ts := r.dec.feed(e)
		if ts == nil {
			return true
		}
		if r.m.bar != nil {
			if p := r.m.touchProbe; p != nil {
				t1 := time.Now()
				r.m.bar.Touch(ts)
				p(kernelTime(e), t1, time.Now())
				return true
			}
			r.m.bar.Touch(ts) // the keys go out now, on this goroutine
			return true
		}
		return r.m.send(Event{Kind: Touches, Touches: r.touches(ts), Time: kernelTime(e), Device: r.dev.Path})
	}
	if r.dropped {
		if e.Type == evdev.EvSyn && e.Code == evdev.SynReport {
			r.dropped = false
			return r.resync(kernelTime(e))
		}
		return true
	}
	switch e.Type {
	case evdev.EvSyn:
		if e.Code == evdev.SynDropped {
			r.dropped = true
			return true
		}
		if e.Code != evdev.SynReport || !r.busy {
			return true
		}
		r.busy = false
		t := kernelTime(e)
		if !r.last.IsZero() && t.Sub(r.last) < activityGap && t.Sub(r.last) >= 0 {
			return true
		}
		r.last = t
		return r.m.send(Event{Kind: Activity, Time: t, Device: r.dev.Path})
	case evdev.EvKey:
		r.busy = r.busy || r.role&roleActivity != 0
		if e.Code == evdev.KeyFn && r.role&roleFn != 0 && e.Value != 2 {
			r.fn = e.Value != 0
			return r.m.send(Event{Kind: Fn, Down: r.fn, Time: kernelTime(e), Device: r.dev.Path})
		}
	case evdev.EvRel, evdev.EvAbs:
		r.busy = r.busy || r.role&roleActivity != 0
	case evdev.EvSw:
		if e.Code == evdev.SwLid && r.role&roleLid != 0 {
			return r.m.send(Event{Kind: Lid, Down: e.Value != 0, Time: kernelTime(e), Device: r.dev.Path})
		}
	}
	return true
}

// resync reads the state after events were dropped: a Fn release or a lid
// change may be among them (else the layer would stay flipped until the
// next Fn press).
func (r *reader) resync(t time.Time) bool {
	if r.role&roleFn != 0 {
		if keys, err := r.state.Keys(); err == nil && keys.Has(evdev.KeyFn) != r.fn {
			r.fn = !r.fn
			if !r.m.send(Event{Kind: Fn, Down: r.fn, Time: t, Device: r.dev.Path}) {
				return false
			}
		}
	}
	if r.role&roleLid != 0 {
		if sw, err := r.state.Switches(); err == nil {
			return r.m.send(Event{Kind: Lid, Down: sw.Has(evdev.SwLid), Time: t, Device: r.dev.Path})
		}
	}
	return true
}

// gone reports the loss of the device: fingers cancelled, Fn released.
func (r *reader) gone() {
	now := time.Now()
	if r.dec != nil {
		if ts := r.dec.cancel(); ts != nil && r.m.bar != nil {
			r.m.bar.Touch(ts)
		} else if ts != nil {
			if !r.m.send(Event{Kind: Touches, Touches: r.touches(ts), Time: now, Device: r.dev.Path}) {
				return
			}
		}
		r.m.send(Event{Kind: DigitizerGone, Time: now, Device: r.dev.Path})
		return
	}
	if r.role&roleFn != 0 {
		if r.fn {
			r.fn = false
			if !r.m.send(Event{Kind: Fn, Down: false, Time: now, Device: r.dev.Path}) {
				return
			}
		}
		r.m.send(Event{Kind: KeyboardGone, Time: now, Device: r.dev.Path})
	}
}

func kernelTime(e evdev.RawEvent) time.Time { return time.Unix(e.Sec, e.Usec*1000) }
