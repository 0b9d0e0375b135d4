package layouts

import (
	"testing"
	"time"

	"tiny-dfr/internal/config"
)

func threeLayers() *config.Config {
	return &config.Config{
		PrimaryLayerKeys: []config.Button{
			{Text: "F1", Codes: []uint16{59}, Stretch: 1},
			{Text: "dev", Layer: "dev", Stretch: 1},
			{Text: "tools", Group: "tools", Stretch: 1},
		},
		MediaLayerKeys: fkeys(2),
		Layers: []config.NamedLayer{
			{Name: "dev", Keys: []config.Button{{Text: "a", Stretch: 1}, {Text: "b", Stretch: 2}, {Text: "back", Layer: "primary", Stretch: 1}}},
			{Name: "tools", Keys: []config.Button{{Slider: config.SliderBrightness, Stretch: 3}, {Text: "more", Group: "more", Stretch: 1}}},
			{Name: "more", Keys: []config.Button{{Icon: "search", IconWidth: 48, IconHeight: 48, Stretch: 1}}},
		},
	}
}

func TestBuildNamedLayers(t *testing.T) {
	t.Parallel()
	l := Build(threeLayers(), 2008, 60)
	if len(l.Layers) != 5 {
		t.Fatalf("%d layers, want 5", len(l.Layers))
	}
	for i, name := range []string{"primary", "media", "dev", "tools", "more"} {
		if l.Layers[i].Name != name || l.Index(name) != i {
			t.Errorf("layer %d named %q, Index(%q) = %d", i, l.Layers[i].Name, name, l.Index(name))
		}
	}
	if l.Index("nope") != -1 {
		t.Error("Index of a missing layer")
	}
	p := l.Layers[Primary].Buttons
	if a, ok := p[1].Action.(LayerAction); !ok || a.Layer != 2 {
		t.Errorf("layer button action %#v", p[1].Action)
	}
	if a, ok := p[2].Action.(GroupAction); !ok || a.Layer != 3 {
		t.Errorf("group button action %#v", p[2].Action)
	}
	// dev is a plain layer: 3 buttons of 1+2+1 slots; back to primary.
	dev := l.Layers[2]
	if dev.Group || len(dev.Buttons) != 3 {
		t.Fatalf("dev: group %v, %d buttons", dev.Group, len(dev.Buttons))
	}
	slot := (2008.0 - 16*3) / 4
	if dev.Buttons[1].Width != slot+slot+16 || dev.Buttons[2].Left != int(3*(slot+16)) {
		t.Errorf("dev geometry %+v", dev.Buttons)
	}
	if a, ok := dev.Buttons[2].Action.(LayerAction); !ok || a.Layer != Primary {
		t.Errorf("back button action %#v", dev.Buttons[2].Action)
	}
	// tools and more are groups: × first.
	for _, i := range []int{3, 4} {
		g := l.Layers[i]
		if !g.Group {
			t.Fatalf("%s not a group", g.Name)
		}
		if _, ok := g.Buttons[0].Face.(CloseFace); !ok {
			t.Errorf("%s: first face %T, want CloseFace", g.Name, g.Buttons[0].Face)
		}
		if _, ok := g.Buttons[0].Action.(CloseAction); !ok {
			t.Errorf("%s: first action %T, want CloseAction", g.Name, g.Buttons[0].Action)
		}
	}
	tools := l.Layers[3].Buttons
	if f, ok := tools[1].Face.(SliderFace); !ok || f.Kind != config.SliderBrightness || f.Icon != "brightness_high" || f.IconSize != 48 {
		t.Errorf("slider face %#v", tools[1].Face)
	}
	if a, ok := tools[1].Action.(SliderAction); !ok || a.Kind != config.SliderBrightness {
		t.Errorf("slider action %#v", tools[1].Action)
	}
	// At 2170: esc, then ×.
	l = Build(threeLayers(), 2170, 60)
	g := l.Layers[3].Buttons
	if f, _ := g[0].Face.(TextFace); f.Label != "esc" {
		t.Errorf("group at 2170 starts with %#v", g[0].Face)
	}
	if _, ok := g[1].Face.(CloseFace); !ok {
		t.Errorf("group at 2170: second face %T, want CloseFace", g[1].Face)
	}
}

