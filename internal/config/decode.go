package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"tiny-dfr/internal/clock"
)

// Limits of this implementation beyond the spec's: values past them would
// only make the layout or the renderer misbehave.
const (
	maxStretch     = 1000
	maxIconSize    = 1024
	maxDoublePress = math.MaxInt32 // ms
)

// decoder turns a tree into a File, collecting diagnostics.
type decoder struct {
	file  *File
	diags []Diagnostic
}

func (d *decoder) add(p Pos, sev Severity, k Kind, format string, args ...any) {
	d.diags = append(d.diags, Diagnostic{Pos: p, Severity: sev, Kind: k, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) errorf(p Pos, k Kind, format string, args ...any) {
	d.add(p, Error, k, format, args...)
}

func (d *decoder) warnf(p Pos, k Kind, format string, args ...any) {
	d.add(p, Warning, k, format, args...)
}

// wrongType reports a value of the wrong kind.
func (d *decoder) wrongType(name string, v *value, want valueKind) {
	d.errorf(v.pos, KindType, "%s: expected %s, got %s %s", name, want, v.kind, shortRaw(v))
}

// quoteShort quotes a name from the file for a message, cut after 64
// bytes: a hostile file's 1 MB key must not make a 1 MB log line.
func quoteShort(s string) string {
	const max = 64
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

func shortRaw(v *value) string {
	switch v.kind {
	case kArray:
		return "[…]"
	case kTable:
		return "{…}"
	}
	s := string(v.raw)
	if len(s) > 32 {
		s = s[:32] + "…"
	}
	return "(" + s + ")"
}

func (d *decoder) topLevel(root *table) {
	c := &d.file.Config
	for _, k := range root.keys {
		v := root.get(k)
		switch k {
		case keyMediaLayerDefault:
			d.boolean(k, v, &c.MediaLayerDefault)
		case keyShowButtonOutlines:
			d.boolean(k, v, &c.ShowButtonOutlines)
		case keyEnablePixelShift:
			d.boolean(k, v, &c.EnablePixelShift)
		case keyAdaptiveBrightness:
			d.boolean(k, v, &c.AdaptiveBrightness)
		case keyFontTemplate:
			if d.strMax(k, v, &c.FontTemplate, maxFontPattern) {
				c.FontTemplatePos = v.pos
			}
		case keyActiveBrightness:
			d.integer(k, v, 0, 255, &c.ActiveBrightness)
		case keyDoublePressSwitchLayers:
			d.integer(k, v, 0, maxDoublePress, &c.DoublePressSwitchLayers)
		case keyPrimaryLayerKeys:
			c.PrimaryLayerKeys = d.layer(k, v)
		case keyMediaLayerKeys:
			c.MediaLayerKeys = d.layer(k, v)
		case keyLayer:
			c.Layers = d.namedLayers(k, v)
		case keyStyle:
			c.Style = d.style(k, v)
		case keyGroupTimeout:
			d.timeout(k, v, &c.GroupTimeout)
		case keyDimTimeout:
			d.timeout(k, v, &c.DimTimeout)
		case keyOffTimeout:
			if d.timeout(k, v, &c.OffTimeout) && c.OffTimeout == 0 {
				d.warnf(v.pos, KindBurnIn, "%s: 0 keeps the bar lit while idle: the OLED panel burns in; a value such as 60 is safer", k)
			}
		case keySessionUsers:
			var ok bool
			if c.SessionUsers, ok = d.sessionUsers(k, v); !ok {
				continue
			}
		case keyAppLayers:
			c.AppLayers = d.appLayers(k, v)
		case keyAutoEscape:
			var on bool
			if d.boolean(k, v, &on) {
				c.NoAutoEscape = !on
			}
		case keyDisableEscapeKey:
			if root.get(keyAutoEscape) != nil {
				d.warnf(v.keyPos, KindDeprecated, "%s: lasnikr's name for the opposite of AutoEscape; both are set, AutoEscape is used", k)
				continue
			}
			if d.boolean(k, v, &c.NoAutoEscape) {
				k = keyAutoEscape
			}
		default:
			d.unknownTopLevel(k, v)
			continue
		}
		if k == keyDisableEscapeKey {
			continue // not a boolean: nothing set
		}
		d.file.set[k] = true
	}
}

func (d *decoder) unknownTopLevel(k string, v *value) {
	msg := fmt.Sprintf("unknown key %s, ignored", quoteShort(k))
	if eq, ok := forkTopLevel[k]; ok {
		msg += "; " + eq
	} else if s := suggest(k, allTopLevelKeys()); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	if v.kind == kTable {
		var inside []string
		for _, known := range allTopLevelKeys() {
			if v.table.get(known) != nil {
				inside = append(inside, known)
			}
		}
		if len(inside) > 0 {
			msg += fmt.Sprintf("; it holds %s, read only at the top level: move the [%s] table after them",
				strings.Join(inside, ", "), k)
		}
	}
	d.warnf(v.keyPos, KindUnknownKey, "%s", msg)
}

// suggest returns the name in known that equals s ignoring case, or else
// the closest within one edit (six letters or more) or two edits (nine or
// more), a typo such as "ShowButtonOutline"; "" when none is that close.
func suggest(s string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(s, k) {
			return k
		}
	}
	if len(s) > 64 { // no known name is within two edits: skip the work
		return ""
	}
	limit := 0 // edits allowed + 1
	switch {
	case len(s) >= 9:
		limit = 3
	case len(s) >= 6:
		limit = 2
	default:
		return ""
	}
	best, bestDist := "", limit
	for _, k := range known {
		if d := editDistance(strings.ToLower(s), strings.ToLower(k), bestDist); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

func (d *decoder) boolean(name string, v *value, dst *bool) bool {
	if v.kind != kBool {
		d.wrongType(name, v, kBool)
		return false
	}
	*dst = v.b
	return true
}

func (d *decoder) str(name string, v *value, dst *string) bool {
	if v.kind != kString {
		d.wrongType(name, v, kString)
		return false
	}
	*dst = v.str
	return true
}

// strMax is str for a string of at most limit bytes; a longer one is an
// error at its first byte past the limit.
func (d *decoder) strMax(name string, v *value, dst *string, limit int) bool {
	if v.kind == kString && len(v.str) > limit {
		p := v.pos
		if plainString(v) {
			p.Col += 1 + limit
		}
		d.errorf(p, KindLimit, "%s: longer than %d bytes (tiny-dfr's limit)", name, limit)
		return false
	}
	return d.str(name, v, dst)
}

func (d *decoder) integer(name string, v *value, lo, hi int64, dst *int) bool {
	if v.kind != kInteger {
		d.wrongType(name, v, kInteger)
		return false
	}
	if v.i < lo || v.i > hi {
		d.errorf(v.pos, KindRange, "%s: %d is out of range %d–%d", name, v.i, lo, hi)
		return false
	}
	*dst = int(v.i)
	return true
}

func (d *decoder) layer(name string, v *value) []Button {
	if v.kind != kArray {
		d.wrongType(name, v, kArray)
		return nil
	}
	if len(v.list) == 0 {
		d.errorf(v.pos, KindEmptyLayer, "%s: a layer needs at least one button", name)
		return nil
	}
	if len(v.list) > maxButtons {
		d.errorf(v.list[maxButtons].pos, KindLimit, "%s: more than %d buttons in a layer (tiny-dfr's limit)", name, maxButtons)
		return nil
	}
	out := make([]Button, 0, len(v.list))
	for i, e := range v.list {
		bname := fmt.Sprintf("%s[%d]", name, i)
		if e.kind != kTable {
			d.errorf(e.pos, KindType, "%s: expected a button table { … }, got %s %s", bname, e.kind, shortRaw(e))
			continue
		}
		out = append(out, d.button(bname, e))
	}
	return out
}

func (d *decoder) button(name string, v *value) Button {
	b := Button{Stretch: 1, IconWidth: 48, IconHeight: 48, Pos: v.pos}
	t := v.table
	for _, k := range t.keys {
		if d.extButtonField(name, k, t.get(k), &b) || d.sessionButtonField(name, k, t.get(k), &b) {
			continue
		}
		f := t.get(k)
		field := name + "." + k
		switch k {
		case "Text":
			d.strMax(field, f, &b.Text, maxTextLen)
		case "Icon":
			d.strMax(field, f, &b.Icon, maxNameLen)
		case "Svg":
			if t.get("Icon") != nil {
				d.warnf(f.keyPos, KindDeprecated, "%s: Svg is the old name of Icon; both are set, Icon is used", field)
				continue
			}
			d.strMax(field, f, &b.Icon, maxNameLen)
		case "Theme":
			d.strMax(field, f, &b.Theme, maxNameLen)
		case "Time":
			if d.strMax(field, f, &b.Time, maxTimeLen) {
				d.timeFormat(field, f)
			}
		case "Locale":
			if d.strMax(field, f, &b.Locale, maxLocaleLen) && b.Locale != "" {
				if _, ok := clock.FindLocale(b.Locale); !ok {
					d.warnf(f.pos, KindLocale, "%s: no day and month names for locale %q; English (POSIX) names are used", field, b.Locale)
				}
			}
		case "Battery":
			d.battery(field, f, &b.Battery)
		case "Action":
			b.Action, b.Codes = d.action(field, f)
		case "Stretch":
			var s int
			if d.integer(field, f, math.MinInt32, maxStretch, &s) {
				switch {
				case s < 0:
					d.errorf(f.pos, KindRange, "%s: %d is negative; a button is at least 1 slot wide", field, s)
				case s == 0:
					d.warnf(f.pos, KindStretchZero, "%s: 0 is read as 1", field)
				default:
					b.Stretch = s
				}
			}
		case "IconWidth":
			b.IconWidthSet = d.integer(field, f, 1, maxIconSize, &b.IconWidth)
		case "IconHeight":
			b.IconHeightSet = d.integer(field, f, 1, maxIconSize, &b.IconHeight)
		default:
			msg := fmt.Sprintf("%s: unknown button field %s, ignored", name, quoteShort(k))
			if eq, ok := forkButtonField[k]; ok {
				msg += "; " + eq
			} else if s := suggest(k, allButtonFields()); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.warnf(f.keyPos, KindUnknownKey, "%s", msg)
		}
	}
	d.buttonConflicts(name, t, &b)
	d.sessionButtonChecks(name, t, &b)
	return b
}

// Battery modes.
const (
	BatteryPercentage = "percentage"
	BatteryIcon       = "icon"
	BatteryBoth       = "both"
)

func (d *decoder) battery(field string, f *value, dst *string) {
	switch f.kind {
	case kBool:
		// An early upstream template documented `Battery = true`.
		if f.b {
			*dst = BatteryPercentage
			d.warnf(f.pos, KindDeprecated, "%s: true is the old form, read as %q (write \"percentage\", \"icon\" or \"both\")", field, BatteryPercentage)
		} else {
			d.warnf(f.pos, KindDeprecated, "%s: false is the old form, read as no battery (remove the field)", field)
		}
	case kString:
		switch f.str {
		case BatteryPercentage, BatteryIcon, BatteryBoth:
			*dst = f.str
		default:
			msg := fmt.Sprintf("%s: unknown mode %s; want \"percentage\", \"icon\" or \"both\"", field, quoteShort(f.str))
			if s := suggest(f.str, []string{BatteryPercentage, BatteryIcon, BatteryBoth}); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.errorf(f.pos, KindBattery, "%s", msg)
		}
	default:
		d.wrongType(field, f, kString)
	}
}

func (d *decoder) timeFormat(field string, f *value) {
	switch f.str {
	case "", "24hr", "12hr":
		return
	}
	_, err := clock.Parse(f.str)
	if err == nil {
		return
	}
	p, msg := f.pos, err.Error()
	var fe *clock.FormatError
	if errors.As(err, &fe) && plainString(f) {
		// Point at the bad specifier itself.
		p.Col += 1 + fe.Offset
		msg = "time format: " + fe.Msg
	}
	d.errorf(p, KindTime, "%s: %s (want \"24hr\", \"12hr\" or a strftime format)", field, msg)
}

// plainString reports whether a string value is written without escapes,
// so that offsets into it are offsets into the file.
func plainString(v *value) bool {
	return len(v.raw) == len(v.str)+2 && string(v.raw[1:len(v.raw)-1]) == v.str
}

func (d *decoder) action(field string, f *value) ([]string, []uint16) {
	var items []*value
	switch f.kind {
	case kString:
		items = []*value{f}
	case kArray:
		items = f.list
	default:
		d.errorf(f.pos, KindType, "%s: expected a key name or an array of key names, got %s %s", field, f.kind, shortRaw(f))
		return nil, nil
	}
	if len(items) > maxActionKeys {
		d.errorf(items[maxActionKeys].pos, KindLimit, "%s: more than %d keys in one Action (tiny-dfr's limit)", field, maxActionKeys)
		return nil, nil
	}
	names := make([]string, 0, len(items))
	codes := make([]uint16, 0, len(items))
	for _, it := range items {
		if it.kind != kString {
			d.errorf(it.pos, KindType, "%s: expected a key name (string), got %s %s", field, it.kind, shortRaw(it))
			continue
		}
		c, ok := KeyCode(it.str)
		if !ok {
			msg := fmt.Sprintf("%s: unknown key name %s", field, quoteShort(it.str))
			if s := SuggestKey(it.str); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.errorf(it.pos, KindUnknownAction, "%s", msg)
			continue
		}
		names = append(names, it.str)
		codes = append(codes, c)
	}
	return names, codes
}
