package config

import "fmt"

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
	MediaLayerDefault  bool
	ShowButtonOutlines bool
	EnablePixelShift   bool
	FontTemplate       string
	// FontTemplatePos is where FontTemplate was set (zero: the built-in
	// default), so a warning about the font can point at the line.
	FontTemplatePos         Pos
	AdaptiveBrightness      bool
	ActiveBrightness        int // 0–255
	DoublePressSwitchLayers int // milliseconds; 0 = off
	PrimaryLayerKeys        []Button
	MediaLayerKeys          []Button
}

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
	Pos                   Pos // where the button's table starts
}

// Place gives pos to the diagnostics that have no place of their own: the
// renderer's warnings about the font do not know where FontTemplate was
// set (Config.FontTemplatePos).
func Place(diags []Diagnostic, pos Pos) {
	for i := range diags {
		if diags[i].Pos == (Pos{}) {
			diags[i].Pos = pos
		}
	}
}
