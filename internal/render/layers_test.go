package render

import (
	"image/color"
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// layersConfig is the default plus a third layer, a group with a nested
// group and sliders.
func layersConfig() *config.Config {
	c := defaultConfig()
	c.Layers = []config.NamedLayer{
		{Name: "dev", Keys: []config.Button{
			{Text: "build", Stretch: 2}, {Text: "test", Stretch: 2}, {Text: "run", Stretch: 1},
			{Icon: "search", IconWidth: 48, IconHeight: 48, Stretch: 1}, {Text: "tools", Group: "tools", Stretch: 2},
		}},
		{Name: "tools", Keys: []config.Button{
			{Slider: config.SliderBrightness, Icon: "brightness_high", Stretch: 4},
			{Slider: config.SliderVolume, Stretch: 4},
			{Text: "more", Group: "more", Stretch: 1},
		}},
		{Name: "more", Keys: []config.Button{{Text: "x", Stretch: 1}}},
	}
	for i := range c.Layers {
		for j := range c.Layers[i].Keys {
			c.Layers[i].Keys[j].Pos = config.Pos{File: "test.toml", Line: 200 + 10*i + j}
		}
	}
	return c
}

// sliderLevels: brightness at 0.3, volume inert (no backend).
func sliderLevels(layer, button int) (float64, bool) {
	if button == 1 {
		return 0.3, true
	}
	return 0, false
}

// TestGoldenLayers renders a third layer, a group (× first, two sliders:
// one live at 30 %, one inert) and the nested group.
func TestGoldenLayers(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t, layersConfig(), 2008, 60, true)
	checkGolden(t, "layer-dev-2008.png", r.DrawAll(&State{Layer: 2}).Landscape())
	checkGolden(t, "group-tools-2008.png", r.DrawAll(&State{Layer: 3, Level: sliderLevels}).Landscape())
	r = newTestRenderer(t, layersConfig(), 2170, 60, true)
	// esc and × first: the brightness slider is button 2; at 70 %.
	at2170 := func(_, i int) (float64, bool) { return 0.7, i == 2 }
	checkGolden(t, "group-tools-2170.png", r.DrawAll(&State{Layer: 3, Level: at2170}).Landscape())
}

func TestSliderLevelDrawn(t *testing.T) {
	t.Parallel()
	lay := layouts.Build(layersConfig(), 2008, 60)
	r, _ := New(lay, testOptions(t, true))
	b := lay.Layers[3].Buttons[1]
	start, end, icon := b.SliderTrack()
	if !icon {
		t.Fatal("no icon on a 4-slot slider")
	}
	level := 0.5
	st := &State{Layer: 3, Level: func(_, i int) (float64, bool) { return level, i == 1 }}
	f := r.DrawAll(st)
	// Bar centre row: panel column h−1−30.
	col := 60 - 1 - 30
	at := func(x float64) color.RGBA { return f.At(col, int(x)) }
	mid := start + 0.5*(end-start)
	if c := at(start + 5); c.R != 0xff {
		t.Errorf("filled bar at %v: %v, want white", start+5, c)
	}
	if c := at(mid + 5); c.R == 0xff || c.R <= IdleGrey {
		t.Errorf("empty bar at %v: %v, want the dim track", mid+5, c)
	}
	level = 0.9
	f = r.DrawButtons(st, 1)
	if c := at(mid + 5); c.R != 0xff {
		t.Errorf("after the level rose, %v: %v", mid+5, c)
	}
	if len(f.Damage) != 1 {
		t.Errorf("damage %v", f.Damage)
	}
	// Inert: the volume slider's bar is dimmer than a live empty track.
	v := lay.Layers[3].Buttons[2]
	vs, ve, _ := v.SliderTrack()
	live := at(mid + 5)
	if c := at((vs + ve) / 2); c.R >= live.R {
		t.Errorf("inert bar %v not dimmer than a live track %v", c, live)
	}
}

func TestSliderDrawAllocatesNothing(t *testing.T) {
	r := newTestRenderer(t, layersConfig(), 2008, 60, true)
	level := 0.0
	st := &State{Layer: 3, Level: func(_, i int) (float64, bool) { return level, true },
		Pressed: func(_, i int) bool { return i == 1 }}
	r.DrawAll(st)
	if n := testing.AllocsPerRun(100, func() { level += 0.01; r.DrawButtons(st, 1) }); n != 0 {
		t.Errorf("a slider step allocates %v", n)
	}
}

