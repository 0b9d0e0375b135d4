package input

import (
	"image"
	"time"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/layouts"
)

// Keyboard is where the Tracker sends keys (uinput.Keyboard in the daemon).
type Keyboard interface {
	Press(codes []uint16) error
	Release(codes []uint16) error
}

// Ref names a button: its layer and index in that layer.
type Ref struct{ Layer, Button int }

// View is what the Tracker needs to know about the bar for one call.
type View struct {
	Layout *layouts.Layout // a new pointer is a reload: every key is released
	Shown  int             // layer on screen (Switcher.Shown())
	Shift  image.Point     // pixel shift: subtracted from touch px before hit testing
	Asleep bool            // bar dark: a touch that starts now is swallowed until it lifts
	// Base is the layer shown with Fn released (BaseLayer(&switcher)). A
	// change is a layer swap (double Fn press): every key is released.
	// Left zero, swaps release nothing. Call Handle(nil, v) after each Fn
	// event so that a swap (or a reload) releases at once, not at the next
	// touch.
	Base int
}

// BaseLayer is the layer s shows once Fn is released: it changes only when
// a double press swaps the layers (or on Reset).
func BaseLayer(s *layouts.Switcher) int {
	c := *s
	c.Fn(false, time.Time{})
	return c.Shown()
}

// touch is a finger that started on a button. Fingers that started
// anywhere else (a gap, a spacer, the dark bar) are not tracked: they do
// nothing until they lift.
type touch struct {
	slot    int
	ref     Ref
	pressed bool // inside its button: the button looks pressed
	keys    bool // its button's codes are counted in held
}

type pressCount struct {
	ref Ref
	n   int
}

// Tracker applies the touch rules: a finger pressing a button holds its
// keys while it stays on it; each finger is independent; a finger keeps the
// (layer, button) it started on even when Fn changes the shown layer.
// Keys are counted per code, so two fingers on buttons sharing a code send
// one key down and one key up. It is not safe for concurrent use.
//
// Keyboard errors: a key is never left down behind our back. A failed
// Press is followed at once by a Release of the same codes (the kernel
// ignores a release of a key that is not down), and the finger holds no
// keys. A failed Release leaves its codes pending: every later Handle or
// ReleaseAll sends them again until a Release succeeds (a new press of a
// pending code takes it over). Held counts only keys held by fingers,
// Pending the releases still to resend. The last error is kept for Err.
type Tracker struct {
	kb      Keyboard
	layout  *layouts.Layout
	base    int
	touches []touch
	buttons []pressCount        // buttons with n > 0 pressing fingers
	held    [evdev.KeyCnt]int32 // fingers × repeats in their chords: never wraps
	nheld   int
	pending [evdev.KeyCnt]bool // release failed: send again
	npend   int
	changed []Ref
	codes   []uint16
	err     error
}

// NewTracker returns a Tracker sending keys to kb.
func NewTracker(kb Keyboard) *Tracker {
	return &Tracker{kb: kb, touches: make([]touch, 0, 16), buttons: make([]pressCount, 0, 16),
		changed: make([]Ref, 0, 16), codes: make([]uint16, 0, 16)}
}

// Handle applies one frame of touch changes seen on v and returns the
// buttons whose pressed look changed. The slice is valid until the next
// call.
func (t *Tracker) Handle(ts []Touch, v View) []Ref {
	t.changed = t.changed[:0]
	t.retry()
	if v.Layout != t.layout || v.Base != t.base {
		t.releaseAll()
		t.layout, t.base = v.Layout, v.Base
	}
	if v.Layout == nil {
		return t.changed
	}
	for _, tc := range ts {
		i := t.find(tc.Slot)
		switch tc.Phase {
		case Down:
			if i >= 0 { // a Down without Up: end the old finger first
				t.lift(i)
			}
			if v.Asleep {
				continue
			}
			x, y := t.px(tc, v)
			b := v.Layout.Hit(v.Shown, x, y)
			if b < 0 {
				continue
			}
			t.touches = append(t.touches, touch{slot: tc.Slot, ref: Ref{v.Shown, b}})
			t.setPressed(len(t.touches)-1, true)
		case Move:
			if i < 0 {
				continue
			}
			x, y := t.px(tc, v)
			r := t.touches[i].ref
			t.setPressed(i, v.Layout.Hit(r.Layer, x, y) == r.Button)
		case Up, Cancel:
			if i >= 0 {
				t.lift(i)
			}
		}
	}
	return t.changed
}

// ReleaseAll forgets every finger and releases every key, as on stop. It
// returns the buttons whose look changed; valid until the next call.
func (t *Tracker) ReleaseAll() []Ref {
	t.changed = t.changed[:0]
	t.retry()
	t.releaseAll()
	return t.changed
}

// Pressed reports whether a finger presses button (layer, button).
func (t *Tracker) Pressed(layer, button int) bool {
	return t.count(Ref{layer, button}) >= 0
}

// appendPressed appends the buttons that look pressed now.
func (t *Tracker) appendPressed(dst []Ref) []Ref {
	for _, b := range t.buttons {
		dst = append(dst, b.ref)
	}
	return dst
}

