package daemon

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"weak"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// The adapter over the real renderer: what the loop asks of it.
func TestRenderPainter(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.PrimaryLayerKeys = append(cfg.PrimaryLayerKeys[:2],
		config.Button{Time: "24hr", Stretch: 1}, config.Button{Battery: "percentage", Stretch: 1})
	lay := layouts.Build(cfg, 2008, 60)
	p, diags := newRenderPainter(lay, Look{ShowOutlines: true})
	if p == nil {
		t.Fatalf("no painter: %v", diags)
	}
	if !p.Battery(layouts.Primary) || p.Battery(layouts.Media) || p.Battery(5) {
		t.Error("battery layers wrong")
	}
	if p.Resolution(layouts.Primary) != time.Minute || p.Resolution(layouts.Media) != 0 {
		t.Error("clock resolution wrong")
	}
	if d := p.Dynamic(layouts.Primary); len(d) != 2 || d[0] != 2 || d[1] != 3 {
		t.Errorf("dynamic %v, want [2 3]", d)
	}
	s := &Scene{Layer: layouts.Primary, Pressed: func(int, int) bool { return false }, Now: time.Date(2026, 1, 1, 12, 34, 0, 0, time.UTC)}
	f := p.DrawAll(s)
	lit := 0
	for _, b := range f.Pix {
		if b != 0 {
			lit++
		}
	}
	if lit == 0 || len(f.Damage) != 1 {
		t.Errorf("DrawAll: %d lit bytes, damage %v", lit, f.Damage)
	}
	f = p.DrawButtons(s, 1)
	if len(f.Damage) != 1 {
		t.Errorf("DrawButtons damage %v, want one rectangle", f.Damage)
	}
}

// Painters sharing the font warn as the plain ones do, for every layout.
func TestCachedPainters(t *testing.T) {
	t.Parallel()
	lay := layouts.Build(config.Default(), 2008, 60)
	newP := cachedPainters()
	for _, tmpl := range []string{":bold", ":bold", "no such font family at all:weight=1000"} {
		look := Look{ShowOutlines: true, FontTemplate: tmpl, FontPos: config.Pos{File: "c.toml", Line: 3, Col: 16}}
		_, want := newRenderPainter(lay, look)
		p, got := newP(lay, look)
		if p == nil || !slices.Equal(got, want) {
			t.Errorf("%q: diagnostics %v, want %v", tmpl, got, want)
		}
	}
}

// Each build is followed by a Trim (off the loop): the old painter and
// the build's garbage are free then; so is a lost display's painter.
func TestTrimAfterEachBuild(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	var log []string
	build := r.c.env.NewPainter
	r.c.env.NewPainter = func(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
		log = append(log, "build")
		return build(lay, look)
	}
	r.c.env.Trim = func() { log = append(log, "trim") }
	r.c.onConfigChanged(r.now)
	if want := []string{"build", "trim"}; !slices.Equal(log, want) {
		t.Errorf("reload: %v, want %v", log, want)
	}
	log = nil
	r.diags = []config.Diagnostic{{Severity: config.Error, Msg: "bad"}}
	r.c.onConfigChanged(r.now)
	if want := []string{"trim"}; !slices.Equal(log, want) {
		t.Errorf("invalid reload: %v, want %v", log, want)
	}
	r.diags = nil
	log = nil
	r.c.lostDisplay(errGone)
	r.c.openDisplay(r.now)
	if want := []string{"trim", "build", "trim"}; !slices.Equal(log, want) {
		t.Errorf("display lost and re-opened: %v, want %v", log, want)
	}
}

// The old painter draws the bar until its successor is ready (the bar
// never goes blank during a reload), and nothing keeps it once replaced.
func TestOldPainterKeptUntilReplaced(t *testing.T) { // not parallel: runtime.GC
	r := newRig(t, func(r *rig) { r.realPainter = true })
	build := r.c.env.NewPainter
	var old weak.Pointer[renderPainter]
	shown := false
	r.c.env.NewPainter = func(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
		shown = r.c.painter != nil && r.c.painter.(*renderPainter) == old.Value()
		return build(lay, look)
	}
	old = weak.Make(r.c.painter.(*renderPainter))
	r.c.onConfigChanged(r.now)
	if !shown {
		t.Error("the old painter was dropped before the new one was ready")
	}
	if r.c.painter == nil {
		t.Fatal("no painter")
	}
	runtime.GC()
	if old.Value() != nil {
		t.Error("the old painter is still reachable after the new one took over")
	}
}

// A font warning (fc-match's answer is no font) is placed at FontTemplate.
func TestFontWarningPlaced(t *testing.T) {
	t.Parallel()
	lay := layouts.Build(config.Default(), 2008, 60)
	at := config.Pos{File: "/etc/tiny-dfr/config.toml", Line: 3, Col: 16}
	fonts := &render.FontCache{Match: func(string) (string, error) { return "/nonexistent/fonts/Sans.ttf", nil }}
	p, diags := newPainterWith(fonts, lay, Look{ShowOutlines: true, FontTemplate: "Sans", FontPos: at})
	if p == nil || len(diags) == 0 {
		t.Fatalf("painter %v, diagnostics %v: want a painter and a font warning", p, diags)
	}
	for _, d := range diags {
		if d.Pos != at || !strings.HasPrefix(d.Error(), "/etc/tiny-dfr/config.toml:3:16: warning: font: ") {
			t.Errorf("font warning %q, want it at %v", d.Error(), at)
		}
	}
}
