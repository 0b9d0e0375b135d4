package layouts

import (
	"math"
	"testing"
	"time"

	"tiny-dfr/internal/config"
)

func fkeys(n int) []config.Button {
	var bs []config.Button
	for i := 0; i < n; i++ {
		bs = append(bs, config.Button{Text: "F", Codes: []uint16{uint16(59 + i)}, Stretch: 1})
	}
	return bs
}

func TestGeometryTwelveSlots2008(t *testing.T) {
	t.Parallel()
	l := Build(&config.Config{PrimaryLayerKeys: fkeys(12), MediaLayerKeys: fkeys(12)}, 2008, 60)
	bs := l.Layers[Primary].Buttons
	if len(bs) != 12 {
		t.Fatalf("got %d buttons, want 12 (no esc below 2170)", len(bs))
	}
	slot := (2008.0 - 16*11) / 12
	for k, b := range bs {
		wantLeft := int(math.Floor(float64(k) * (slot + 16)))
		if b.Left != wantLeft || b.Width != slot {
			t.Errorf("button %d: left %d width %v, want %d %v", k, b.Left, b.Width, wantLeft, slot)
		}
	}
	last := bs[11]
	if end := float64(last.Left) + last.Width; math.Abs(end-2008) > 1 {
		t.Errorf("last button ends at %v, want the bar's end 2008", end)
	}
}

func TestEscPrependedAt2170(t *testing.T) {
	t.Parallel()
	for _, length := range []int{2169, 2170, 2200} {
		l := Build(&config.Config{PrimaryLayerKeys: fkeys(12), MediaLayerKeys: fkeys(3)}, length, 60)
		for layer, want := range []int{12, 3} {
			bs := l.Layers[layer].Buttons
			hasEsc := len(bs) == want+1
			if hasEsc != (length >= 2170) {
				t.Fatalf("length %d layer %d: %d buttons", length, layer, len(bs))
			}
			if hasEsc {
				f, ok := bs[0].Face.(TextFace)
				a, _ := bs[0].Action.(KeyAction)
				if !ok || f.Label != "esc" || len(a.Codes) != 1 || a.Codes[0] != 1 {
					t.Errorf("first button %+v, want esc sending KEY_ESC", bs[0])
				}
			}
		}
	}
}

func TestStretchAndShiftReserve(t *testing.T) {
	t.Parallel()
	keys := []config.Button{{Text: "a", Stretch: 2}, {Stretch: 1}, {Text: "c", Stretch: 3}}
	l := Build(&config.Config{PrimaryLayerKeys: keys, MediaLayerKeys: keys, EnablePixelShift: true}, 2008, 60)
	bs := l.Layers[Primary].Buttons
	slot := (2008.0 - 22 - 16*5) / 6
	want := []struct {
		left  int
		width float64
	}{
		{11, slot + math.Floor(slot+16)},
		{11 + int(math.Floor(2*(slot+16))), slot},
		{11 + int(math.Floor(3*(slot+16))), slot + math.Floor(2*(slot+16))},
	}
	for i, w := range want {
		if bs[i].Left != w.left || bs[i].Width != w.width {
			t.Errorf("button %d: %d %v, want %d %v", i, bs[i].Left, bs[i].Width, w.left, w.width)
		}
	}
	if _, ok := bs[1].Face.(SpacerFace); !ok {
		t.Errorf("button 1 face %T, want SpacerFace", bs[1].Face)
	}
}

func TestHit(t *testing.T) {
	t.Parallel()
	keys := []config.Button{{Text: "a", Stretch: 1}, {Stretch: 1}, {Text: "c", Stretch: 1}}
	l := Build(&config.Config{PrimaryLayerKeys: keys, MediaLayerKeys: keys}, 2008, 60)
	b0, b2 := l.Layers[0].Buttons[0], l.Layers[0].Buttons[2]
	cases := []struct {
		x, y float64
		want int
	}{
		{float64(b0.Left), 30, 0},
		{float64(b0.Left) + b0.Width - 0.01, 30, 0},
		{float64(b0.Left) + b0.Width + 1, 30, -1},          // the gap
		{float64(l.Layers[0].Buttons[1].Left) + 5, 30, -1}, // a spacer
		{float64(b2.Left) + 5, 30, 2},
		{float64(b2.Left) + 5, 6, 2},     // 10 % of 60
		{float64(b2.Left) + 5, 5.9, -1},  // above 10 %
		{float64(b2.Left) + 5, 54, 2},    // 90 %
		{float64(b2.Left) + 5, 54.1, -1}, // below 90 %
		{-1, 30, -1},
		{2008, 30, -1},
	}
	for _, c := range cases {
		if got := l.Hit(Primary, c.x, c.y); got != c.want {
			t.Errorf("Hit(%v, %v) = %d, want %d", c.x, c.y, got, c.want)
		}
	}
	if got := l.Hit(5, 10, 30); got != -1 {
		t.Errorf("Hit on a missing layer = %d", got)
	}
}