func TestAutoEscapeOff(t *testing.T) {
	t.Parallel()
	c := threeLayers()
	c.NoAutoEscape = true
	l := Build(c, 2170, 60)
	for _, layer := range l.Layers {
		if f, ok := layer.Buttons[0].Face.(TextFace); ok && f.Label == "esc" {
			t.Errorf("%s: esc with AutoEscape off", layer.Name)
		}
	}
	if n := len(l.Layers[Primary].Buttons); n != 3 {
		t.Errorf("primary has %d buttons, want 3", n)
	}
}

func TestStyleSpacingAndIconSize(t *testing.T) {
	t.Parallel()
	c := &config.Config{PrimaryLayerKeys: []config.Button{
		{Icon: "a", IconWidth: 48, IconHeight: 48, Stretch: 1},
		{Icon: "b", IconWidth: 30, IconWidthSet: true, IconHeight: 48, Stretch: 1},
		{Slider: config.SliderVolume, Stretch: 2},
	}}
	c.Style.ButtonSpacing, c.Style.ButtonSpacingSet, c.Style.IconSize = 0, true, 40
	l := Build(c, 2008, 60)
	bs := l.Layers[Primary].Buttons
	if l.Spacing != 0 || bs[0].Width != 502 || bs[1].Left != 502 || bs[2].Left != 1004 || bs[2].Width != 1004 {
		t.Errorf("spacing 0: %d, %+v", l.Spacing, bs)
	}
	if f := bs[0].Face.(IconFace); f.Width != 40 || f.Height != 40 {
		t.Errorf("IconSize not applied: %+v", f)
	}
	if f := bs[1].Face.(IconFace); f.Width != 30 || f.Height != 40 {
		t.Errorf("IconWidth written must win: %+v", f)
	}
	if f := bs[2].Face.(SliderFace); f.IconSize != 40 {
		t.Errorf("slider icon size %d", f.IconSize)
	}
}

