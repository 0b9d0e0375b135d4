package config

import (
	"fmt"
	"math"
	"strings"
)

// Limits of issue 12's keys.
const (
	maxLayers      = 32      // [[Layer]] tables in a file (each ≤ maxButtons keys)
	maxLayerName   = 64      // bytes of a layer's Name
	maxTimeout     = 1 << 20 // seconds (12 days): GroupTimeout, DimTimeout, OffTimeout
	maxFontSize    = 256     // pixels
	maxStyleLength = 512     // pixels: CornerRadius, ButtonSpacing
)

// namedLayers decodes the [[Layer]] tables.
func (d *decoder) namedLayers(name string, v *value) []NamedLayer {
	if v.kind != kArray {
		d.errorf(v.pos, KindType, "%s: expected [[Layer]] tables with Name and Keys, got %s %s", name, v.kind, shortRaw(v))
		return nil
	}
	if len(v.list) > maxLayers {
		d.errorf(v.list[maxLayers].pos, KindLimit, "%s: more than %d layers (tiny-dfr's limit)", name, maxLayers)
		return nil
	}
	out := make([]NamedLayer, 0, len(v.list))
	seen := map[string]bool{}
	for i, e := range v.list {
		lname := fmt.Sprintf("%s[%d]", name, i)
		if e.kind != kTable {
			d.errorf(e.pos, KindType, "%s: expected a table with Name and Keys, got %s %s", lname, e.kind, shortRaw(e))
			continue
		}
		l := NamedLayer{Pos: e.pos}
		t := e.table
		for _, k := range t.keys {
			f := t.get(k)
			field := lname + "." + k
			switch k {
			case "Name":
				if !d.strMax(field, f, &l.Name, maxLayerName) {
					continue
				}
				l.NamePos = f.pos
				switch {
				case l.Name == "":
					d.errorf(f.pos, KindLayerName, "%s: a layer needs a name", field)
				case l.Name == PrimaryName || l.Name == MediaName:
					d.errorf(f.pos, KindLayerName, "%s: %q is a built-in layer; set %s instead", field, l.Name,
						map[string]string{PrimaryName: keyPrimaryLayerKeys, MediaName: keyMediaLayerKeys}[l.Name])
				case seen[l.Name]:
					d.errorf(f.pos, KindLayerName, "%s: a second layer named %s", field, quoteShort(l.Name))
				}
				seen[l.Name] = true
			case "Keys":
				l.Keys = d.layer(field, f)
			case "Apps":
				l.Apps = d.appList(field, f)
			default:
				msg := fmt.Sprintf("%s: unknown layer field %s, ignored", lname, quoteShort(k))
				if s := suggest(k, []string{"Name", "Keys", "Apps"}); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				} else if k == "Buttons" {
					msg += " (did you mean \"Keys\"?)"
				}
				d.warnf(f.keyPos, KindUnknownKey, "%s", msg)
			}
		}
		if t.get("Name") == nil {
			d.errorf(e.pos, KindLayerName, "%s: a layer needs a Name", lname)
		}
		if t.get("Keys") == nil {
			d.errorf(e.pos, KindEmptyLayer, "%s: a layer needs Keys = [ … ] with at least one button", lname)
		}
		out = append(out, l)
	}
	return out
}

// timeout decodes a number of seconds ≥ 0.
func (d *decoder) timeout(name string, v *value, dst *int) bool {
	if v.kind == kInteger && v.i < 0 {
		d.errorf(v.pos, KindRange, "%s: %d is negative; want seconds ≥ 0 (0: never)", name, v.i)
		return false
	}
	return d.integer(name, v, 0, maxTimeout, dst)
}

