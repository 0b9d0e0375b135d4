package render

import (
	"bytes"
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

func sessionConfig() *config.Config {
	c := defaultConfig()
	c.PrimaryLayerKeys[0] = config.Button{Text: "Run", Command: "notify-send hi", Stretch: 1}
	c.PrimaryLayerKeys[1] = config.Button{Command: "date", Interval: config.MinInterval, Stretch: 2}
	return c
}

// brightest is the largest red value in the panel rows of button b.
func brightest(f *Frame, b *layouts.Button) uint8 {
	var m uint8
	for row := b.Left; row < b.Left+int(b.Width); row++ {
		for col := 0; col < f.BarHeight; col++ {
			m = max(m, f.At(col, row).R)
		}
	}
	return m
}

// rowsOf copies the panel rows of button b.
func rowsOf(f *Frame, b *layouts.Button) []byte {
	return bytes.Clone(f.Pix[b.Left*f.Stride : (b.Left+int(b.Width))*f.Stride])
}

func TestCommandButtonsDimmedWithoutCompanion(t *testing.T) {
	lay := layouts.Build(sessionConfig(), 2008, 60)
	r, diags := New(lay, testOptions(t, false))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	run, widget, f3 := &lay.Layers[0].Buttons[0], &lay.Layers[0].Buttons[1], &lay.Layers[0].Buttons[2]
	text := "12:00"
	st := &State{Layer: 0, Session: true, Widget: func(_, i int) string {
		if i == 1 {
			return text
		}
		return ""
	}}
	f := r.DrawAll(st)
	liveRun, liveWidget, liveF3 := brightest(f, run), brightest(f, widget), brightest(f, f3)
	before := rowsOf(f, widget)
	if liveRun != 0xff || liveWidget != 0xff {
		t.Fatalf("live command button %d, widget %d: want white text", liveRun, liveWidget)
	}
	// New output: DrawButtons draws it.
	text = "99:99 load 3.2"
	f = r.DrawButtons(st, 1)
	if bytes.Equal(before, rowsOf(f, widget)) || len(f.Damage) != 1 {
		t.Fatalf("the widget's new text did not change its pixels (damage %v)", f.Damage)
	}
	if n := testing.AllocsPerRun(50, func() { r.DrawButtons(st, 1) }); n != 0 {
		t.Errorf("redrawing an unchanged widget allocates %v", n)
	}
	// Without a companion both are dimmed; F3 is not.
	st.Session = false
	f = r.DrawAll(st)
	if c := brightest(f, run); c >= liveRun/2+0x40 {
		t.Errorf("command button without companion: brightest %d, want dimmed", c)
	}
	if c := brightest(f, widget); c >= liveWidget/2+0x40 {
		t.Errorf("widget without companion: brightest %d, want dimmed", c)
	}
	if c := brightest(f, f3); c != liveF3 {
		t.Errorf("F3 changed without companion: %d, was %d", c, liveF3)
	}
}

// A widget before its first output shows its placeholder (Text, else …).
func TestWidgetPlaceholder(t *testing.T) {
	t.Parallel()
	c := sessionConfig()
	c.PrimaryLayerKeys[1].Text = "wait"
	lay := layouts.Build(c, 2008, 60)
	r, _ := New(lay, testOptions(t, false))
	st := &State{Layer: 0, Session: true}
	a := rowsOf(r.DrawAll(st), &lay.Layers[0].Buttons[1])
	st.Widget = func(int, int) string { return "wait" }
	b := rowsOf(r.DrawAll(st), &lay.Layers[0].Buttons[1])
	if !bytes.Equal(a, b) {
		t.Error("the placeholder is not the button's Text")
	}
}
