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
	// Base is the base layer (BaseLayer(&switcher)). A change is a layer
	// swap (double Fn press): every key is released. A layer or group
	// button changes Shown, not Base: fingers keep their buttons, as
	// under a held Fn.
	// Left zero, swaps release nothing. Call Handle(nil, v) after each Fn
	// event so that a swap (or a reload) releases at once, not at the next
	// touch.
	Base int
}

// BaseLayer is the layer s shows with Fn released and no layer or group
// button's layer over it (Switcher.Base): it changes only when a double
// press swaps the layers (or on Reset).
func BaseLayer(s *layouts.Switcher) int { return s.Base() }

// Act is a touch of a layer, group or × button (LayerAction,
// GroupAction, CloseAction), taken by the loop (Bar.TakeActions), which
// applies it to its Switcher, or a lift inside a command button
// (CommandAction), which the loop hands to the session companion.
type Act struct {
	Ref    Ref
	Action layouts.Action
	At     time.Time // the touch frame's time (Bar); zero from Tracker.Handle alone
}

// Level is a slider's level set by a captured finger (0–1), not yet taken
// by the loop (Bar.TakeLevels).
type Level struct {
	Ref   Ref
	Level float64
}

// Queue bounds: MaxActs actions wait for the loop (the oldest is dropped
// beyond), MaxLevels sliders with a pending level (one per finger).
const (
	MaxActs   = 8
	MaxLevels = 16
)

// touch is a finger that started on a button. Fingers that started
// anywhere else (a gap, a spacer, the dark bar) are not tracked: they do
// nothing until they lift.
type touch struct {
	slot    int
	ref     Ref
	pressed bool // inside its button: the button looks pressed
	keys    bool // its button's codes are counted in held
	slider  bool // captured by a slider: stays pressed, moves set its level
}

type pressCount struct {
	ref Ref
	n   int
}

// Tracker applies the touch rules: a finger pressing a button holds its
// keys while it stays on it; each finger is independent; a finger keeps the
// (layer, button) it started on even when Fn, a layer or a group button
// changes the shown layer.
//
// A finger landing on a layer, group or × button queues an Act (on press,
// like a key; its lift does nothing on the layer shown then). A finger
// lifting inside a command button (CommandAction) queues an Act on its
// lift; one that slid off, was cancelled or outlived a reload queues
// nothing. Command buttons hold no key. A finger
// landing on a slider is captured until it lifts: it keeps the slider
// pressed wherever it moves (no neighbour is pressed) and each move sets
// the slider's pending Level.
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

	now     time.Time // the time queued Acts get (Bar sets it)
	acts    [MaxActs]Act
	nacts   int
	dropped int // Acts dropped from a full queue
	levels  [MaxLevels]Level
	nlevels int
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
		if v.Layout != t.layout { // queued refs name the old layout's buttons
			t.nacts, t.nlevels = 0, 0
		}
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
			ref := Ref{v.Shown, b}
			btn := v.Layout.Button(ref.Layer, ref.Button)
			_, slider := btn.Action.(layouts.SliderAction)
			t.touches = append(t.touches, touch{slot: tc.Slot, ref: ref, slider: slider})
			t.setPressed(len(t.touches)-1, true)
			switch btn.Action.(type) {
			case layouts.LayerAction, layouts.GroupAction, layouts.CloseAction:
				t.queue(Act{Ref: ref, Action: btn.Action, At: t.now})
			case layouts.SliderAction:
				t.setLevel(ref, btn.SliderLevel(x))
			}
		case Move:
			if i < 0 {
				continue
			}
			x, y := t.px(tc, v)
			r := t.touches[i].ref
			if t.touches[i].slider {
				if btn := v.Layout.Button(r.Layer, r.Button); btn != nil {
					t.setLevel(r, btn.SliderLevel(x))
				}
				continue
			}
			t.setPressed(i, v.Layout.Hit(r.Layer, x, y) == r.Button)
		case Up:
			if i < 0 {
				continue
			}
			// A command button runs when the finger lifts inside it
			// (pressed look still on): a slide-off or Cancel runs nothing.
			if tc := t.touches[i]; tc.pressed {
				if btn := v.Layout.Button(tc.ref.Layer, tc.ref.Button); btn != nil {
					switch btn.Action.(type) {
					case layouts.CommandAction, layouts.MediaAction:
						t.queue(Act{Ref: tc.ref, Action: btn.Action, At: t.now})
					}
				}
			}
			t.lift(i)
		case Cancel:
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

// queue adds an Act, dropping the oldest when full.
func (t *Tracker) queue(a Act) {
	if t.nacts == len(t.acts) {
		copy(t.acts[:], t.acts[1:])
		t.nacts--
		t.dropped++
	}
	t.acts[t.nacts] = a
	t.nacts++
}

// setLevel records slider r's pending level (the last one of a frame wins).
func (t *Tracker) setLevel(r Ref, x float64) {
	for i := range t.levels[:t.nlevels] {
		if t.levels[i].Ref == r {
			t.levels[i].Level = x
			return
		}
	}
	if t.nlevels == len(t.levels) { // more sliders than fingers: cannot happen
		t.nlevels--
		t.dropped++
	}
	t.levels[t.nlevels] = Level{Ref: r, Level: x}
	t.nlevels++
}

// TakeActions appends the queued Acts to dst, oldest first, and empties
// the queue. It allocates nothing when dst has room for MaxActs.
func (t *Tracker) TakeActions(dst []Act) []Act {
	dst = append(dst, t.acts[:t.nacts]...)
	clear(t.acts[:t.nacts]) // no Action kept alive
	t.nacts = 0
	return dst
}

// TakeLevels appends the pending slider levels to dst and forgets them.
// It allocates nothing when dst has room for MaxLevels.
func (t *Tracker) TakeLevels(dst []Level) []Level {
	dst = append(dst, t.levels[:t.nlevels]...)
	t.nlevels = 0
	return dst
}

// Dropped is the number of Acts (and levels) dropped from full queues.
func (t *Tracker) Dropped() int { return t.dropped }

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