// style decodes the [Style] table.
func (d *decoder) style(name string, v *value) Style {
	var s Style
	if v.kind != kTable {
		d.wrongType(name, v, kTable)
		return s
	}
	t := v.table
	for _, k := range t.keys {
		f := t.get(k)
		field := name + "." + k
		switch k {
		case "Background":
			s.Background, _ = d.color(field, f)
		case "ButtonColor":
			s.ButtonColor, _ = d.color(field, f)
		case "ButtonColorActive":
			s.ButtonColorActive, _ = d.color(field, f)
		case "TextColor":
			s.TextColor, _ = d.color(field, f)
		case "FontSize":
			d.size(field, f, 1, maxFontSize, &s.FontSize)
		case "IconSize":
			d.size(field, f, 1, maxIconSize, &s.IconSize)
		case "CornerRadius":
			s.CornerRadiusSet = d.size(field, f, 0, maxStyleLength, &s.CornerRadius)
		case "ButtonSpacing":
			s.ButtonSpacingSet = d.size(field, f, 0, maxStyleLength, &s.ButtonSpacing)
		case "FitText":
			d.fitText(field, f, &s.FitText)
		default:
			msg := fmt.Sprintf("%s: unknown style key %s, ignored", name, quoteShort(k))
			if eq, ok := forkStyle[k]; ok {
				msg += "; " + eq
			} else if s := suggest(k, styleKeys); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else if suggest(k, allTopLevelKeys()) == k {
				msg = fmt.Sprintf("%s is read as %s.%s because it follows the [%s] header: move [%s] after the top-level keys; ignored",
					k, name, k, name, name)
			}
			d.warnf(f.keyPos, KindUnknownKey, "%s", msg)
		}
	}
	return s
}

var styleKeys = []string{"Background", "ButtonColor", "ButtonColorActive", "TextColor",
	"FontSize", "IconSize", "CornerRadius", "ButtonSpacing", "FitText"}

// fitText decodes FitText: "clip" or "shrink".
func (d *decoder) fitText(name string, v *value, dst *string) {
	var s string
	if !d.strMax(name, v, &s, 16) {
		return
	}
	switch s {
	case FitClip, FitShrink:
		*dst = s
	default:
		d.errorf(v.pos, KindFit, "%s: %s; want \"clip\" or \"shrink\"", name, quoteShort(s))
	}
}

// size decodes a whole number of pixels (a float such as 32.0 is taken
// when it is whole) in [lo, hi].
func (d *decoder) size(name string, v *value, lo, hi int64, dst *int) bool {
	if v.kind == kFloat {
		if v.f != math.Trunc(v.f) || v.f < float64(lo) || v.f > float64(hi) {
			d.errorf(v.pos, KindRange, "%s: %s is not a whole number of pixels in %d–%d", name, string(v.raw), lo, hi)
			return false
		}
		*dst = int(v.f)
		return true
	}
	if v.kind == kInteger && v.i < lo && v.i < 0 {
		d.errorf(v.pos, KindRange, "%s: %d is negative", name, v.i)
		return false
	}
	return d.integer(name, v, lo, hi, dst)
}

// color decodes "#rgb", "#rgba", "#rrggbb" or "#rrggbbaa".
func (d *decoder) color(name string, v *value) (Color, bool) {
	if v.kind != kString {
		d.errorf(v.pos, KindColor, "%s: expected a colour such as \"#rrggbb\", got %s %s", name, v.kind, shortRaw(v))
		return Color{}, false
	}
	c, ok := ParseColor(v.str)
	if !ok {
		d.errorf(v.pos, KindColor, "%s: %s is not a colour; want \"#rgb\", \"#rgba\", \"#rrggbb\" or \"#rrggbbaa\"", name, quoteShort(v.str))
	}
	return c, ok
}

