package preview

import (
	"bytes"
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// fakeDrawer records what it was asked to draw.
type fakeDrawer struct {
	lay   *layouts.Layout
	calls *int
	res   time.Duration
}

func (f fakeDrawer) resolution() time.Duration { return f.res }

func (f fakeDrawer) draw(layer int, pressed func(l, b int) bool, now time.Time, bat battery.State) *image.RGBA {
	*f.calls++
	return image.NewRGBA(image.Rect(0, 0, f.lay.Length, f.lay.Height))
}

func newTestPreview(t *testing.T, cfgText string) (*preview, string, *bytes.Buffer) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{Config: path, BatteryRoot: t.TempDir()}
	if err := opts.defaults(); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	p := newPreview(opts, &bytes.Buffer{}, &stderr)
	calls := 0
	p.newDrawer = func(lay *layouts.Layout, cfg *config.Config) (drawer, []config.Diagnostic) {
		return fakeDrawer{lay: lay, calls: &calls}, nil
	}
	return p, path, &stderr
}

func TestBadEditKeepsLastGoodLayout(t *testing.T) {
	t.Parallel()
	p, path, stderr := newTestPreview(t, `PrimaryLayerKeys = [ { Text = "Mine", Action = "F1" } ]`)
	p.load()
	if got := p.bar.lay.Layers[0].Buttons[0].Face; got != (layouts.TextFace{Label: "Mine"}) {
		t.Fatalf("first button %v", got)
	}
	if len(p.status) != 1 {
		t.Fatalf("status %v, want one line", p.status)
	}
	os.WriteFile(path, []byte(`PrimaryLayerKeys = [ { Text = "New", Action = "NoSuchKey" } ]`), 0o644)
	p.bar.dirty = false
	p.load()
	if got := p.bar.lay.Layers[0].Buttons[0].Face; got != (layouts.TextFace{Label: "Mine"}) {
		t.Fatalf("bad edit replaced the layout: first button %v", got)
	}
	if len(p.status) != 2 || !p.status[1].err || !strings.Contains(p.status[1].text, "config.toml:1:") {
		t.Fatalf("status %+v, want the error with its position", p.status)
	}
	if !p.bar.dirty || !strings.Contains(stderr.String(), "config.toml:1:") {
		t.Fatal("error not redrawn or not printed")
	}
}

func TestBadConfigAtStartShowsBase(t *testing.T) {
	t.Parallel()
	p, _, _ := newTestPreview(t, `PrimaryLayerKeys = 3`)
	p.load()
	if n := len(p.bar.lay.Layers[0].Buttons); n != 12 {
		t.Fatalf("%d buttons, want the default 12", n)
	}
	if len(p.status) != 2 || !p.status[1].err || !strings.Contains(p.status[1].text, "base layout") {
		t.Fatalf("status %+v", p.status)
	}
}

func TestUntilTick(t *testing.T) {
	t.Parallel()
	p, _, _ := newTestPreview(t, `PrimaryLayerKeys = [ { Time = "%H:%M:%S" } ]`)
	at := time.Date(2026, 1, 2, 3, 4, 5, 250e6, time.UTC)
	p.opts.Now = func() time.Time { return at }
	p.newDrawer = renderDrawer // the renderer knows which clocks show seconds
	p.load()
	if d := p.untilTick(); d != 750*time.Millisecond {
		t.Fatalf("seconds clock: next tick in %v", d)
	}
	p2, _, _ := newTestPreview(t, `PrimaryLayerKeys = [ { Time = "24hr" } ]`)
	p2.opts.Now = p.opts.Now
	p2.newDrawer = renderDrawer
	p2.load()
	if d := p2.untilTick(); d != 54*time.Second+750*time.Millisecond {
		t.Fatalf("minutes clock: next tick in %v", d)
	}
}

func TestRunWithoutDisplay(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{
		{},
		{"WAYLAND_DISPLAY": "wayland-7", "XDG_RUNTIME_DIR": t.TempDir()},
	} {
		opts := Options{Config: "/nonexistent/config.toml", Getenv: func(k string) string { return env[k] }}
		err := Run(context.Background(), opts, &bytes.Buffer{}, &bytes.Buffer{})
		if !errors.Is(err, ErrNoDisplay) {
			t.Fatalf("%v: got %v, want ErrNoDisplay", env, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "tiny-dfr render") || strings.Contains(msg, "\n") {
			t.Fatalf("message %q: want one line naming tiny-dfr render", msg)
		}
	}
}

func TestBadOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{Length: 2000}, {Scale: 9}, {Scale: -1}} {
		if err := Run(context.Background(), o, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || errors.Is(err, ErrNoDisplay) {
			t.Errorf("%+v: got %v, want an option error", o, err)
		}
	}
}
