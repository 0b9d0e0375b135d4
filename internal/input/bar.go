package input

import (
	"sync"
	"time"
)

// Alarm is the Bar's frame timer (alarm.Alarm in the daemon: stopping it
// costs no wake-up). Reset and Stop are called from any goroutine.
type Alarm interface {
	Reset(d time.Duration)
	Stop()
}

// BarOptions configure a Bar.
type BarOptions struct {
	// Now is the clock of the activity times; nil: time.Now.
	Now func() time.Time
	// Alarm is armed Frame after a touch changes the pressed look (the
	// loop draws when it fires); nil or Frame 0: the loop is woken at once.
	Alarm Alarm
	Frame time.Duration
	// WakeGap: a touch wakes the loop when this much time has passed since
	// the last touch that did (the loop follows activity and re-reads the
	// display brightness at that pace). Zero: only when it must.
	WakeGap time.Duration
}

// Bar is the daemon's touch path: the Tracker and the View it applies,
// behind one mutex, shared by the digitizer readers and the loop.
//
// A reader calls Touch on its own goroutine, in the wake-up of its read:
// the keys go out before any other goroutine runs. The loop owns
// everything else and hears of touches only when it has something to do
// (Wake): a layer, group or × button was touched (at once: TakeActions),
// the pressed look or a slider's level changed (at once with Frame 0, else the Alarm
// fires a Frame later; a look that changes back before then, a tap within
// a frame, disarms it and wakes nobody), the loop asked to hear of every
// touch (SetView eager: the bar is dark or dimmed), a keyboard error, or
// WakeGap passed. It learns the time of the last touch from LastTouch and
// what is pressed from Looks.
//
// The Tracker's no-stuck-key rules hold unchanged: every call to it is
// made under the mutex, in the order the calls took it.
type Bar struct {
	mu    sync.Mutex
	t     *Tracker
	v     View
	eager bool
	opt   BarOptions
	armed bool
	seen  []Ref // pressed buttons as the loop last took them (Looks)
	cur   []Ref // scratch: pressed buttons now
	last  time.Time
	woke  time.Time
	shut  bool // Close: touches do nothing
	wake  chan struct{}
}

// NewBar makes the touch path around t.
func NewBar(t *Tracker, opt BarOptions) *Bar {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Bar{t: t, opt: opt, seen: make([]Ref, 0, 16), cur: make([]Ref, 0, 16), wake: make(chan struct{}, 1)}
}

// Wake is ready when the loop should call LastTouch, Looks and Err.
func (b *Bar) Wake() <-chan struct{} { return b.wake }

// Touch applies one frame of touch changes: keys are pressed and released
// now, on the caller's goroutine. It allocates nothing.
func (b *Bar) Touch(ts []Touch) { b.TouchAt(ts, b.opt.Now()) }

// TouchAt is Touch at a given time (the loop's clock).
func (b *Bar) TouchAt(ts []Touch, now time.Time) {
	b.mu.Lock()
	if b.shut {
		b.mu.Unlock()
		return
	}
	b.t.now = now
	acts := b.t.nacts + b.t.dropped
	b.t.Handle(ts, b.v)
	b.last = now
	wake := b.eager || b.t.err != nil || b.t.nacts+b.t.dropped != acts ||
		(b.opt.WakeGap > 0 && (now.Sub(b.woke) >= b.opt.WakeGap || now.Before(b.woke)))
	// A slider's new level is drawn like a new look: within a frame, at
	// most one backend write and one draw per frame.
	if b.lookChanged() || b.t.nlevels > 0 {
		if b.opt.Alarm == nil || b.opt.Frame <= 0 {
			wake = true
		} else if !b.armed {
			b.opt.Alarm.Reset(b.opt.Frame)
			b.armed = true
		}
	} else if b.armed {
		b.opt.Alarm.Stop()
		b.armed = false
	}
	if wake {
		b.woke = now
	}
	b.mu.Unlock()
	if wake {
		b.poke()
	}
}

func (b *Bar) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// lookChanged tells whether the buttons pressed now differ from those the
// loop last took. Caller holds mu.
func (b *Bar) lookChanged() bool {
	b.cur = b.t.appendPressed(b.cur[:0])
	if len(b.cur) != len(b.seen) {
		return true
	}
	for _, r := range b.cur {
		if !containsRef(b.seen, r) {
			return true
		}
	}
	return false
}

func containsRef(rs []Ref, r Ref) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// SetView sets what the touches are applied to (a new layout or base layer
// releases every key at once: Tracker.Handle) and whether every touch
// wakes the loop (eager: the bar is dark or dimmed and a touch must light
// it). It returns the time of the last touch (zero: none yet), read in the
// same step: a touch after it sees the new eager.
func (b *Bar) SetView(v View, eager bool) (last time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shut {
		return b.last
	}
	if v != b.v {
		b.t.Handle(nil, v)
		b.v = v
	}
	b.eager = eager
	return b.last
}

// LastTouch is the time of the last touch frame (zero: none yet).
func (b *Bar) LastTouch() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// Looks appends the buttons pressed now to dst and records them as seen by
// the loop: a later touch arms the alarm only if it changes them again.
func (b *Bar) Looks(dst []Ref) []Ref {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seen = b.t.appendPressed(b.seen[:0])
	if b.armed {
		b.opt.Alarm.Stop()
		b.armed = false
	}
	return append(dst, b.seen...)
}

// TakeActions appends the layer, group and × touches queued since the
// last call to dst (oldest first) and empties the queue; a queued touch
// wakes the loop at once. It allocates nothing when dst has room for
// MaxActs.
func (b *Bar) TakeActions(dst []Act) []Act {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.t.TakeActions(dst)
}

// TakeLevels appends the slider levels set since the last call to dst and
// forgets them. Call it after Looks (a level set between the two arms the
// alarm again: it is taken now, and the alarm finds nothing to do). It
// allocates nothing when dst has room for MaxLevels.
func (b *Bar) TakeLevels(dst []Level) []Level {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.t.TakeLevels(dst)
}

// Dropped is the number of layer, group and × touches dropped because the
// loop had not taken the queue (Tracker.Dropped).
func (b *Bar) Dropped() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.t.Dropped()
}

// ReleaseAll forgets every finger and releases every key (stop, crash,
// digitizer gone).
func (b *Bar) ReleaseAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.t.ReleaseAll()
}

// Close releases every key for good: later touches do nothing (the
// readers may outlive the loop by a moment).
func (b *Bar) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.t.ReleaseAll()
	b.shut = true
	if b.armed {
		b.opt.Alarm.Stop()
		b.armed = false
	}
}

// Err is the Tracker's last keyboard error, cleared (Tracker.Err).
func (b *Bar) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.t.Err()
}

// Held is the number of key codes held down by fingers (tests).
func (b *Bar) Held() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.t.Held()
}