// ParseColor reads "#rgb", "#rgba", "#rrggbb" or "#rrggbbaa" (hex digits
// in either case).
func ParseColor(s string) (Color, bool) {
	if len(s) < 1 || s[0] != '#' {
		return Color{}, false
	}
	h := s[1:]
	var n [8]uint8
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return Color{}, false
		}
		if i >= len(n) {
			return Color{}, false
		}
		n[i] = c
	}
	c := Color{A: 0xff, Set: true}
	switch len(h) {
	case 3, 4:
		c.R, c.G, c.B = n[0]*17, n[1]*17, n[2]*17
		if len(h) == 4 {
			c.A = n[3] * 17
		}
	case 6, 8:
		c.R, c.G, c.B = n[0]<<4|n[1], n[2]<<4|n[3], n[4]<<4|n[5]
		if len(h) == 8 {
			c.A = n[6]<<4 | n[7]
		}
	default:
		return Color{}, false
	}
	return c, true
}

// Slider kinds' other spellings (jellynova's, Keloran's Options): read
// with a warning naming ours.
var sliderAliases = map[string]string{
	"keyboardbacklight":  SliderKeyboard,
	"keyboard_backlight": SliderKeyboard,
	"kbdbacklight":       SliderKeyboard,
	"display_brightness": SliderBrightness,
	"screenbacklight":    SliderBrightness,
}

// SliderKinds lists the kinds a Slider may have.
func SliderKinds() []string {
	return []string{SliderBrightness, SliderKeyboard, SliderTouchBar, SliderVolume}
}

// extButtonField decodes issue 12's button fields; false: k is not one.
func (d *decoder) extButtonField(name, k string, f *value, b *Button) bool {
	field := name + "." + k
	switch k {
	case "Layer", "Group":
		var s string
		if !d.strMax(field, f, &s, maxLayerName) {
			return true
		}
		if s == "" {
			d.errorf(f.pos, KindLayerName, "%s: empty layer name", field)
			return true
		}
		if k == "Layer" {
			b.Layer, b.LayerPos = s, f.pos
		} else {
			b.Group, b.GroupPos = s, f.pos
		}
	case "Slider":
		var s string
		if !d.strMax(field, f, &s, maxNameLen) {
			return true
		}
		kind := ""
		for _, known := range SliderKinds() {
			if strings.EqualFold(s, known) {
				kind = known
			}
		}
		if alias, ok := sliderAliases[strings.ToLower(s)]; ok {
			kind = alias
			d.warnf(f.pos, KindDeprecated, "%s: %s is read as %q (write %q)", field, quoteShort(s), alias, alias)
		}
		if kind == "" {
			msg := fmt.Sprintf("%s: unknown slider %s; want \"brightness\", \"keyboard\", \"touchbar\" or \"volume\"", field, quoteShort(s))
			if sg := suggest(s, SliderKinds()); sg != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", sg)
			}
			d.errorf(f.pos, KindSlider, "%s", msg)
			return true
		}
		b.Slider, b.SliderPos = kind, f.pos
	case "Color":
		b.Color, _ = d.color(field, f)
	case "ColorActive":
		b.ColorActive, _ = d.color(field, f)
	case "TextColor":
		b.TextColor, _ = d.color(field, f)
	case "FitText":
		d.fitText(field, f, &b.FitText)
	default:
		return false
	}
	return true
}

// buttonConflicts reports fields that exclude each other: a button does one
// thing (keys, a layer switch, a group or a slider).
func (d *decoder) buttonConflicts(name string, t *table, b *Button) {
	var does []string
	for _, k := range []string{"Slider", "Layer", "Group", "Action", "Command", "Media"} {
		f := t.get(k)
		if f == nil || (k == "Action" && len(b.Codes) == 0 && f.kind == kArray && len(f.list) == 0) || (k == "Media" && !b.Media) {
			continue
		}
		does = append(does, k)
	}
	if len(does) < 2 {
		return
	}
	second := t.get(does[1])
	what := "a button either sends keys (Action), switches layer (Layer), opens a group (Group) or is a slider (Slider)"
	if does[1] == "Command" || does[1] == "Media" {
		what = "a button either sends keys (Action), switches layer (Layer), opens a group (Group), is a slider (Slider), runs a command or shows one's output (Command) or shows what is playing (Media)"
	}
	d.errorf(second.keyPos, KindConflict, "%s: %s and %s on one button; %s", name, does[0], does[1], what)
	switch {
	case b.Slider != "":
		b.Layer, b.Group, b.Action, b.Codes, b.Command, b.Media = "", "", nil, nil, "", false
	case b.Media:
		b.Layer, b.Group, b.Action, b.Codes, b.Command = "", "", nil, nil, ""
	case b.Command != "":
		b.Layer, b.Group, b.Action, b.Codes = "", "", nil, nil
	}
}

