package config

// Kind says which rule a Diagnostic is about.
type Kind int

const (
	KindIO            Kind = iota + 1 // the file could not be read
	KindSyntax                        // not TOML (1.0)
	KindType                          // a value of the wrong type
	KindUnknownKey                    // a key tiny-dfr does not know (warning)
	KindUnknownAction                 // an Action name not in the key list
	KindRange                         // a number out of its range
	KindEmptyLayer                    // a layer with no buttons
	KindBattery                       // a Battery mode other than percentage/icon/both
	KindTime                          // a Time format that does not parse
	KindLocale                        // a Locale without day/month names (warning)
	KindStretchZero                   // Stretch = 0, read as 1 (warning)
	KindDeprecated                    // an old spelling that still works (warning)
	KindLimit                         // over one of tiny-dfr's size limits (limits.go)
	KindLayerName                     // a Layer or Group naming no layer; a bad or duplicate layer Name
	KindGroupCycle                    // a group that opens itself, directly or through others
	KindSlider                        // an unknown Slider kind
	KindColor                         // a colour that is not #rgb, #rgba, #rrggbb or #rrggbbaa
	KindConflict                      // fields that exclude each other on one button (Slider with Action…)
	KindBurnIn                        // OffTimeout = 0 (warning)
	KindCommand                       // Command, Interval, OnTap that do not fit together
	KindInterval                      // an Interval below the floor, read as 0.5 s (warning)
	KindAppLayer                      // an app id that is empty, too long or listed twice
	KindFit                           // a FitText other than clip/shrink; a label wider than its button (warning, from render)
)

func (k Kind) String() string {
	switch k {
	case KindIO:
		return "io"
	case KindSyntax:
		return "syntax"
	case KindType:
		return "type"
	case KindUnknownKey:
		return "unknown-key"
	case KindUnknownAction:
		return "unknown-action"
	case KindRange:
		return "range"
	case KindEmptyLayer:
		return "empty-layer"
	case KindBattery:
		return "battery"
	case KindTime:
		return "time"
	case KindLocale:
		return "locale"
	case KindStretchZero:
		return "stretch-zero"
	case KindDeprecated:
		return "deprecated"
	case KindLimit:
		return "limit"
	case KindLayerName:
		return "layer-name"
	case KindGroupCycle:
		return "group-cycle"
	case KindSlider:
		return "slider"
	case KindColor:
		return "color"
	case KindConflict:
		return "conflict"
	case KindBurnIn:
		return "burn-in"
	case KindCommand:
		return "command"
	case KindInterval:
		return "interval"
	case KindAppLayer:
		return "app-layer"
	case KindFit:
		return "fit"
	}
	return "unknown"
}