func TestFaceprecedence(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   config.Button
		want Face
	}{
		{config.Button{Text: "x", Icon: "i", Time: "24hr", Battery: "both"}, TextFace{Label: "x"}},
		{config.Button{Icon: "i", Time: "24hr"}, IconFace{Name: "i", Width: 48, Height: 48}},
		{config.Button{Icon: "i", Theme: "t", IconWidth: 30, IconHeight: 20}, IconFace{Name: "i", Theme: "t", Width: 30, Height: 20}},
		{config.Button{Time: "24hr", Battery: "icon"}, ClockFace{Format: "%H:%M    %a %-e %b"}},
		{config.Button{Time: "12hr", Locale: "de_DE"}, ClockFace{Format: "%-l:%M %p    %a %-e %b", Locale: "de_DE"}},
		{config.Button{Time: "%H"}, ClockFace{Format: "%H"}},
		{config.Button{Battery: "both"}, BatteryFace{Mode: BatteryBoth}},
		{config.Button{Codes: []uint16{30}}, SpacerFace{}},
	}
	for _, c := range cases {
		if got := FromConfig(c.in).Face; got != c.want {
			t.Errorf("FromConfig(%+v).Face = %#v, want %#v", c.in, got, c.want)
		}
	}
	if a := FromConfig(config.Button{Codes: []uint16{30}}).Action.(KeyAction); len(a.Codes) != 0 {
		t.Errorf("a spacer sends %v, want nothing", a.Codes)
	}
}

func TestSwitcher(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

	s := Switcher{}
	if s.Shown() != Primary {
		t.Fatal("default layer is not primary")
	}
	if !s.Fn(true, ms(0)) || s.Shown() != Media {
		t.Fatal("Fn held does not show media")
	}
	if s.Fn(true, ms(5)) {
		t.Fatal("a repeated Fn down changed the layer")
	}
	if !s.Fn(false, ms(50)) || s.Shown() != Primary {
		t.Fatal("Fn released does not go back")
	}
	// Without DoublePress two quick presses do nothing lasting.
	s.Fn(true, ms(100))
	s.Fn(false, ms(120))
	if s.Shown() != Primary {
		t.Fatal("double press swapped with the feature off")
	}

	m := Switcher{MediaDefault: true}
	if m.Shown() != Media {
		t.Fatal("MediaLayerDefault not honoured")
	}
	m.Fn(true, ms(0))
	if m.Shown() != Primary {
		t.Fatal("Fn with MediaLayerDefault does not show primary")
	}

	d := Switcher{DoublePress: 200 * time.Millisecond}
	d.Fn(true, ms(0))
	d.Fn(false, ms(50))
	d.Fn(true, ms(150)) // second press within 200 ms: swap
	if d.Shown() != Media {
		t.Fatalf("double press: shown %d while the second press is held, want media", d.Shown())
	}
	d.Fn(false, ms(180))
	if d.Shown() != Media {
		t.Fatal("swap did not stick after release")
	}
	d.Fn(true, ms(1000)) // momentary on top of the swap
	if d.Shown() != Primary {
		t.Fatal("Fn held after a swap does not show the other layer")
	}
	d.Fn(false, ms(1050))
	d.Fn(true, ms(1500)) // 500 ms after the last press: not a double press
	d.Fn(false, ms(1520))
	if d.Shown() != Media {
		t.Fatal("slow presses swapped back")
	}
	d.Fn(true, ms(1600)) // 100 ms after 1500: double press swaps back
	d.Fn(false, ms(1620))
	if d.Shown() != Primary {
		t.Fatal("second double press did not swap back")
	}
	d.Fn(true, ms(1700)) // a third quick press is not another double press
	d.Fn(false, ms(1720))
	if d.Shown() != Primary {
		t.Fatal("third press counted as a new double press")
	}
	d.Fn(true, ms(1750))
	d.Reset()
	if d.Shown() != Primary || d.fnDown {
		t.Fatal("Reset did not clear the swap and Fn")
	}
}

func TestBuildNeverPanics(t *testing.T) {
	t.Parallel()
	l := Build(&config.Config{}, 2008, 60)
	if len(l.Layers[0].Buttons) != 0 || l.Hit(0, 10, 30) != -1 {
		t.Fatal("empty config produced buttons")
	}
	l = Build(&config.Config{PrimaryLayerKeys: []config.Button{{Text: "x", Stretch: 0}}}, 2008, 60)
	if l.Layers[0].Buttons[0].Stretch != 1 {
		t.Fatal("stretch 0 not counted as 1")
	}
	if l.Button(0, 1) != nil || l.Button(2, 0) != nil || l.Button(0, 0) == nil {
		t.Fatal("Button bounds checks wrong")
	}
}
