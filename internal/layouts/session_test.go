package layouts

import (
	"testing"
	"time"

	"tiny-dfr/internal/config"
)

func TestSessionButtons(t *testing.T) {
	f, diags := config.Parse("t.toml", []byte(`PrimaryLayerKeys = [
  { Text = "Run", Command = "notify-send hi" },
  { Command = "date", Interval = 2, OnTap = "gnome-clocks", Text = "…" },
  { Command = "uptime", Interval = 1 },
  { Media = true },
  { Text = "F1", Action = "F1" },
]`))
	if config.HasErrors(diags) {
		t.Fatal(diags)
	}
	cfg := config.Default()
	f.Apply(cfg)
	l := Build(cfg, 1000, 60)
	bs := l.Layers[0].Buttons
	if a, ok := bs[0].Action.(CommandAction); !ok || a.Command != "notify-send hi" || bs[0].Face != (TextFace{Label: "Run"}) {
		t.Errorf("command button %+v", bs[0])
	}
	w, ok := bs[1].Face.(WidgetFace)
	if !ok || w.Command != "date" || w.Interval != 2*time.Second || w.Placeholder != "…" || w.ID != WidgetID(0, 1) {
		t.Errorf("widget %+v", bs[1])
	}
	if a, ok := bs[1].Action.(CommandAction); !ok || a.Command != "gnome-clocks" {
		t.Errorf("widget's OnTap action %+v", bs[1].Action)
	}
	if a, ok := bs[2].Action.(KeyAction); !ok || len(a.Codes) != 0 {
		t.Errorf("widget without OnTap does %+v", bs[2].Action)
	}
	if _, ok := bs[3].Action.(MediaAction); !ok || !bs[3].Face.(WidgetFace).Media {
		t.Errorf("media widget %+v", bs[3])
	}
	for i, want := range []bool{true, true, true, true, false} {
		if NeedsSession(&bs[i]) != want {
			t.Errorf("NeedsSession(button %d) = %v", i, !want)
		}
	}
	ws := l.Widgets()
	if len(ws) != 3 || ws[0].ID == ws[1].ID {
		t.Errorf("Widgets = %+v", ws)
	}
}

// The focused app's layer rests in place of the base; Fn held shows the
// other layer as without it; a layer button shows over it; Base does not
// change; none: the normal base again.
func TestSwitcherApp(t *testing.T) {
	t.Parallel()
	s := Switcher{}
	at := time.Unix(100, 0)
	if !s.SetApp(3, true) || s.Shown() != 3 || s.Base() != Primary {
		t.Fatalf("app: shown %d base %d", s.Shown(), s.Base())
	}
	s.Fn(true, at)
	if s.Shown() != Media {
		t.Errorf("Fn held over the app layer shows %d", s.Shown())
	}
	s.Fn(false, at)
	if s.Shown() != 3 {
		t.Errorf("Fn released: %d", s.Shown())
	}
	s.Layer(2, at)
	if s.Shown() != 2 {
		t.Errorf("layer button over the app layer: %d", s.Shown())
	}
	s.Layer(2, at)
	if s.Shown() != 3 {
		t.Errorf("layer button again: %d", s.Shown())
	}
	if s.SetApp(3, true) {
		t.Error("the same app layer changed the shown layer")
	}
	if !s.SetApp(0, false) || s.Shown() != Primary {
		t.Errorf("no app: %d", s.Shown())
	}
	m := Switcher{MediaDefault: true}
	m.SetApp(2, true)
	m.Fn(true, at)
	if m.Shown() != Primary {
		t.Errorf("media default: Fn over the app layer shows %d", m.Shown())
	}
}