func TestSliderLevel(t *testing.T) {
	b := Button{Face: SliderFace{Kind: "volume", IconSize: 48}, Left: 100, Width: 500}
	start, end, icon := b.SliderTrack()
	if start != 100+16+48+16 || end != 600-16 || !icon {
		t.Fatalf("track %v–%v icon %v", start, end, icon)
	}
	for _, c := range []struct{ x, want float64 }{
		{0, 0}, {start, 0}, {(start + end) / 2, 0.5}, {end, 1}, {2000, 1},
	} {
		if got := b.SliderLevel(c.x); got != c.want {
			t.Errorf("SliderLevel(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	narrow := Button{Face: SliderFace{IconSize: 48}, Left: 0, Width: 120}
	if s, e, icon := narrow.SliderTrack(); icon || s != 16 || e != 104 {
		t.Errorf("narrow track %v–%v icon %v", s, e, icon)
	}
	tiny := Button{Face: SliderFace{}, Left: 10, Width: 20}
	if lv := tiny.SliderLevel(20); lv < 0 || lv > 1 {
		t.Errorf("tiny slider level %v", lv)
	}
	if n := testing.AllocsPerRun(100, func() { b.SliderLevel(300) }); n != 0 {
		t.Errorf("SliderLevel allocates %v", n)
	}
}

func TestHitAllocatesNothing(t *testing.T) {
	l := Build(threeLayers(), 2170, 60)
	if n := testing.AllocsPerRun(100, func() { l.Hit(3, 500, 30) }); n != 0 {
		t.Errorf("Hit allocates %v", n)
	}
	if l.Hit(4, float64(l.Layers[4].Buttons[1].Left)+1, 30) != 1 {
		t.Error("Hit on a group layer")
	}
}

func TestSwitcherLayers(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	s := Switcher{}
	if !s.Layer(2, ms(0)) || s.Shown() != 2 {
		t.Fatal("layer button does not switch")
	}
	if !s.Layer(2, ms(10)) || s.Shown() != Primary {
		t.Fatal("the same layer button does not return to the base layer")
	}
	s.Layer(2, ms(20))
	s.Layer(3, ms(30))
	if s.Shown() != 3 {
		t.Fatal("another layer button does not switch")
	}
	if !s.Fn(true, ms(40)) || s.Shown() != Primary {
		t.Fatal("Fn does not return to the base layer")
	}
	if s.Fn(false, ms(50)) || s.Shown() != Primary {
		t.Fatal("releasing that Fn flipped a layer")
	}
	// A layer chosen while Fn holds media stays after Fn is released.
	s.Fn(true, ms(1000))
	if s.Shown() != Media {
		t.Fatal("Fn momentary broken after layers")
	}
	s.Layer(2, ms(1010))
	s.Fn(false, ms(1020))
	if s.Shown() != 2 {
		t.Fatal("layer chosen under Fn lost on release")
	}
	// MediaDefault: back means back to media.
	m := Switcher{MediaDefault: true}
	m.Layer(4, ms(0))
	m.Fn(true, ms(10))
	m.Fn(false, ms(20))
	if m.Shown() != Media {
		t.Fatal("Fn does not return to the media base")
	}
	// Close on a chosen layer (a group layer switched to with Layer) goes back.
	m.Layer(4, ms(30))
	if !m.Close(ms(40)) || m.Shown() != Media {
		t.Fatal("× on a chosen layer does not go back")
	}
}

func TestSwitcherGroups(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	sec := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Second))) }
	s := Switcher{GroupTimeout: 10 * time.Second}
	if _, ok := s.Deadline(); ok {
		t.Fatal("deadline without a group")
	}
	s.Layer(2, sec(0))
	if !s.Act(GroupAction{Layer: 3}, sec(1)) || s.Shown() != 3 || s.Groups() != 1 {
		t.Fatal("group does not open")
	}
	if d, ok := s.Deadline(); !ok || !d.Equal(sec(11)) {
		t.Fatalf("deadline %v %v, want 11 s", d, ok)
	}
	s.Act(GroupAction{Layer: 4}, sec(2))
	if s.Shown() != 4 || s.Groups() != 2 {
		t.Fatal("nested group does not open")
	}
	s.Touch(sec(5))
	if d, _ := s.Deadline(); !d.Equal(sec(15)) {
		t.Fatalf("touch does not restart the timeout: %v", d)
	}
	if !s.Act(CloseAction{}, sec(6)) || s.Shown() != 3 {
		t.Fatal("close does not return to the group below")
	}
	if !s.Close(sec(7)) || s.Shown() != 2 {
		t.Fatal("closing the last group does not return to the layer below")
	}
	// Timeout closes every group.
	s.Group(3, sec(20))
	s.Group(4, sec(21))
	if s.Expire(sec(30.9)) {
		t.Fatal("expired early")
	}
	if !s.Expire(sec(31)) || s.Shown() != 2 || s.Groups() != 0 {
		t.Fatalf("timeout: shown %d groups %d", s.Shown(), s.Groups())
	}
	// Fn closes every group and goes to the base layer.
	s.Group(3, sec(40))
	s.Group(4, sec(41))
	if !s.Fn(true, sec(42)) || s.Shown() != Primary || s.Groups() != 0 {
		t.Fatal("Fn does not close groups")
	}
	s.Fn(false, sec(43))
	if s.Shown() != Primary {
		t.Fatal("Fn release after closing groups flipped")
	}
	// GroupTimeout 0: groups stay.
	z := Switcher{}
	z.Group(3, sec(0))
	if _, ok := z.Deadline(); ok || z.Expire(sec(1e6)) {
		t.Fatal("GroupTimeout 0 expires")
	}
	// A group opened again is brought back to the top; the stack is bounded.
	z.Group(4, sec(1))
	z.Group(3, sec(2))
	if z.Groups() != 1 || z.Shown() != 3 {
		t.Fatalf("reopening: %d groups, shown %d", z.Groups(), z.Shown())
	}
	for i := 0; i < 3*MaxGroups; i++ {
		z.Group(10+i, sec(3))
	}
	if z.Groups() != MaxGroups || z.Shown() != 10+3*MaxGroups-1 {
		t.Fatalf("stack: %d groups, shown %d", z.Groups(), z.Shown())
	}
	// A layer button inside a group closes the groups.
	z.Layer(2, sec(4))
	if z.Groups() != 0 || z.Shown() != 2 {
		t.Fatal("layer button in a group")
	}
	z.Group(3, sec(5))
	z.Reset()
	if z.Shown() != Primary || z.Groups() != 0 {
		t.Fatal("Reset keeps groups")
	}
	if z.Act(KeyAction{}, sec(6)) {
		t.Fatal("a key action switched")
	}
}
