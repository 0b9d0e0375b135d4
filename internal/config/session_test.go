package config

import (
	"strings"
	"testing"
	"time"
)

func TestSessionFields(t *testing.T) {
	src := `SessionUsers = ["alice", "bob"]
PrimaryLayerKeys = [
  { Text = "Run", Command = "notify-send hi" },
  { Command = "date +%T", Interval = 2.5, OnTap = "gnome-clocks" },
  { Media = true },
  { Text = "F1", Action = "F1" },
]
[[Layer]]
Name = "web"
Apps = ["firefox", "org.chromium.Chromium"]
Keys = [{ Text = "back", Action = "Back" }]
[AppLayers]
Spotify = "media"
`
	f, diags := Parse("t.toml", []byte(src))
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	cfg := Default()
	f.Apply(cfg)
	if d := Validate(cfg); len(d) != 0 {
		t.Fatalf("Validate: %v", d)
	}
	k := cfg.PrimaryLayerKeys
	if k[0].Command != "notify-send hi" || k[0].Interval != 0 || k[0].Text != "Run" {
		t.Errorf("command button %+v", k[0])
	}
	if k[1].Command != "date +%T" || k[1].Interval != 2500*time.Millisecond || k[1].OnTap != "gnome-clocks" || k[1].IntervalPos.Line != 4 {
		t.Errorf("widget %+v", k[1])
	}
	if !k[2].Media {
		t.Errorf("media widget %+v", k[2])
	}
	if strings.Join(cfg.SessionUsers, ",") != "alice,bob" {
		t.Errorf("SessionUsers %q", cfg.SessionUsers)
	}
	rules := cfg.AppRules()
	want := []AppLayer{{App: "firefox", Layer: "web"}, {App: "org.chromium.Chromium", Layer: "web"}, {App: "Spotify", Layer: "media"}}
	if len(rules) != len(want) {
		t.Fatalf("AppRules %+v", rules)
	}
	for i := range want {
		if rules[i].App != want[i].App || rules[i].Layer != want[i].Layer || rules[i].Pos.Line == 0 {
			t.Errorf("rule %d = %+v, want %+v with a position", i, rules[i], want[i])
		}
	}
}

func TestSessionDiagnostics(t *testing.T) {
	for _, c := range []struct {
		src  string
		kind Kind
		sev  Severity
		pos  string // line:col
	}{
		{`PrimaryLayerKeys = [{ Command = "x", Interval = 0.1 }]`, KindInterval, Warning, "1:49"},
		{`PrimaryLayerKeys = [{ Command = "x", Interval = -3 }]`, KindInterval, Warning, "1:49"},
		{`PrimaryLayerKeys = [{ Command = "x", Interval = nan }]`, KindRange, Error, "1:49"},
		{`PrimaryLayerKeys = [{ Command = "x", Interval = 100000 }]`, KindRange, Error, "1:49"},
		{`PrimaryLayerKeys = [{ Command = "x", Interval = "2" }]`, KindType, Error, "1:49"},
		{`PrimaryLayerKeys = [{ Text = "a", Interval = 2 }]`, KindCommand, Error, "1:35"},
		{`PrimaryLayerKeys = [{ Text = "a", Command = "" }]`, KindCommand, Error, "1:45"},
		{`PrimaryLayerKeys = [{ Action = "F1", Command = "x" }]`, KindConflict, Error, "1:38"},
		{`PrimaryLayerKeys = [{ Slider = "volume", Command = "x" }]`, KindConflict, Error, "1:42"},
		{`PrimaryLayerKeys = [{ Command = "x", Layer = "media" }]`, KindConflict, Error, "1:23"},
		{`PrimaryLayerKeys = [{ Command = "x", Media = true }]`, KindConflict, Error, "1:38"},
		{`PrimaryLayerKeys = [{ Text = "a", OnTap = "x" }]`, KindCommand, Warning, "1:35"},
		{`PrimaryLayerKeys = [{ Command = "` + strings.Repeat("x", MaxCommandLen+1) + `" }]`, KindLimit, Error, "1:" + itoa(34+MaxCommandLen)},
		{"SessionUsers = \"alice\"", KindType, Error, "1:16"},
		{"SessionUsers = [\"\"]", KindType, Error, "1:17"},
		{"[[Layer]]\nName = \"x\"\nApps = \"firefox\"\nKeys = [{ Text = \"a\" }]", KindType, Error, "3:8"},
		{"[[Layer]]\nName = \"x\"\nApps = [\"\"]\nKeys = [{ Text = \"a\" }]", KindAppLayer, Error, "3:9"},
		{"[AppLayers]\nSpotify = 3", KindType, Error, "2:11"},
		{"[AppLayers]\nSpotify = \"music\"", KindLayerName, Error, "2:11"},
		{"[[Layer]]\nName = \"x\"\nApps = [\"code\"]\nKeys = [{ Text = \"a\" }]\n[AppLayers]\ncode = \"media\"", KindAppLayer, Warning, "6:8"},
	} {
		diags := Check("t.toml", []byte(c.src))
		found := false
		for _, d := range diags {
			if d.Kind == c.kind && d.Severity == c.sev && strings.HasPrefix(d.Pos.String(), "t.toml:"+c.pos+"") && d.Pos.String() == "t.toml:"+c.pos {
				found = true
			}
		}
		if !found {
			t.Errorf("%.70s:\n  got %v\n  want %v (severity %d) at %s", c.src, diags, c.kind, c.sev, c.pos)
		}
	}
}

func itoa(n int) string {
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestMatchApp(t *testing.T) {
	for _, c := range []struct {
		listed, id string
		want       bool
	}{
		{"firefox", "firefox", true},
		{"Firefox", "firefox", true},
		{"firefox", "org.mozilla.firefox", true},
		{"code", "code-oss", false},
		{"org.mozilla.firefox", "firefox", false},
		{"", "", true},
		{"fox", "firefox", false},
	} {
		if got := MatchApp(c.listed, c.id); got != c.want {
			t.Errorf("MatchApp(%q, %q) = %v", c.listed, c.id, got)
		}
	}
}
