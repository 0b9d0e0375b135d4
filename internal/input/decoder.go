package input

import "tiny-dfr/internal/evdev"

// maxSlots caps the slots followed per digitizer (the Touch Bar has 11).
const maxSlots = 64

// axis scales raw values of an absolute axis to 0..1.
type axis struct{ min, span float64 }

func newAxis(a evdev.AbsInfo) axis {
	span := float64(a.Maximum) - float64(a.Minimum)
	if span <= 0 {
		span = 1
	}
	return axis{min: float64(a.Minimum), span: span}
}

func (a axis) scale(v int32) float64 { return (float64(v) - a.min) / a.span }

type slot struct {
	id      int32 // tracking id, -1 none
	x, y    int32
	rx, ry  int32 // position last reported
	active  bool  // a Down was reported and no Up/Cancel yet
	ignored bool  // after SYN_DROPPED: wait for this slot's next tracking id
	begin   bool  // a new tracking id arrived in this frame
	lift    bool  // tracking id -1 arrived in this frame
	moved   bool
}

// resyncer reads the kernel's current axis and key state: at open and
// after SYN_DROPPED (evdev.Device). Nil: positions start at 0 and stay as
// last seen after a drop.
type resyncer interface {
	MTSlots(code int, vals []int32) error
	AbsInfo(code int) (evdev.AbsInfo, error)
	Keys() (evdev.Bits, error)
}

// decoder turns a digitizer's event stream into per-frame Touches:
// multitouch protocol B, or single touch (ABS_X/ABS_Y/BTN_TOUCH) when the
// device has no slots. On SYN_DROPPED every active finger is cancelled and
// fingers still down stay ignored until they lift.
//
// At open the decoder starts from the kernel's state of each slot (as
// libevdev does): the kernel drops an ABS event whose value equals the
// slot's last one, so a tap at the same spot (or the same height) as the
// last touch before we opened the device carries no position. A finger
// already down at open is a touch that started before us: it is ignored
// (no Down, no key) until it lifts; the next touch works.
type decoder struct {
	mt      bool
	x, y    axis
	slots   []slot
	cur     int // current slot, -1: out of range
	dropped bool
	sync    resyncer
	vals    []int32
	out     []Touch
}

// newDecoder sets up a decoder for a device with the given capabilities.
// absInfo returns an axis's range.
func newDecoder(abs evdev.Bits, absInfo func(code int) evdev.AbsInfo, sync resyncer) *decoder {
	d := &decoder{sync: sync}
	d.mt = abs.Has(evdev.AbsMtSlot) && abs.Has(evdev.AbsMtTrackingID) && abs.Has(evdev.AbsMtPositionX)
	n := 1
	if d.mt {
		d.x, d.y = newAxis(absInfo(evdev.AbsMtPositionX)), newAxis(absInfo(evdev.AbsMtPositionY))
		si := absInfo(evdev.AbsMtSlot)
		n = int(si.Maximum) + 1
		n = max(1, min(n, maxSlots))
		if int(si.Value) >= 0 && int(si.Value) < n {
			d.cur = int(si.Value)
		}
	} else {
		d.x, d.y = newAxis(absInfo(evdev.AbsX)), newAxis(absInfo(evdev.AbsY))
	}
	d.slots = make([]slot, n)
	for i := range d.slots {
		d.slots[i].id = -1
	}
	d.vals = make([]int32, n)
	d.out = make([]Touch, 0, n*2)
	if d.load() {
		for i := range d.slots {
			d.slots[i].ignored = d.slots[i].id >= 0
		}
	}
	return d
}

// feed takes one event; at the end of a frame it returns that frame's
// touch changes (nil when there are none). The slice is reused.
func (d *decoder) feed(e evdev.RawEvent) []Touch {
	if d.dropped {
		if e.Type == evdev.EvSyn && e.Code == evdev.SynReport {
			d.dropped = false
			d.resync()
		}
		return nil
	}
	switch e.Type {
	case evdev.EvSyn:
		switch e.Code {
		case evdev.SynReport:
			return d.frame()
		case evdev.SynDropped:
			d.dropped = true
			return d.cancelAll()
		}
	case evdev.EvAbs:
		d.abs(e.Code, e.Value)
	case evdev.EvKey:
		if !d.mt && e.Code == evdev.BtnTouch {
			s := &d.slots[0]
			if e.Value != 0 && s.id < 0 {
				s.id, s.begin, s.ignored = 0, true, false
			} else if e.Value == 0 && s.id >= 0 {
				s.id, s.lift, s.ignored = -1, true, false
			} else if e.Value == 0 {
				s.ignored = false
			}
		}
	}
	return nil
}

