package config

import (
	"math"
	"strings"
	"time"
)

// Limits of the session keys (issue 13). MaxCommandLen is the session
// protocol's MaxCommand (checked by a test in internal/session).
const (
	MaxCommandLen   = 8 << 10 // bytes of a Command or OnTap (the protocol's bound)
	maxApps         = 64      // app ids in one Apps list or [AppLayers]
	maxAppLen       = 256     // bytes of an app id
	maxSessionUsers = 64
	maxUserName     = 256
	// MinInterval is the floor of a widget's Interval; MaxInterval its
	// ceiling (a day).
	MinInterval = 500 * time.Millisecond
	MaxInterval = 24 * time.Hour
)

// Issue 13's top-level keys.
const (
	keySessionUsers = "SessionUsers"
	keyAppLayers    = "AppLayers"
)

// AppLayer makes a layer the base layer while an app is focused.
type AppLayer struct {
	App, Layer string
	Pos        Pos // where the app is written ([[Layer]] Apps) or the entry's value ([AppLayers])
}

// sessionButtonField decodes issue 13's button fields; false: k is not one.
func (d *decoder) sessionButtonField(name, k string, f *value, b *Button) bool {
	field := name + "." + k
	switch k {
	case "Command":
		if d.strMax(field, f, &b.Command, MaxCommandLen) {
			if strings.IndexByte(b.Command, 0) >= 0 {
				d.errorf(f.pos, KindType, "%s: a command cannot hold a NUL character", field)
				b.Command = ""
			} else if strings.TrimSpace(b.Command) == "" {
				d.errorf(f.pos, KindCommand, "%s: empty command", field)
				b.Command = ""
			}
			b.CommandPos = f.pos
		}
	case "OnTap":
		if d.strMax(field, f, &b.OnTap, MaxCommandLen) {
			if strings.IndexByte(b.OnTap, 0) >= 0 {
				d.errorf(f.pos, KindType, "%s: a command cannot hold a NUL character", field)
				b.OnTap = ""
			}
			b.OnTapPos = f.pos
		}
	case "Interval":
		var secs float64
		switch f.kind {
		case kInteger:
			secs = float64(f.i)
		case kFloat:
			secs = f.f
		default:
			d.errorf(f.pos, KindType, "%s: expected seconds (a number), got %s %s", field, f.kind, shortRaw(f))
			return true
		}
		switch {
		case math.IsNaN(secs) || secs > MaxInterval.Seconds():
			d.errorf(f.pos, KindRange, "%s: %s is out of range 0.5–%d seconds", field, string(f.raw), int(MaxInterval.Seconds()))
			return true
		case secs < MinInterval.Seconds():
			d.warnf(f.pos, KindInterval, "%s: %s seconds is below the floor; read as 0.5", field, string(f.raw))
			b.Interval = MinInterval
		default:
			b.Interval = time.Duration(secs * float64(time.Second)).Truncate(time.Millisecond)
		}
		b.IntervalPos = f.pos
	case "Media":
		d.boolean(field, f, &b.Media)
	default:
		return false
	}
	return true
}

// sessionButtonChecks reports what issue 13's fields need of each other.
func (d *decoder) sessionButtonChecks(name string, t *table, b *Button) {
	if f := t.get("Interval"); f != nil && b.Command == "" && t.get("Command") == nil {
		d.errorf(f.keyPos, KindCommand, "%s: Interval without Command; a widget shows the output of Command every Interval seconds", name)
	}
	if f := t.get("OnTap"); f != nil && b.Interval == 0 && !b.Media {
		d.warnf(f.keyPos, KindCommand, "%s: OnTap acts only on a widget (Command with Interval); ignored (a command button runs Command itself)", name)
		b.OnTap = ""
	}
}

