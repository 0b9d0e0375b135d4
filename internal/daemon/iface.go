package daemon

import (
	"image"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
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
	// Level gives a slider's level (0–1) and whether its backend is live
	// (render.State.Level); nil: sliders are drawn dimmed.
	Level func(layer, button int) (level float64, live bool)
	// Session tells that the session companion is served (command buttons
	// and widgets live; render.State.Session); Widget gives what a
	// widget shows now (render.State.Widget).
	Session bool
	Widget  func(layer, button int) render.WidgetLook
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

// NewPainterFunc makes the painter for a layout. Diagnostics (a missing
// icon, an unknown font) are logged; the painter draws placeholders.
type NewPainterFunc func(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic)

// Look is what a painter takes from the config besides the layout.
type Look struct {
	ShowOutlines bool
	FontTemplate string
	FontPos      config.Pos // where FontTemplate is set, for the font's warnings
}

// lookOf takes the look from a config.
func lookOf(cfg *config.Config) Look {
	return Look{ShowOutlines: cfg.ShowButtonOutlines, FontTemplate: cfg.FontTemplate, FontPos: cfg.FontTemplatePos}
}

// Light is the Touch Bar backlight (backlight.Light).
type Light interface {
	Set(v int) (bool, error)
	Max() int
	Dir() string // its sysfs directory, named as the device
	Close() error
}

// Meter is the main display backlight (backlight.Meter).
type Meter interface {
	Read() (int, error)
	Max() int
	Dir() string
	Close() error
}
