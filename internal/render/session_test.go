package render

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
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
	st := &State{Layer: 0, Session: true, Widget: func(_, i int) WidgetLook {
		if i == 1 {
			return WidgetLook{Text: text}
		}
		return WidgetLook{}
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
	st.Widget = func(int, int) WidgetLook { return WidgetLook{Text: "wait"} }
	b := rowsOf(r.DrawAll(st), &lay.Layers[0].Buttons[1])
	if !bytes.Equal(a, b) {
		t.Error("the placeholder is not the button's Text")
	}
}

// widgetRig is a bar whose button 1 is a widget (or the media widget).
func widgetRig(t *testing.T, media bool) (*Renderer, *layouts.Button, *State, *WidgetLook, string) {
	t.Helper()
	c := sessionConfig()
	if media {
		c.PrimaryLayerKeys[1] = config.Button{Media: true, Stretch: 3}
	} else {
		c.PrimaryLayerKeys[1].Stretch = 3
	}
	lay := layouts.Build(c, 2008, 60)
	opts := testOptions(t, false)
	r, diags := New(lay, opts)
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	look := &WidgetLook{}
	st := &State{Layer: 0, Session: true, Widget: func(_, i int) WidgetLook {
		if i == 1 {
			return *look
		}
		return WidgetLook{}
	}}
	return r, &lay.Layers[0].Buttons[1], st, look, opts.IconDirs[0]
}

// bodyAt is the colour of button b's body near its left end, mid-height.
func bodyAt(f *Frame, b *layouts.Button) color.RGBA { return f.At(f.BarHeight/2, b.Left+3) }

// A widget's colour is its body (idle and pressed); no colour, or one
// the daemon dropped, leaves the button's own (black without outlines).
func TestWidgetColor(t *testing.T) {
	t.Parallel()
	r, b, st, look, _ := widgetRig(t, false)
	*look = WidgetLook{Text: "hot"}
	if c := bodyAt(r.DrawAll(st), b); c != (color.RGBA{0, 0, 0, 0xff}) {
		t.Fatalf("no colour: body %v, want black", c)
	}
	col, _ := config.ParseColor("#c03010")
	*look = WidgetLook{Text: "hot", Color: col}
	if c := bodyAt(r.DrawButtons(st, 1), b); c != (color.RGBA{0xc0, 0x30, 0x10, 0xff}) {
		t.Fatalf("body %v, want #c03010", c)
	}
	st.Pressed = func(_, i int) bool { return i == 1 }
	if c := bodyAt(r.DrawButtons(st, 1), b); c == (color.RGBA{0xc0, 0x30, 0x10, 0xff}) || c.R < 0xc0 {
		t.Errorf("pressed body %v: want a lighter #c03010", c)
	}
	st.Pressed = nil
	half, _ := config.ParseColor("#ff000080")
	*look = WidgetLook{Text: "hot", Color: half}
	if c := bodyAt(r.DrawButtons(st, 1), b); c != (color.RGBA{0x80, 0, 0, 0xff}) {
		t.Errorf("half-transparent red over black: %v", c)
	}
	st.Session = false // dimmed: no colour
	if c := bodyAt(r.DrawAll(st), b); c != (color.RGBA{0, 0, 0, 0xff}) {
		t.Errorf("dimmed widget: body %v, want black", c)
	}
}

// writeIcon writes a solid green square SVG.
func writeIcon(t *testing.T, path string) {
	t.Helper()
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" fill="#00ff00"/></svg>`
	if err := os.WriteFile(path, []byte(svg), 0o644); err != nil {
		t.Fatal(err)
	}
}

// greenRows counts the panel rows of b holding pure green pixels.
func greenRows(f *Frame, b *layouts.Button) int {
	n := 0
	for row := b.Left; row < b.Left+int(b.Width); row++ {
		for col := 0; col < f.BarHeight; col++ {
			if c := f.At(col, row); c.G == 0xff && c.R == 0 && c.B == 0 {
				n++
				break
			}
		}
	}
	return n
}

// A widget's icon is looked up by name in the icon directories, or read
// from an absolute path; it goes before the text. A missing icon is left
// out and said once.
func TestWidgetIcon(t *testing.T) {
	t.Parallel()
	r, b, st, look, dir := widgetRig(t, false)
	writeIcon(t, filepath.Join(dir, "leaf.svg"))
	abs := filepath.Join(t.TempDir(), "abs.svg")
	writeIcon(t, abs)
	*look = WidgetLook{Text: "12 °C"}
	f := r.DrawAll(st)
	if n := greenRows(f, b); n != 0 {
		t.Fatalf("no icon: %d green rows", n)
	}
	for _, name := range []string{"leaf", abs} {
		*look = WidgetLook{Text: "12 °C", Icon: name}
		f = r.DrawButtons(st, 1)
		if n := greenRows(f, b); n != layouts.DefaultIconSize {
			t.Errorf("icon %s: %d green rows, want %d", name, n, layouts.DefaultIconSize)
		}
		if c := f.At(f.BarHeight/2, b.Left+widgetPad+1); c != (color.RGBA{0, 0xff, 0, 0xff}) {
			t.Errorf("icon %s: %v at its left, want green", name, c)
		}
	}
	if d := r.Diagnostics(); len(d) != 0 {
		t.Errorf("diagnostics %v", d)
	}
	for _, name := range []string{"nope", "/etc/passwd", "/no/such.svg", "a/../b"} {
		*look = WidgetLook{Text: "12 °C", Icon: name}
		if n := greenRows(r.DrawButtons(st, 1), b); n != 0 {
			t.Errorf("icon %q: %d green rows", name, n)
		}
	}
	if d := r.Diagnostics(); len(d) != 1 {
		t.Errorf("diagnostics %v, want one", d)
	}
}

// A companion naming a new icon at every output does not grow the
// renderer: the icons kept are capped.
func TestWidgetIconCacheBounded(t *testing.T) {
	t.Parallel()
	r, _, st, look, dir := widgetRig(t, false)
	writeIcon(t, filepath.Join(dir, "leaf.svg"))
	for i := range 10 * maxWidgetIcons {
		look.Icon = fmt.Sprintf("icon-%d", i)
		if i%3 == 0 {
			look.Icon = "leaf"
		}
		look.Text = look.Icon
		r.DrawButtons(st, 1)
	}
	if n, k := len(r.wicons.imgs), len(r.wicons.keys); n > maxWidgetIcons || k != n {
		t.Fatalf("%d icons kept (%d keys), cap %d", n, k, maxWidgetIcons)
	}
	if r.icons.srcs != nil || r.icons.cache != nil {
		t.Errorf("decoded files kept: %d, icons %d", len(r.icons.srcs), len(r.icons.cache))
	}
}

// The media widget: a play glyph while paused, pause bars while playing,
// the title and the artist when they fit; no player: dimmed.
func TestMediaWidget(t *testing.T) {
	t.Parallel()
	r, b, st, look, _ := widgetRig(t, true)
	f := r.DrawAll(st)
	none := rowsOf(f, b)
	if c := brightest(f, b); c >= 0xc0 {
		t.Errorf("no player: brightest %d, want dimmed", c)
	}
	*look = WidgetLook{Text: "So What", Sub: "Miles Davis", Media: MediaPaused}
	f = r.DrawButtons(st, 1)
	paused := rowsOf(f, b)
	if c := brightest(f, b); c != 0xff {
		t.Errorf("paused: brightest %d, want white", c)
	}
	look.Media = MediaPlaying
	playing := rowsOf(r.DrawButtons(st, 1), b)
	if bytes.Equal(paused, playing) || bytes.Equal(none, paused) {
		t.Error("the glyph does not follow the state")
	}
	// Only the glyph's rows differ between paused and playing.
	glyphEnd := (b.Left + widgetPad + 30) * r.frame.Stride
	if !bytes.Equal(paused[glyphEnd-b.Left*r.frame.Stride:], playing[glyphEnd-b.Left*r.frame.Stride:]) {
		t.Error("playing changed more than the glyph")
	}
	look.Sub = ""
	title := rowsOf(r.DrawButtons(st, 1), b)
	if bytes.Equal(title, playing) {
		t.Error("the artist is not drawn though it fits")
	}
	look.Sub = strings.Repeat("Miles Davis ", 40) // does not fit: the title alone
	if got := rowsOf(r.DrawButtons(st, 1), b); !bytes.Equal(got, title) {
		t.Error("an artist too long to fit is drawn")
	}
	look.Media = MediaNone // gone: dimmed again
	if got := rowsOf(r.DrawButtons(st, 1), b); !bytes.Equal(got, none) {
		t.Error("no player again: not the dimmed placeholder")
	}
}