func (d *decoder) abs(code uint16, v int32) {
	if !d.mt {
		switch code {
		case evdev.AbsX:
			d.slots[0].x, d.slots[0].moved = v, true
		case evdev.AbsY:
			d.slots[0].y, d.slots[0].moved = v, true
		}
		return
	}
	if code == evdev.AbsMtSlot {
		d.cur = -1
		if v >= 0 && int(v) < len(d.slots) {
			d.cur = int(v)
		}
		return
	}
	if d.cur < 0 {
		return
	}
	s := &d.slots[d.cur]
	switch code {
	case evdev.AbsMtTrackingID:
		s.ignored = false
		if v < 0 {
			if s.id >= 0 || s.active {
				s.lift = true
			}
		} else {
			if s.active || s.begin {
				s.lift = true // a new id without -1 between: end the old finger
			}
			s.begin = true
		}
		s.id = v
	case evdev.AbsMtPositionX:
		s.x, s.moved = v, true
	case evdev.AbsMtPositionY:
		s.y, s.moved = v, true
	}
}

// frame ends a SYN_REPORT.
func (d *decoder) frame() []Touch {
	d.out = d.out[:0]
	for i := range d.slots {
		s := &d.slots[i]
		if s.ignored {
			s.begin, s.lift, s.moved = false, false, false
			continue
		}
		if s.lift && s.active {
			d.out = append(d.out, d.touch(i, Up))
			s.active = false
		}
		if s.begin && s.id >= 0 {
			d.out = append(d.out, d.touch(i, Down))
			s.active = true
		} else if s.moved && s.active {
			d.out = append(d.out, d.touch(i, Move))
		}
		s.begin, s.lift, s.moved = false, false, false
	}
	if len(d.out) == 0 {
		return nil
	}
	return d.out
}

// touch reports slot i: Down and Move at its new position, Up and Cancel
// where it was last reported.
func (d *decoder) touch(i int, p Phase) Touch {
	s := &d.slots[i]
	if p == Down || p == Move {
		s.rx, s.ry = s.x, s.y
	}
	return Touch{Slot: i, Phase: p, X: d.x.scale(s.rx), Y: d.y.scale(s.ry)}
}

// cancelAll reports Cancel for every active finger and ignores every slot
// until its next tracking id (or BTN_TOUCH) change.
func (d *decoder) cancelAll() []Touch {
	d.out = d.out[:0]
	for i := range d.slots {
		s := &d.slots[i]
		if s.active {
			d.out = append(d.out, d.touch(i, Cancel))
		}
		*s = slot{id: s.id, x: s.x, y: s.y, rx: s.rx, ry: s.ry, ignored: true}
	}
	if len(d.out) == 0 {
		return nil
	}
	return d.out
}

// resync reads the kernel's slot state after a drop, so a later finger
// whose position the kernel does not resend starts in the right place.
func (d *decoder) resync() { d.load() }

// load reads the kernel's current state into the slots: tracking ids and
// positions, the current slot (multitouch), or BTN_TOUCH and ABS_X/ABS_Y
// (single touch). It reports whether the tracking ids were read; on an
// error the rest stays as it was.
func (d *decoder) load() bool {
	if d.sync == nil {
		return false
	}
	if !d.mt {
		s := &d.slots[0]
		keys, err := d.sync.Keys()
		if err != nil {
			return false
		}
		s.id = -1
		if keys.Has(evdev.BtnTouch) {
			s.id = 0
		}
		if a, err := d.sync.AbsInfo(evdev.AbsX); err == nil {
			s.x = a.Value
		}
		if a, err := d.sync.AbsInfo(evdev.AbsY); err == nil {
			s.y = a.Value
		}
		return true
	}
	for k, q := range []struct {
		code int
		set  func(s *slot, v int32)
	}{
		{evdev.AbsMtTrackingID, func(s *slot, v int32) { s.id = max(v, -1) }},
		{evdev.AbsMtPositionX, func(s *slot, v int32) { s.x = v }},
		{evdev.AbsMtPositionY, func(s *slot, v int32) { s.y = v }},
	} {
		if err := d.sync.MTSlots(q.code, d.vals); err != nil {
			return k > 0
		}
		for i := range d.slots {
			q.set(&d.slots[i], d.vals[i])
		}
	}
	if a, err := d.sync.AbsInfo(evdev.AbsMtSlot); err == nil {
		d.cur = -1
		if int(a.Value) >= 0 && int(a.Value) < len(d.slots) {
			d.cur = int(a.Value)
		}
	}
	return true
}

// cancel reports Cancel for every active finger (device removal).
func (d *decoder) cancel() []Touch {
	return d.cancelAll()
}
