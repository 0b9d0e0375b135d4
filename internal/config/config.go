package config

import (
	"fmt"
	"time"
)

// Pos is a place in a configuration file. Line and Col count from 1; a zero
// Line means the whole file.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	switch {
	case p.File == "":
		return "<config>"
	case p.Line == 0:
		return p.File
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// Severity tells whether a Diagnostic stops a file from being used.
type Severity int

const (
	Warning Severity = iota
	Error
)

// Diagnostic is one problem found in a configuration file.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Kind     Kind // what rule was broken; stable for tests and tools
	Msg      string
	Err      error // underlying error (I/O), if any
}

// Unwrap gives the underlying error, so errors.Is(d, fs.ErrNotExist) works.
func (d Diagnostic) Unwrap() error { return d.Err }

func (d Diagnostic) Error() string {
	if d.Severity == Warning {
		return fmt.Sprintf("%s: warning: %s", d.Pos, d.Msg)
	}
	return fmt.Sprintf("%s: %s", d.Pos, d.Msg)
}

// Config is a merged configuration, ready to lay out.
type Config struct {
	MediaLayerDefault       bool
	ShowButtonOutlines      bool
	EnablePixelShift        bool
	FontTemplate            string
	FontTemplatePos         Pos // where FontTemplate is set; zero for the default
	AdaptiveBrightness      bool
	ActiveBrightness        int // 0–255
	DoublePressSwitchLayers int // milliseconds; 0 = off
	PrimaryLayerKeys        []Button
	MediaLayerKeys          []Button

	// Layers are the [[Layer]] tables, in file order: the layers after
	// primary and media.
	Layers []NamedLayer
	// Style is the look of the bar ([Style]); zero fields keep today's.
	Style Style
	// GroupTimeout closes open groups after this many seconds without a
	// touch (0: they stay open); DimTimeout and OffTimeout are the idle
	// times before the bar dims and goes dark (0: never).
	GroupTimeout, DimTimeout, OffTimeout int
	// NoAutoEscape (AutoEscape = false) keeps the esc button out on bars
	// of 2170 px and more. The zero value keeps today's esc.
	NoAutoEscape bool

	// SessionUsers are the users whose session companion is served where
	// logind is absent (no /run/systemd/seats); nil: nobody.
	SessionUsers []string
	// AppLayers is the [AppLayers] table (App = "layer"), in file order;
	// AppRules merges it with the [[Layer]] tables' Apps.
	AppLayers []AppLayer
}

// Names of the two built-in layers.
const (
	PrimaryName = "primary"
	MediaName   = "media"
)

// NamedLayer is one [[Layer]] table.
type NamedLayer struct {
	Name    string
	NamePos Pos // where Name's value is written
	Keys    []Button
	Pos     Pos // where the table starts
	// Apps make this the base layer while one of them is focused (Layer
	// is empty in them; AppRules fills it).
	Apps []AppLayer
}

// Color is an RGBA colour as written (#rgb, #rgba, #rrggbb, #rrggbbaa),
// not premultiplied. Set is false when the colour is not given.
type Color struct {
	R, G, B, A uint8
	Set        bool
}

// Style is the [Style] table. Colours not Set and sizes of 0 mean the
// built-in look.
type Style struct {
	Background, ButtonColor, ButtonColorActive, TextColor Color
	FontSize, IconSize, CornerRadius                      int  // pixels; 0: default
	CornerRadiusSet                                       bool // CornerRadius written (0: square corners)
	ButtonSpacing                                         int  // pixels, when ButtonSpacingSet
	ButtonSpacingSet                                      bool
	FitText                                               string // FitClip or FitShrink; "": clip
}

// FitText values: what a label wider than its button does.
const (
	FitClip   = "clip"   // drawn centred, its ends cut off (the original's look)
	FitShrink = "shrink" // drawn smaller, down to a floor size; past it, cut with an ellipsis
)

// Slider kinds.
const (
	SliderBrightness = "brightness"
	SliderKeyboard   = "keyboard"
	SliderTouchBar   = "touchbar"
	SliderVolume     = "volume"
)

// Button is one entry of PrimaryLayerKeys or MediaLayerKeys as written.
// Which face it shows follows the precedence Text > Icon > Time > Battery;
// with none of them it is a spacer.
type Button struct {
	Text    string
	Icon    string // also read from the old field name Svg
	Theme   string
	Time    string // "24hr", "12hr" or a strftime format (chrono dialect)
	Locale  string
	Battery string // "percentage", "icon" or "both"
	Action  []string
	Codes   []uint16 // Action resolved to Linux key codes, same order
	Stretch int      // ≥ 1
	// IconWidth and IconHeight are the icon box in pixels (default 48×48).
	IconWidth, IconHeight int
	// IconWidthSet and IconHeightSet tell that IconWidth/IconHeight are
	// written ([Style] IconSize applies to the others).
	IconWidthSet, IconHeightSet bool
	Pos                         Pos // where the button's table starts

	// Layer switches to the named layer, Group opens it as a pop-up
	// group, Slider makes the button a slider of that kind (the names
	// are checked against the merged config by Validate).
	Layer, Group, Slider          string
	LayerPos, GroupPos, SliderPos Pos
	Color, ColorActive, TextColor Color

	// Command runs `sh -c Command` in the session companion: on tap, or
	// with Interval > 0 every Interval as a widget showing its output
	// (a widget's tap runs OnTap). Media makes the button the now-playing
	// widget. Interval is at least MinInterval when set.
	Command, OnTap                    string
	Interval                          time.Duration
	Media                             bool
	CommandPos, OnTapPos, IntervalPos Pos
	FitText                           string // FitClip, FitShrink; "": [Style]'s
}
