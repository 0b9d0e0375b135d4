package layouts

import (
	"tiny-dfr/internal/clock"
	"tiny-dfr/internal/config"
)

// Face is what a button shows. The renderer switches on the concrete type;
// new kinds of buttons (command output, sliders) add types here.
type Face interface{ face() }

// SpacerFace draws nothing and is never hit.
type SpacerFace struct{}

// TextFace is a centred white label.
type TextFace struct{ Label string }

// IconFace is an icon looked up by name (and XDG theme when Theme is set),
// drawn in a Width×Height box.
type IconFace struct {
	Name, Theme   string
	Width, Height int
}

// ClockFace shows the time in a strftime format (chrono dialect; "24hr" and
// "12hr" are already expanded) with Locale's day and month names.
type ClockFace struct {
	Format, Locale string
}

// BatteryMode says how a BatteryFace shows the charge.
type BatteryMode string

const (
	BatteryPercentage BatteryMode = "percentage"
	BatteryIcon       BatteryMode = "icon"
	BatteryBoth       BatteryMode = "both"
)

// BatteryFace shows the battery charge.
type BatteryFace struct{ Mode BatteryMode }

// SliderFace is a slider: the kind's icon (or Icon when set) in an
// IconSize box at the left and a level bar filling the rest. The level is
// not part of the layout: the renderer asks for it at draw time
// (render.State.Level), and a slider without one is drawn dimmed (inert).
type SliderFace struct {
	Kind     string // config.SliderBrightness, …
	Icon     string
	IconSize int
}

// CloseFace is the × that closes a group.
type CloseFace struct{}

func (SliderFace) face()  {}
func (CloseFace) face()   {}
func (SpacerFace) face()  {}
func (TextFace) face()    {}
func (IconFace) face()    {}
func (ClockFace) face()   {}
func (BatteryFace) face() {}

// Action is what a button does while pressed. New kinds (commands, sliders,
// groups) add types here.
type Action interface{ action() }

// KeyAction holds a chord: pressed in order on touch, released in the same
// order on lift. No codes: the button does nothing.
type KeyAction struct{ Codes []uint16 }

// LayerAction shows layer Layer (an index of Layout.Layers); the same
// button again, or Fn, returns to the base layer.
type LayerAction struct{ Layer int }

// GroupAction opens layer Layer as a group on top of what is shown.
type GroupAction struct{ Layer int }

// CloseAction closes the group on top (the × of a group layer).
type CloseAction struct{}

// SliderAction makes the button a slider of Kind: a touch is captured by
// it until lift and sets the level from its position (Button.SliderLevel).
type SliderAction struct{ Kind string }

func (KeyAction) action()    {}
func (LayerAction) action()  {}
func (GroupAction) action()  {}
func (CloseAction) action()  {}
func (SliderAction) action() {}

// Default icon box.
const DefaultIconSize = 48

// FromConfig turns a config entry into a button (without geometry), applying
// the precedence Text > Icon > Time > Battery; none of them is a spacer.
// Layer and Group names are not resolved here (Build does that: they need
// the layout's names); such a button gets no Action.
func FromConfig(cb config.Button) Button {
	b := Button{Stretch: cb.Stretch, Pos: cb.Pos, Action: KeyAction{Codes: cb.Codes},
		Color: cb.Color, ColorActive: cb.ColorActive, TextColor: cb.TextColor, FitText: cb.FitText}
	if cb.Layer != "" || cb.Group != "" {
		b.Action = KeyAction{}
	}
	if sessionButton(cb, &b) {
		return b
	}
	if cb.Command != "" {
		b.Action = CommandAction{Command: cb.Command}
	}
	switch {
	case cb.Slider != "":
		f := SliderFace{Kind: cb.Slider, Icon: cb.Icon, IconSize: DefaultIconSize}
		if f.Icon == "" {
			f.Icon = SliderIcon(cb.Slider)
		}
		b.Face, b.Action = f, SliderAction{Kind: cb.Slider}
	case cb.Text != "":
		b.Face = TextFace{Label: cb.Text}
	case cb.Icon != "":
		f := IconFace{Name: cb.Icon, Theme: cb.Theme, Width: cb.IconWidth, Height: cb.IconHeight}
		if f.Width <= 0 {
			f.Width = DefaultIconSize
		}
		if f.Height <= 0 {
			f.Height = DefaultIconSize
		}
		b.Face = f
	case cb.Time != "":
		f := ClockFace{Format: cb.Time, Locale: cb.Locale}
		switch cb.Time {
		case "24hr":
			f.Format = clock.Format24hr
		case "12hr":
			f.Format = clock.Format12hr
		}
		b.Face = f
	case cb.Battery != "":
		b.Face = BatteryFace{Mode: BatteryMode(cb.Battery)}
	default:
		b.Face = SpacerFace{}
		if cb.Command == "" {
			b.Action = KeyAction{}
		} else {
			b.Face = TextFace{Label: "▶"} // a command button with neither Text nor Icon
		}
	}
	return b
}

// SliderIcon is the icon a slider of kind shows by default.
func SliderIcon(kind string) string {
	switch kind {
	case config.SliderBrightness:
		return "brightness_high"
	case config.SliderKeyboard:
		return "backlight_high"
	case config.SliderTouchBar:
		return "brightness_low"
	case config.SliderVolume:
		return "volume_up"
	}
	return ""
}
