package render

import (
	"bytes"
	"image"
	"testing"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

func TestZeroAllocs(t *testing.T) {
	r := newTestRenderer(t, defaultConfig(), 2008, 60, true)
	st := &State{Layer: layouts.Primary, Pressed: func(_, i int) bool { return i == 4 }}
	if n := testing.AllocsPerRun(50, func() { r.DrawAll(st) }); n != 0 {
		t.Errorf("DrawAll allocates %v times", n)
	}
	if n := testing.AllocsPerRun(50, func() { r.DrawButtons(st, 4) }); n != 0 {
		t.Errorf("DrawButtons allocates %v times", n)
	}
	st.Layer = layouts.Media
	if n := testing.AllocsPerRun(50, func() { r.DrawAll(st) }); n != 0 {
		t.Errorf("DrawAll media allocates %v times", n)
	}
	// A clock whose text did not change does not allocate either.
	c := defaultConfig()
	c.PrimaryLayerKeys = []config.Button{{Time: "24hr", Stretch: 2}, {Battery: "both"}}
	r2 := newTestRenderer(t, c, 2008, 60, true)
	st2 := &State{Now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC), Battery: battery.State{Present: true, Percent: 50}}
	r2.DrawAll(st2)
	if n := testing.AllocsPerRun(50, func() { r2.DrawAll(st2) }); n != 0 {
		t.Errorf("DrawAll with an unchanged clock allocates %v times", n)
	}
}

func TestDrawButtonsDamage(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t, defaultConfig(), 2008, 60, true)
	pressed := -1
	st := &State{Pressed: func(_, i int) bool { return i == pressed }}
	f := r.DrawAll(st)
	if len(f.Damage) != 1 || f.Damage[0] != image.Rect(0, 0, f.Width, f.Height) {
		t.Fatalf("DrawAll damage = %v, want the whole panel", f.Damage)
	}
	before := bytes.Clone(f.Pix)
	pressed = 5
	f = r.DrawButtons(st, 5)
	b := r.lay.Layers[0].Buttons[5]
	want := image.Rect(0, b.Left, f.Width, b.Left+int(b.Width+0.999999))
	if len(f.Damage) != 1 || f.Damage[0] != want {
		t.Fatalf("DrawButtons damage = %v, want [%v]", f.Damage, want)
	}
	for row := 0; row < f.Height; row++ {
		changed := !bytes.Equal(before[row*f.Stride:(row+1)*f.Stride], f.Pix[row*f.Stride:(row+1)*f.Stride])
		if changed && (row < want.Min.Y || row >= want.Max.Y) {
			t.Fatalf("row %d changed outside the damage", row)
		}
	}
	// The result equals a full redraw with the same state.
	after := bytes.Clone(f.Pix)
	if full := r.DrawAll(st); !bytes.Equal(after, full.Pix) {
		t.Error("DrawButtons and DrawAll disagree")
	}
	// Out-of-range and spacer indices are ignored.
	if f := r.DrawButtons(st, -1, 99); len(f.Damage) != 0 {
		t.Errorf("damage for bad indices: %v", f.Damage)
	}
	st.Layer = 7
	if f := r.DrawAll(st); !bytes.Equal(f.Pix, make([]byte, len(f.Pix))) {
		t.Error("an unknown layer is not black")
	}
}

func TestShift(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	c.EnablePixelShift = true
	r := newTestRenderer(t, c, 2008, 60, true)
	base := r.DrawAll(&State{}).Landscape()
	for _, sh := range []image.Point{{3, 0}, {-11, 2}, {11, -2}} {
		got := r.DrawAll(&State{Shift: sh}).Landscape()
		for y := 2; y < 58; y++ {
			for x := 12; x < 2008-12; x++ {
				if got.RGBAAt(x+sh.X, y+sh.Y) != base.RGBAAt(x, y) {
					t.Fatalf("shift %v: (%d,%d) moved wrong", sh, x, y)
				}
			}
		}
		f := r.DrawButtons(&State{Shift: sh}, 0)
		b := r.lay.Layers[0].Buttons[0]
		if f.Damage[0].Min.Y != b.Left+sh.X {
			t.Errorf("shift %v: damage %v does not start at %d", sh, f.Damage[0], b.Left+sh.X)
		}
	}
}

