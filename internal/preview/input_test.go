package preview

import (
	"bytes"
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/wayland"
)

// testWindow wires a seat's handlers to a bar without a compositor.
func testWindow(t *testing.T, scale int) (*window, *seat, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	w := &window{bar: newBar(&out, config.Default(), 2008, BarHeight), scale: scale,
		now: func() time.Time { return time.Unix(0, 0) }}
	s := &seat{pointer: &wayland.Pointer{}, keyboard: &wayland.Keyboard{}, touch: &wayland.Touch{}}
	w.pointerHandlers(s)
	w.keyboardHandlers(s)
	w.touchHandlers(s)
	return w, s, &out
}

func TestPointerAtScale(t *testing.T) {
	t.Parallel()
	w, s, out := testWindow(t, 3)
	x, y := centre(w.bar, layouts.Primary, 4) // F5
	s.pointer.OnEnter(1, 1, 3*x, 3*y)
	s.pointer.OnButton(2, 0, btnLeft, wayland.PointerButtonStatePressed)
	s.pointer.OnMotion(0, 3*x+1, 3*y)
	s.pointer.OnLeave(3, 1) // leaving while held releases
	s.pointer.OnButton(4, 0, btnLeft, wayland.PointerButtonStateReleased)
	if want := "press F5\nrelease F5\n"; out.String() != want {
		t.Fatalf("printed %q, want %q", out.String(), want)
	}
	s.pointer.OnButton(5, 0, btnRight, wayland.PointerButtonStatePressed)
	if w.bar.shown() != layouts.Media {
		t.Fatal("right click does not toggle the layer")
	}
}

func TestShiftAndFnKey(t *testing.T) {
	t.Parallel()
	w, s, _ := testWindow(t, 1)
	s.keyboard.OnModifiers(1, 1, 0, 0, 0) // Shift down
	if w.bar.shown() != layouts.Media {
		t.Fatal("Shift does not show the Fn layer")
	}
	s.keyboard.OnKey(2, 0, keyFn, wayland.KeyboardKeyStatePressed)
	s.keyboard.OnModifiers(3, 0, 0, 0, 0) // Shift up, Fn still held
	if w.bar.shown() != layouts.Media {
		t.Fatal("Fn key held but the Fn layer went away")
	}
	s.keyboard.OnKey(4, 0, keyFn, wayland.KeyboardKeyStateReleased)
	if w.bar.shown() != layouts.Primary {
		t.Fatal("Fn layer stays after Shift and Fn are up")
	}
	s.keyboard.OnModifiers(5, 1, 0, 0, 0)
	s.keyboard.OnLeave(6, 1) // focus lost: nothing held any more
	if w.bar.shown() != layouts.Primary {
		t.Fatal("Fn layer stays after the keyboard left")
	}
	s.keyboard.OnKey(7, 0, keySpace, wayland.KeyboardKeyStatePressed)
	if w.bar.shown() != layouts.Media {
		t.Fatal("Space does not toggle")
	}
}

func TestTouchesAreIndependent(t *testing.T) {
	t.Parallel()
	w, s, out := testWindow(t, 2)
	x1, y := centre(w.bar, layouts.Primary, 0)
	x2, _ := centre(w.bar, layouts.Primary, 1)
	s.touch.OnDown(1, 0, 1, 0, 2*x1, 2*y)
	s.touch.OnDown(2, 0, 1, 1, 2*x2, 2*y)
	s.touch.OnUp(3, 0, 0)
	s.touch.OnDown(4, 0, 1, 2, 2*x1, 2*y)
	s.touch.OnCancel() // releases every finger still down
	want := "press F1\npress F2\nrelease F1\npress F1\n"
	if got := out.String(); len(got) < len(want) || got[:len(want)] != want {
		t.Fatalf("printed %q, want it to start with %q", got, want)
	}
	if w.bar.pressed(layouts.Primary, 0) || w.bar.pressed(layouts.Primary, 1) || len(w.bar.contacts) != 0 {
		t.Fatal("touches left after cancel")
	}
}
