package render_test

import (
	"bytes"
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/display/displaytest"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
)

// TestDamageIsEnough presents through a display that copies only damaged
// rectangles: after presses and releases, its screen equals a full redraw.
func TestDamageIsEnough(t *testing.T) {
	t.Parallel()
	var c config.Config
	for _, s := range []string{"F1", "F2", "F3", "F4"} {
		c.PrimaryLayerKeys = append(c.PrimaryLayerKeys, config.Button{Text: s, Stretch: 1})
	}
	c.MediaLayerKeys = []config.Button{{Icon: "search", Stretch: 2}, {}, {Icon: "mic_off"}}
	lay := layouts.Build(&c, 2008, 60)
	r, diags := render.New(lay, render.Options{Font: render.EmbeddedFont(true), ShowOutlines: true, IconDirs: []string{t.TempDir()}, XDGDataDirs: []string{}})
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	d := displaytest.New(2008, 60)
	pressed := map[int]bool{}
	st := &render.State{Pressed: func(_, i int) bool { return pressed[i] }}
	present := func(f *render.Frame) {
		t.Helper()
		if err := d.Present(f); err != nil {
			t.Fatal(err)
		}
	}
	present(r.DrawAll(st))
	steps := []struct {
		layer, button int
		down          bool
	}{{0, 1, true}, {0, 3, true}, {0, 1, false}, {1, 0, true}, {1, 2, true}, {1, 0, false}}
	for _, s := range steps {
		if st.Layer != s.layer {
			st.Layer = s.layer
			present(r.DrawAll(st))
		}
		pressed[s.button] = s.down
		present(r.DrawButtons(st, s.button))
		screen := d.Screen()
		want := bytes.Clone(r.DrawAll(st).Pix)
		if !bytes.Equal(screen.Pix, want) {
			t.Fatalf("after %+v the screen differs from a full redraw", s)
		}
	}
	if d.Count() != 2+len(steps) {
		t.Errorf("%d presents", d.Count())
	}
}