func TestHeights(t *testing.T) {
	t.Parallel()
	for _, h := range []int{56, 60, 64} {
		r := newTestRenderer(t, defaultConfig(), 2170, h, true)
		f := r.DrawAll(&State{Layer: layouts.Media})
		if f.Width != 64 || f.Height != 2170 || f.BarHeight != h {
			t.Errorf("height %d: frame %dx%d bar %d", h, f.Width, f.Height, f.BarHeight)
		}
		b := r.lay.Layers[1].Buttons[1]
		if got := grey(t, f, b.Left+9, h/2); got != IdleGrey {
			t.Errorf("height %d: body middle %#x", h, got)
		}
	}
}

func TestNeverPanics(t *testing.T) {
	t.Parallel()
	opts := testOptions(t, true)
	for _, lay := range []*layouts.Layout{nil, {}, {Length: 10, Height: 5}, layouts.Build(&config.Config{}, 2008, 60)} {
		r, _ := New(lay, opts)
		if r == nil {
			t.Fatal("nil renderer")
		}
		r.DrawAll(&State{Layer: -1})
		r.DrawAll(&State{Layer: 1, Banner: "x"})
		r.DrawButtons(&State{}, 0, 1, 2)
		r.Dynamic(5)
		r.Resolution(-1)
	}
	// A broken font still draws (no labels) rather than crashing.
	opts.Font = &Font{Source: "broken"}
	r, diags := New(layouts.Build(defaultConfig(), 2008, 60), opts)
	if len(diags) != 1 {
		t.Errorf("broken font: diags %v, want one", diags)
	}
	r.DrawAll(&State{})
}

func TestDynamicAndResolution(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	c.PrimaryLayerKeys = []config.Button{{Text: "a"}, {Time: "%H:%M:%S"}, {Battery: "icon"}, {Time: "12hr", Locale: "de_DE"}}
	c.MediaLayerKeys = []config.Button{{Time: "24hr"}, {}}
	r := newTestRenderer(t, c, 2008, 60, true)
	if got := r.Dynamic(0); len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("Dynamic(0) = %v, want [1 2 3]", got)
	}
	if got := r.Resolution(0); got != time.Second {
		t.Errorf("Resolution(0) = %v, want 1s", got)
	}
	if got := r.Resolution(1); got != time.Minute {
		t.Errorf("Resolution(1) = %v, want 1m", got)
	}
	c.MediaLayerKeys = []config.Button{{Text: "x"}}
	r = newTestRenderer(t, c, 2008, 60, true)
	if got := r.Resolution(1); got != 0 || len(r.Dynamic(1)) != 0 {
		t.Errorf("no clock: Resolution %v, Dynamic %v", got, r.Dynamic(1))
	}
}

func TestClockRedraw(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	c.PrimaryLayerKeys = []config.Button{{Time: "%H:%M"}}
	r := newTestRenderer(t, c, 2008, 60, true)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	a := bytes.Clone(r.DrawAll(&State{Now: at}).Pix)
	b := bytes.Clone(r.DrawButtons(&State{Now: at.Add(30 * time.Second)}, 0).Pix)
	if !bytes.Equal(a, b) {
		t.Error("the same minute drew differently")
	}
	d := r.DrawButtons(&State{Now: at.Add(time.Minute)}, 0)
	if bytes.Equal(a, d.Pix) || len(d.Damage) != 1 {
		t.Error("the next minute did not redraw")
	}
}

func TestBadTimeFormatIsDiagnostic(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	c.PrimaryLayerKeys = []config.Button{{Time: "%Q", Pos: config.Pos{File: "c.toml", Line: 3, Col: 1}}}
	r, diags := New(layouts.Build(c, 2008, 60), testOptions(t, true))
	if len(diags) != 1 || diags[0].Pos.Line != 3 || diags[0].Severity != config.Warning {
		t.Errorf("diags = %v, want one warning at line 3", diags)
	}
	r.DrawAll(&State{})
}
