package drm

import (
	"fmt"
	"image"
	"os"
	"strconv"
	"testing"

	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/vmtest"
)

// Guest tests: they run inside the QEMU guest (virtio-gpu, portrait mode
// XRes×YRes) started by TestGuest2008 and TestGuest2170, and ask the host to
// compare its screendump with the scene they drew.

// guestDisplay opens the display the way the daemon does (no flags) and
// checks it found the portrait strip the host configured.
func guestDisplay(t *testing.T) *Display {
	t.Helper()
	vmtest.GuestOnly(t)
	if _, err := os.Stat("/dev/dri/card0"); err != nil {
		t.Skip("no /dev/dri/card0")
	}
	d, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	})
	length, height := d.Size()
	if want, _ := strconv.Atoi(os.Getenv("DRM_TEST_YRES")); want != 0 && (length != want || height != 64) {
		t.Fatalf("Size() = %d, %d; want %d, 64", length, height, want)
	}
	t.Logf("%s: mode %+v, atomic %v, pitch %d", d.Card(), d.Mode(), d.Atomic(), d.pitch)
	return d
}

// askScreen asks the host whether its screendump shows scene(pressed).
func askScreen(t *testing.T, what string, pressed int) {
	t.Helper()
	reply, err := vmtest.AskHost(fmt.Sprintf("screen %d", pressed))
	if err != nil {
		t.Fatal(err)
	}
	if reply != "ok" {
		t.Errorf("%s: host screendump: %s", what, reply)
	}
}

// TestVMDraw draws the F-key layer, then presses one button and shows that
// the host sees it only after the damage-clipped DIRTYFB.
func TestVMDraw(t *testing.T) {
	d := guestDisplay(t)
	length, height := d.Size()
	f, lay := scene(length, height, -1)
	if length >= layouts.EscLength {
		if tf, ok := lay.Layers[layouts.Primary].Buttons[0].Face.(layouts.TextFace); !ok || tf.Label != "esc" {
			t.Errorf("first button of a %d px bar is %#v, want esc", length, lay.Layers[0].Buttons[0].Face)
		}
	}
	if err := d.Present(f); err != nil {
		t.Fatal(err)
	}
	askScreen(t, "full frame", -1)

	const button = 2
	p, _ := scene(length, height, button)
	clips := d.copyDamage(p)
	if len(clips) != 1 {
		t.Fatalf("one button's damage gave clips %v", clips)
	}
	askScreen(t, "written, not flushed", -1)
	if err := d.flush(clips); err != nil {
		t.Fatal(err)
	}
	askScreen(t, "flushed with the button's clip", button)
}

// TestVMReopen closes the display and opens it again, as after a T2
// suspend; each time the host sees the new picture.
func TestVMReopen(t *testing.T) {
	vmtest.GuestOnly(t)
	for i := range 2 {
		d, err := Open(Options{})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		length, height := d.Size()
		f, _ := scene(length, height, i)
		f.Damage = []image.Rectangle{image.Rect(0, 0, f.Width, f.Height)}
		err = d.Present(f)
		if err == nil {
			askScreen(t, fmt.Sprintf("open %d", i), i)
		}
		if cerr := d.Close(); cerr != nil || err != nil {
			t.Fatalf("open %d: present %v, close %v", i, err, cerr)
		}
	}
}