// TestStyleColours probes [Style] and per-button colours.
func TestStyleColours(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	c.Style = config.Style{
		Background:        config.Color{R: 0x10, G: 0x20, B: 0x30, A: 0xff, Set: true},
		ButtonColor:       config.Color{R: 0x80, G: 0, B: 0, A: 0xff, Set: true},
		ButtonColorActive: config.Color{R: 0, G: 0x80, B: 0, A: 0xff, Set: true},
		TextColor:         config.Color{R: 0, G: 0, B: 0xff, A: 0xff, Set: true},
		ButtonSpacing:     30, ButtonSpacingSet: true,
	}
	c.PrimaryLayerKeys[3].Color = config.Color{R: 0xff, G: 0xff, B: 0, A: 0xff, Set: true}
	c.PrimaryLayerKeys[3].TextColor = config.Color{R: 0xff, G: 0, B: 0xff, A: 0xff, Set: true}
	lay := layouts.Build(c, 2008, 60)
	r, _ := New(lay, testOptions(t, true))
	f := r.DrawAll(&State{Layer: 0, Pressed: func(_, i int) bool { return i == 1 }})
	bs := lay.Layers[0].Buttons
	probe := func(x, y int) color.RGBA { return f.At(60-1-y, x) }
	if got := probe(bs[0].Left+int(bs[0].Width)+10, 30); got != (color.RGBA{0x10, 0x20, 0x30, 0xff}) {
		t.Errorf("gap %v, want the background", got)
	}
	if got := probe(bs[0].Left+5, 0); got != (color.RGBA{0x10, 0x20, 0x30, 0xff}) {
		t.Errorf("above a body %v, want the background", got)
	}
	if got := probe(bs[0].Left+10, 30); got != (color.RGBA{0x80, 0, 0, 0xff}) {
		t.Errorf("idle body %v", got)
	}
	if got := probe(bs[1].Left+10, 30); got != (color.RGBA{0, 0x80, 0, 0xff}) {
		t.Errorf("pressed body %v", got)
	}
	if got := probe(bs[3].Left+10, 30); got != (color.RGBA{0xff, 0xff, 0, 0xff}) {
		t.Errorf("per-button colour %v", got)
	}
	if bs[1].Left-(bs[0].Left+int(bs[0].Width)) < 29 {
		t.Errorf("spacing not applied: %+v %+v", bs[0], bs[1])
	}
	// Text: some pixel of F1's label is pure blue, of F4's magenta.
	find := func(b layouts.Button, want color.RGBA) bool {
		for x := b.Left; x < b.Left+int(b.Width); x++ {
			for y := 15; y < 45; y++ {
				if probe(x, y) == want {
					return true
				}
			}
		}
		return false
	}
	if !find(bs[0], color.RGBA{0, 0, 0xff, 0xff}) {
		t.Error("no blue text in F1")
	}
	if !find(bs[3], color.RGBA{0xff, 0, 0xff, 0xff}) {
		t.Error("no magenta text in F4")
	}
}

func TestCornerRadiusZero(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	c.Style.CornerRadiusSet = true
	lay := layouts.Build(c, 2008, 60)
	r, _ := New(lay, testOptions(t, true))
	f := r.DrawAll(&State{})
	b := lay.Layers[0].Buttons[0]
	// The body's corner pixel: [0.15h−8] = row 1 at the left edge.
	if got := f.At(60-1-1, b.Left); got.R != IdleGrey {
		t.Errorf("square corner pixel %v, want idle grey", got)
	}
	d := newTestRenderer(t, defaultConfig(), 2008, 60, true).DrawAll(&State{})
	if got := d.At(60-1-1, b.Left); got.R == IdleGrey {
		t.Errorf("default corner pixel %v is not rounded", got)
	}
}

func TestFontSize(t *testing.T) {
	t.Parallel()
	count := func(size int) int {
		c := defaultConfig()
		c.Style.FontSize = size
		lay := layouts.Build(c, 2008, 60)
		r, _ := New(lay, testOptions(t, false))
		f := r.DrawAll(&State{})
		n := 0
		b := lay.Layers[0].Buttons[11]
		for x := b.Left; x < b.Left+int(b.Width); x++ {
			for col := 0; col < 60; col++ {
				if f.At(col, x).R > 0x80 {
					n++
				}
			}
		}
		return n
	}
	if small, big := count(16), count(0); small*2 > big {
		t.Errorf("FontSize 16 inks %d px, default %d", small, big)
	}
}

