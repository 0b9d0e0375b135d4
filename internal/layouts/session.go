package layouts

import (
	"time"

	"tiny-dfr/internal/config"
)

// WidgetFace shows the output of a command the session companion runs
// every Interval (Media: what is playing, from the companion's MPRIS
// watch). Its text is not part of the layout: the renderer asks for it at
// draw time (render.State.Widget); without a companion it is drawn
// dimmed. ID is the widget's id in the session protocol: unique in the
// layout (WidgetID(layer, button)).
type WidgetFace struct {
	ID       uint32
	Command  string
	Interval time.Duration
	Media    bool
	// Placeholder is shown before the first output (the button's Text).
	Placeholder string
	// Theme is the XDG icon theme of the icons the output names (the
	// button's Theme).
	Theme string
}

// CommandAction runs Command through the session companion when the
// touch lifts inside the button; without a companion it does nothing.
type CommandAction struct{ Command string }

// MediaAction toggles play/pause of what is playing (through the
// companion).
type MediaAction struct{}

func (WidgetFace) face()      {}
func (CommandAction) action() {}
func (MediaAction) action()   {}

// WidgetID is the protocol id of the widget at button of layer.
func WidgetID(layer, button int) uint32 { return uint32(layer)<<16 | uint32(button)&0xffff }

// sessionButton makes cb a command button or a widget; false: it is
// neither.
func sessionButton(cb config.Button, b *Button) bool {
	switch {
	case cb.Media:
		b.Face = WidgetFace{Media: true, Placeholder: cb.Text, Theme: cb.Theme}
		b.Action = MediaAction{}
	case cb.Command != "" && cb.Interval > 0:
		b.Face = WidgetFace{Command: cb.Command, Interval: cb.Interval, Placeholder: cb.Text, Theme: cb.Theme}
		b.Action = KeyAction{}
		if cb.OnTap != "" {
			b.Action = CommandAction{Command: cb.OnTap}
		}
	default:
		return false
	}
	return true
}

// Widgets lists the layout's widgets (their faces carry their ids).
func (l *Layout) Widgets() []WidgetFace {
	var out []WidgetFace
	for li := range l.Layers {
		for _, b := range l.Layers[li].Buttons {
			if f, ok := b.Face.(WidgetFace); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// NeedsSession reports whether button b needs the session companion (a
// command button or a widget): without one it is drawn dimmed and inert.
func NeedsSession(b *Button) bool {
	switch b.Action.(type) {
	case CommandAction, MediaAction:
		return true
	}
	_, ok := b.Face.(WidgetFace)
	return ok
}