// Keys of other forks that tiny-dfr does not read, with what to use
// instead where there is an equivalent.
var forkTopLevel = map[string]string{
	"Layers":                    "to add layers write [[Layer]] tables with Name and Keys",
	"DefaultLayer":              "use MediaLayerDefault = true to start on the media layer",
	"DoublePress":               "use DoublePressSwitchLayers = <milliseconds>",
	"ExpandableTimeoutSeconds":  "use GroupTimeout = <seconds>",
	"OverlayTimeoutMs":          "use GroupTimeout = <seconds>",
	"FontSize":                  "use FontSize in the [Style] table",
	"Colors":                    "use the [Style] table (Background, ButtonColor, ButtonColorActive, TextColor as \"#rrggbb\")",
	"FontFamily":                "use FontTemplate = \"Family:bold\"",
	"FontBold":                  "use FontTemplate = \":bold\"",
	"KeyboardBrightnessEnabled": "use a slider button { Slider = \"keyboard\" } or the IllumUp/IllumDown actions",
	"KeyboardBrightnessStep":    "use a slider button { Slider = \"keyboard\" }",
	"DropPrivileges":            "tiny-dfr always drops root after opening its devices; no equivalent",
	"ControlGroups":             "use [[Layer]] tables opened by buttons with Group = \"name\"",
	"VisibleButtons":            "no equivalent (layers do not scroll)",
	"ScrollLoop":                "no equivalent (layers do not scroll)",
	"LayerSwipe":                "no equivalent; use a button with Layer = \"name\"",
}

var forkButtonField = map[string]string{
	"OnClick":             "use Group = \"name\" to open a group, Action = [keys] to send keys",
	"OpenLayer":           "use Layer = \"name\"",
	"LayerToggle":         "use Layer = \"name\"",
	"Children":            "put the buttons in a [[Layer]] and open it with Group = \"name\"",
	"OpenOverlay":         "use Group = \"name\"",
	"CloseOverlay":        "a group's × button closes it; no field needed",
	"Button":              "for a slider use Slider = \"brightness\", \"keyboard\", \"touchbar\" or \"volume\"",
	"Option":              "for a slider use Slider = \"brightness\", \"keyboard\", \"touchbar\" or \"volume\"",
	"SliderGet":           "use Slider = \"brightness\", \"keyboard\", \"touchbar\" or \"volume\"",
	"SliderSet":           "use Slider = \"brightness\", \"keyboard\", \"touchbar\" or \"volume\"",
	"SliderGetCommand":    "use Slider = \"brightness\", \"keyboard\", \"touchbar\" or \"volume\"",
	"SliderSetCommand":    "use Slider = \"brightness\", \"keyboard\", \"touchbar\" or \"volume\"",
	"SliderStretch":       "use Stretch on the Slider button",
	"FontSize":            "use FontSize in the [Style] table (one size for the bar)",
	"ButtonOutlinesColor": "use Color = \"#rrggbb\"",
}

var forkStyle = map[string]string{
	"HeightPercent":        "not adopted: buttons keep 70 % of the bar height",
	"EdgePadding":          "not adopted: use ButtonSpacing",
	"BatteryChargingColor": "not adopted: the battery button's colours are fixed",
	"BatteryLowColor":      "not adopted: the battery button's colours are fixed",
}