// appList decodes [[Layer]] Apps.
func (d *decoder) appList(field string, f *value) []AppLayer {
	if f.kind != kArray {
		d.errorf(f.pos, KindType, "%s: expected an array of app ids, got %s %s", field, f.kind, shortRaw(f))
		return nil
	}
	if len(f.list) > maxApps {
		d.errorf(f.list[maxApps].pos, KindLimit, "%s: more than %d apps (tiny-dfr's limit)", field, maxApps)
		return nil
	}
	var out []AppLayer
	for _, e := range f.list {
		var s string
		if !d.strMax(field, e, &s, maxAppLen) {
			continue
		}
		if strings.TrimSpace(s) == "" {
			d.errorf(e.pos, KindAppLayer, "%s: empty app id", field)
			continue
		}
		out = append(out, AppLayer{App: s, Pos: e.pos})
	}
	return out
}

// appLayers decodes the [AppLayers] table (a fork's form: App = "layer").
func (d *decoder) appLayers(name string, v *value) []AppLayer {
	if v.kind != kTable {
		d.errorf(v.pos, KindType, "%s: expected a table of app = \"layer\", got %s %s", name, v.kind, shortRaw(v))
		return nil
	}
	if len(v.table.keys) > maxApps {
		d.errorf(v.table.get(v.table.keys[maxApps]).keyPos, KindLimit, "%s: more than %d apps (tiny-dfr's limit)", name, maxApps)
		return nil
	}
	var out []AppLayer
	for _, k := range v.table.keys {
		f := v.table.get(k)
		field := name + "." + quoteShort(k)
		if len(k) > maxAppLen || strings.TrimSpace(k) == "" {
			d.errorf(f.keyPos, KindAppLayer, "%s: an app id of 1 to %d bytes", field, maxAppLen)
			continue
		}
		var layer string
		if !d.strMax(field, f, &layer, maxLayerName) {
			continue
		}
		out = append(out, AppLayer{App: k, Layer: layer, Pos: f.pos})
	}
	return out
}

// sessionUsers decodes SessionUsers = ["name", …].
func (d *decoder) sessionUsers(name string, v *value) ([]string, bool) {
	if v.kind != kArray {
		d.wrongType(name, v, kArray)
		return nil, false
	}
	if len(v.list) > maxSessionUsers {
		d.errorf(v.list[maxSessionUsers].pos, KindLimit, "%s: more than %d users (tiny-dfr's limit)", name, maxSessionUsers)
		return nil, false
	}
	out := []string{}
	for _, e := range v.list {
		var s string
		if !d.strMax(name, e, &s, maxUserName) {
			continue
		}
		if s == "" || strings.ContainsAny(s, ":\n") {
			d.errorf(e.pos, KindType, "%s: %s is not a user name", name, quoteShort(s))
			continue
		}
		out = append(out, s)
	}
	return out, true
}

// AppRules lists which layer each app makes the base layer, in precedence
// order: the [[Layer]] tables' Apps in file order, then [AppLayers].
func (c *Config) AppRules() []AppLayer {
	var out []AppLayer
	for _, l := range c.Layers {
		for _, a := range l.Apps {
			a.Layer = l.Name
			out = append(out, a)
		}
	}
	return append(out, c.AppLayers...)
}

// MatchApp reports whether an app id the compositor names matches the app
// a config lists: equal ignoring case, or equal to the id's last
// dot-separated part ("firefox" matches "org.mozilla.firefox").
func MatchApp(listed, appID string) bool {
	if strings.EqualFold(listed, appID) {
		return true
	}
	i := strings.LastIndexByte(appID, '.')
	return i >= 0 && strings.EqualFold(listed, appID[i+1:])
}

// validateSession checks the app rules against the merged config's layer
// names and reports an app listed twice.
func validateSession(c *Config, index map[string]int, names []string, errorf func(Pos, Kind, string, ...any), warnf func(Pos, Kind, string, ...any)) {
	seen := map[string]string{}
	for _, r := range c.AppRules() {
		if _, ok := index[r.Layer]; !ok {
			errorf(r.Pos, KindLayerName, "AppLayers: no layer named %s%s", quoteShort(r.Layer), nameHint(r.Layer, names))
			continue
		}
		key := strings.ToLower(r.App)
		if first, dup := seen[key]; dup && first != r.Layer {
			warnf(r.Pos, KindAppLayer, "app %s is listed for layer %q already; this entry (%q) is not used", quoteShort(r.App), first, r.Layer)
			continue
		}
		seen[key] = r.Layer
	}
}
