package daemon

import (
	"image"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// Display is the Touch Bar panel (drm.Display; a fake in tests).
type Display interface {
	Size() (length, barHeight int)
	Present(*render.Frame) error
	Close() error
}

// Keyboard is the virtual keyboard the keys go to (uinput.Keyboard).
type Keyboard interface {
	Press(codes []uint16) error
	Release(codes []uint16) error
}

// Scene is everything a frame shows besides the layout.
type Scene struct {
	Layer   int
	Pressed func(layer, button int) bool
	Now     time.Time
	Battery battery.State
	Shift   image.Point
	Banner  string
}

// Painter draws a layout (render.Renderer behind an adapter).
type Painter interface {
	// DrawAll draws the whole bar.
	DrawAll(*Scene) *render.Frame
	// DrawButtons redraws the given buttons of s.Layer only.
	DrawButtons(s *Scene, buttons ...int) *render.Frame
	// Dynamic lists the buttons of layer that change by themselves (clock,
	// battery).
	Dynamic(layer int) []int
	// Resolution is how often layer's clocks change (time.Second,
	// time.Minute) or 0 without a clock.
	Resolution(layer int) time.Duration
	// Battery reports whether layer shows the battery.
	Battery(layer int) bool
}

// NewPainterFunc makes the painter for a layout.
type NewPainterFunc func(lay *layouts.Layout, showOutlines bool, fontTemplate string) (Painter, error)

// Ref names one button of one layer.
type Ref struct{ Layer, Button int }

// TouchPhase is what happened to a finger.
type TouchPhase int

const (
	TouchDown TouchPhase = iota
	TouchMove
	TouchUp
	TouchCancel
)

// Touch is one finger's report; X and Y are fractions 0..1 of the bar's
// length and height, landscape.
type Touch struct {
	Slot  int
	Phase TouchPhase
	X, Y  float64
}

// View is what the touch tracker needs to know about the screen.
type View struct {
	Layout *layouts.Layout
	Shown  int
	Shift  image.Point
	Asleep bool // a touch only wakes the bar: no key is sent
}

// Tracker turns touches into key presses (input.Tracker).
type Tracker interface {
	// Handle applies touches and returns the buttons whose pressed state
	// changed.
	Handle(touches []Touch, v View) []Ref
	// ReleaseAll lifts every held key.
	ReleaseAll()
	Pressed(layer, button int) bool
}

// InputKind says what an InputEvent reports.
type InputKind int

const (
	InputTouches InputKind = iota
	InputFn
	InputLid
	InputActivity
	InputDigitizerAdded
	InputDigitizerGone
	InputKeyboardGone
)

// InputEvent comes from the input devices.
type InputEvent struct {
	Kind    InputKind
	Touches []Touch
	Down    bool // Fn pressed; lid closed
	Time    time.Time
	Device  string
}

// Light is the Touch Bar backlight (backlight.Light).
type Light interface {
	Set(v int) (bool, error)
	Max() int
}

// Meter is the main display backlight (backlight.Meter).
type Meter interface {
	Read() (int, error)
	Max() int
}