// BenchmarkSliderStep is one drag step: the level moves by 2 % (~10 px,
// a finger's move in a 60 Hz frame), the slider is redrawn and its damage
// copied (compare BenchmarkPressOne).
func BenchmarkSliderStep(b *testing.B) {
	r := newTestRenderer(b, layersConfig(), 2008, 60, true)
	dst := make([]byte, len(r.frame.Pix))
	level := 0.0
	st := &State{Layer: 3, Level: func(_, i int) (float64, bool) { return level, true },
		Pressed: func(_, i int) bool { return i == 1 }}
	r.DrawAll(st)
	b.ReportAllocs()
	for b.Loop() {
		level += 0.02
		if level > 1 {
			level = 0
		}
		f := r.DrawButtons(st, 1)
		for _, d := range f.Damage {
			copy(dst[d.Min.Y*f.Stride:d.Max.Y*f.Stride], f.Pix[d.Min.Y*f.Stride:d.Max.Y*f.Stride])
		}
	}
}

// BenchmarkOpenGroup is what opening a group costs the renderer: a full
// frame of the group layer.
func BenchmarkOpenGroup(b *testing.B) {
	r := newTestRenderer(b, layersConfig(), 2008, 60, true)
	st := &State{Layer: 3, Level: sliderLevels}
	b.ReportAllocs()
	for b.Loop() {
		r.DrawAll(st)
	}
}

// TestSliderStepsMatchFullDraw: a drag drawn step by step (only the rows
// between levels) ends with the frame a full draw gives, and a step
// damages only the rows it changed.
func TestSliderStepsMatchFullDraw(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t, layersConfig(), 2008, 60, true)
	level := 0.2
	pressed := true
	st := &State{Layer: 3, Level: func(_, i int) (float64, bool) { return level, i == 1 },
		Pressed: func(_, i int) bool { return pressed && i == 1 }}
	r.DrawAll(st)
	for _, l := range []float64{0.25, 0.6, 0.1, 0.1, 1.5, -1, 0.45} {
		level = l
		f := r.DrawButtons(st, 1)
		for _, d := range f.Damage {
			if d.Dy() > 700 {
				t.Errorf("level %v: damage %v is the whole slider", l, d)
			}
		}
	}
	pressed = false
	r.DrawButtons(st, 1) // lift: the whole slider, idle
	level = 0.8
	r.DrawButtons(st, 1)
	got := append([]byte(nil), r.frame.Pix...)
	fresh := newTestRenderer(t, layersConfig(), 2008, 60, true)
	want := fresh.DrawAll(st).Pix
	if string(got) != string(want) {
		t.Fatal("step-by-step slider differs from a full draw")
	}
	// Another layer drawn in between: the slider is drawn whole again.
	r.DrawAll(&State{Layer: 0})
	r.DrawAll(st)
	level = 0.3
	f := r.DrawButtons(st, 1)
	if string(f.Pix) != string(fresh.DrawAll(st).Pix) {
		t.Fatal("slider after a layer change differs")
	}
}

// FuzzStyledLayers: any config that parses, with any style, layers,
// groups and sliders, lays out and draws every layer without a panic.
func FuzzStyledLayers(f *testing.F) {
	f.Add([]byte("[Style]\nButtonSpacing = 512\nCornerRadius = 512\nFontSize = 256\nIconSize = 1024\n" +
		"PrimaryLayerKeys = [ { Slider = \"volume\" }, { Text = \"x\", Group = \"g\" } ]\n"))
	f.Add([]byte("PrimaryLayerKeys = [ { Slider = \"brightness\", Stretch = 1000 }, { Text = \"a\", TextColor = \"#0000\" } ]\n" +
		"[Style]\nBackground = \"#fff8\"\nButtonSpacing = 0\nCornerRadius = 0\n[[Layer]]\nName = \"g\"\nKeys = [ { Group = \"g\" }, { Slider = \"touchbar\" } ]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, diags := config.Parse("f.toml", data)
		if config.HasErrors(diags) {
			return
		}
		c := config.Default()
		file.Apply(c)
		for _, length := range []int{2008, 2170} {
			lay := layouts.Build(c, length, 60)
			r, _ := New(lay, Options{Font: EmbeddedFont(true), ShowOutlines: true, IconDirs: []string{}, XDGDataDirs: []string{}})
			for l := range lay.Layers {
				st := &State{Layer: l, Level: func(_, i int) (float64, bool) { return float64(i%3) / 2, i%2 == 0 }}
				r.DrawAll(st)
				for i := range lay.Layers[l].Buttons {
					r.DrawButtons(st, i)
					lay.Hit(l, float64(lay.Layers[l].Buttons[i].Left)+1, 30)
				}
			}
		}
	})
}
