package preview

import (
	"bytes"
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// centre returns the middle of button i of layer l.
func centre(b *bar, l, i int) (float64, float64) {
	btn := b.lay.Button(l, i)
	return float64(btn.Left) + btn.Width/2, float64(b.lay.Height) / 2
}

func TestPressMoveRelease(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	b := newBar(&out, config.Default(), 2008, 60)
	x, y := centre(b, layouts.Primary, 0)
	b.down(pointerID, x, y)
	if !b.pressed(layouts.Primary, 0) {
		t.Fatal("F1 not drawn pressed")
	}
	gap := float64(b.lay.Button(0, 1).Left) - 2 // inside the 16 px gap
	b.move(pointerID, gap, y)
	b.move(pointerID, x+3, y)
	x2, _ := centre(b, layouts.Primary, 1)
	b.move(pointerID, x2, y) // another button: F1 stays released, F2 is not pressed
	b.up(pointerID)
	want := "press F1\nrelease F1\npress F1\nrelease F1\n"
	if out.String() != want {
		t.Fatalf("printed %q, want %q", out.String(), want)
	}
	if b.pressed(layouts.Primary, 0) || b.pressed(layouts.Primary, 1) {
		t.Fatal("still pressed after release")
	}
}

func TestChordAndEmptyAction(t *testing.T) {
	t.Parallel()
	ctrl, _ := config.KeyCode("LeftCtrl")
	alt, _ := config.KeyCode("LeftAlt")
	f1, _ := config.KeyCode("F1")
	cfg := config.Default()
	cfg.PrimaryLayerKeys = []config.Button{
		{Text: "A", Stretch: 1, Codes: []uint16{ctrl, alt, f1}},
		{Text: "B", Stretch: 1},
		{Stretch: 1, Codes: []uint16{f1}}, // a spacer: never hit
		{Text: "C", Stretch: 1, Codes: []uint16{1000}},
	}
	var out bytes.Buffer
	b := newBar(&out, cfg, 2008, 60)
	for i := range 4 {
		x, y := centre(b, layouts.Primary, i)
		b.down(int32(i), x, y)
		b.up(int32(i))
	}
	want := "press LeftCtrl+LeftAlt+F1\nrelease LeftCtrl+LeftAlt+F1\npress key1000\nrelease key1000\n"
	if out.String() != want {
		t.Fatalf("printed %q, want %q", out.String(), want)
	}
}

func TestShiftShowsFnLayerAndTouchKeepsItsLayer(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	b := newBar(&out, config.Default(), 2008, 60)
	now := time.Unix(0, 0)
	b.fn(true, now)
	if b.shown() != layouts.Media {
		t.Fatal("Shift does not show the media layer")
	}
	x, y := centre(b, layouts.Media, 0)
	b.down(3, x, y)
	b.fn(false, now.Add(time.Second))
	if b.shown() != layouts.Primary {
		t.Fatal("releasing Shift does not go back")
	}
	b.move(3, x+1, y) // still on the media button it started on
	b.up(3)
	if want := "press BrightnessDown\nrelease BrightnessDown\n"; out.String() != want {
		t.Fatalf("printed %q, want %q", out.String(), want)
	}
	b.toggle()
	if b.shown() != layouts.Media {
		t.Fatal("toggle does not show the media layer")
	}
}

func TestReloadReleasesAndResets(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	b := newBar(&out, config.Default(), 2170, 60)
	b.toggle()
	x, y := centre(b, b.shown(), 0) // esc at 2170
	b.down(0, x, y)
	b.dirty = false
	b.setConfig(config.Default(), 2170, 60)
	if want := "press Esc\nrelease Esc\n"; out.String() != want {
		t.Fatalf("printed %q, want %q", out.String(), want)
	}
	if b.shown() != layouts.Primary || !b.dirty || len(b.contacts) != 0 {
		t.Fatal("reload kept the toggle, a contact, or did not ask for a redraw")
	}
}

func TestMissedDown(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	b := newBar(&out, config.Default(), 2008, 60)
	b.down(0, 5, 1) // top 10 %: nothing
	b.move(0, 100, 30)
	b.up(0)
	b.move(7, 100, 30) // unknown contact
	b.up(7)
	if out.Len() != 0 {
		t.Fatalf("printed %q for touches on nothing", out.String())
	}
}