// Held is the number of key codes held down by fingers.
func (t *Tracker) Held() int { return t.nheld }

// Pending is the number of key codes whose release failed and is resent
// by the next Handle or ReleaseAll.
func (t *Tracker) Pending() int { return t.npend }

// Err returns the last keyboard error since the previous call, and
// forgets it.
func (t *Tracker) Err() error {
	err := t.err
	t.err = nil
	return err
}

func (t *Tracker) releaseAll() {
	for i := len(t.touches) - 1; i >= 0; i-- {
		t.lift(i)
	}
}

func (t *Tracker) px(tc Touch, v View) (float64, float64) {
	return tc.X*float64(v.Layout.Length) - float64(v.Shift.X), tc.Y*float64(v.Layout.Height) - float64(v.Shift.Y)
}

func (t *Tracker) find(slot int) int {
	for i := range t.touches {
		if t.touches[i].slot == slot {
			return i
		}
	}
	return -1
}

// lift releases finger i and forgets it.
func (t *Tracker) lift(i int) {
	t.setPressed(i, false)
	t.touches = append(t.touches[:i], t.touches[i+1:]...)
}

// setPressed moves finger i onto (true) or off (false) its button.
func (t *Tracker) setPressed(i int, on bool) {
	tc := &t.touches[i]
	if tc.pressed == on {
		return
	}
	tc.pressed = on
	if on {
		t.look(tc.ref, +1)
		tc.keys = t.press(t.codesOf(tc.ref))
		return
	}
	t.look(tc.ref, -1)
	if tc.keys {
		tc.keys = false
		t.release(t.codesOf(tc.ref))
	}
}

// codesOf is the chord of a button of the current layout.
func (t *Tracker) codesOf(r Ref) []uint16 {
	if t.layout == nil {
		return nil
	}
	b := t.layout.Button(r.Layer, r.Button)
	if b == nil {
		return nil
	}
	if k, ok := b.Action.(layouts.KeyAction); ok {
		return k.Codes
	}
	return nil
}

func (t *Tracker) count(r Ref) int {
	for i := range t.buttons {
		if t.buttons[i].ref == r {
			return i
		}
	}
	return -1
}

// look counts a finger onto (d > 0) or off a button and records a change
// of look.
func (t *Tracker) look(r Ref, d int) {
	i := t.count(r)
	if d > 0 {
		if i >= 0 {
			t.buttons[i].n++
			return
		}
		t.buttons = append(t.buttons, pressCount{r, 1})
		t.mark(r)
		return
	}
	if i < 0 {
		return
	}
	if t.buttons[i].n--; t.buttons[i].n > 0 {
		return
	}
	t.buttons = append(t.buttons[:i], t.buttons[i+1:]...)
	t.mark(r)
}

func (t *Tracker) mark(r Ref) {
	for _, c := range t.changed {
		if c == r {
			return
		}
	}
	t.changed = append(t.changed, r)
}

// press counts codes down and sends those not yet held, in order. It
// reports whether the codes are now counted as held.
func (t *Tracker) press(codes []uint16) bool {
	t.codes = t.codes[:0]
	for _, c := range codes {
		if int(c) >= len(t.held) {
			continue
		}
		if t.held[c] == 0 {
			t.codes = append(t.codes, c)
			t.nheld++
			t.unpend(c)
		}
		t.held[c]++
	}
	if len(t.codes) == 0 {
		return true
	}
	if err := t.kb.Press(t.codes); err != nil {
		t.err = err
		if t.kb.Release(t.codes) != nil { // some may have gone through
			for _, c := range t.codes {
				t.pend(c)
			}
		}
		t.uncount(codes)
		return false
	}
	return true
}

// release counts codes up and sends those no longer held, in order.
func (t *Tracker) release(codes []uint16) {
	t.uncount(codes)
	if len(t.codes) == 0 {
		return
	}
	if err := t.kb.Release(t.codes); err != nil {
		t.err = err
		for _, c := range t.codes {
			t.pend(c)
		}
	}
}

func (t *Tracker) pend(c uint16) {
	if !t.pending[c] {
		t.pending[c] = true
		t.npend++
	}
}

func (t *Tracker) unpend(c uint16) {
	if t.pending[c] {
		t.pending[c] = false
		t.npend--
	}
}

// retry sends the pending releases again, in one call.
func (t *Tracker) retry() {
	if t.npend == 0 {
		return
	}
	t.codes = t.codes[:0]
	for c := range t.pending {
		if t.pending[c] {
			t.codes = append(t.codes, uint16(c))
		}
	}
	if err := t.kb.Release(t.codes); err != nil {
		t.err = err
		return
	}
	clear(t.pending[:])
	t.npend = 0
}

// uncount takes codes off held; t.codes gets those that reached zero.
func (t *Tracker) uncount(codes []uint16) {
	t.codes = t.codes[:0]
	for _, c := range codes {
		if int(c) >= len(t.held) || t.held[c] == 0 {
			continue
		}
		t.held[c]--
		if t.held[c] == 0 {
			t.codes = append(t.codes, c)
			t.nheld--
		}
	}
}
