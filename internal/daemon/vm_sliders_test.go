package daemon

import (
	"os"
	"strconv"
	"testing"
	"time"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/sliders"
	"tiny-dfr/internal/sliders/sliderstest"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// TestDaemonVMSliders: the real daemon in the guest with a keyboard and a
// touchbar slider; a finger slides them on the fake digitizer and the
// levels the kernel holds are read (the keyboard's: hid-apple's LED of a
// uhid T2 keyboard; the Touch Bar's: the backlight directory).
func TestDaemonVMSliders(t *testing.T) {
	vmtest.HostOnly(t)
	barGuest(t, "TestVMSliders", nil, nil)
}

const slidersConfig = `PrimaryLayerKeys = [
  { Slider = "keyboard", Stretch = 3 },
  { Slider = "touchbar", Stretch = 3 },
  { Text = "ten", Action = "F10" },
]
`

func TestVMSliders(t *testing.T) {
	vmtest.GuestOnly(t)
	g := newGeometry(t)
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, int32(g.length), barHeight, 4))
	fn := create(t, uinput.FnKeyboardConfig("Apple Internal Keyboard"))
	defer fn.Close()
	const ledMax = 255
	t2 := sliderstest.NewT2Keyboard(t, ledMax)
	sliderstest.WaitLED(t)
	led := sliderstest.LED + "/brightness"
	max, err := strconv.Atoi(readFile(t, sliderstest.LED+"/max_brightness"))
	if err != nil {
		t.Fatal(err)
	}
	rootOnlyNodes(t)
	b := startLitBar(t, g, slidersConfig, "-leds", "/sys/class/leds")
	p, kb, lay, bl := b.p, b.kb, b.lay, b.bl

	// slide puts a finger on slider b at level from, moves it in steps
	// to level to (then to x beyond, when set) and lifts.
	slide := func(b int, from, to float64, beyond float64) {
		btn := lay.Button(0, b)
		start, end, _ := btn.SliderTrack()
		at := func(f float64) float64 { return start + (end-start)*f }
		g.touch(t, dig, at(from), barHeight/2)
		for i := 1; i <= 10; i++ {
			time.Sleep(10 * time.Millisecond)
			move(t, dig, g, at(from+(to-from)*float64(i)/10))
		}
		if beyond > 0 {
			time.Sleep(10 * time.Millisecond)
			move(t, dig, g, beyond)
		}
		time.Sleep(50 * time.Millisecond)
		lift(t, dig)
	}
	// levelNear waits for the file to hold want ± 2 (the finger's place is
	// quantized to digitizer units).
	levelNear := func(what, path string, want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			v, err := strconv.Atoi(readFile(t, path))
			if err == nil && v >= want-2 && v <= want+2 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %s holds %q, want %d±2", what, path, readFile(t, path), want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	t.Run("keyboard", func(t *testing.T) {
		slide(0, 0.1, 0.7, 0)
		levelNear("keyboard slid to 0.7", led, sliders.ToRaw(0.7, max))
		got := -1
		for len(t2.Sets) > 0 {
			got = <-t2.Sets
		}
		if got < 0 {
			t.Error("hid-apple sent the keyboard no backlight report")
		}
		kb.expectNone(t, "a slide")
	})

	t.Run("touchbar", func(t *testing.T) {
		slide(1, 0.9, 0.3, 0)
		levelNear("touchbar slid to 0.3", bl+"/brightness", sliders.ToRaw(0.3, 255))
	})

	t.Run("capture", func(t *testing.T) {
		// Onto the F10 button and to the bar's end: still the keyboard
		// slider, at its top; no key.
		ten := lay.Button(0, 2)
		slide(0, 0.5, 0.9, float64(ten.Left)+ten.Width/2)
		levelNear("keyboard slid past its end", led, max)
		kb.expectNone(t, "a slide onto F10")
		g.tapButton(t, dig, kb, lay, 0, 2) // the key still works
	})

	t.Run("elsewhere", func(t *testing.T) {
		before := askScreen(t)
		if err := os.WriteFile(led, []byte("3\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		waitScreen(t, "keyboard level changed elsewhere", func(s screen) bool { return s.hash != before.hash })
	})

	if code := p.stop(t); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

// move moves finger 0 to bar pixel x.
func move(t *testing.T, d *uinput.Device, g *geometry, x float64) {
	t.Helper()
	rx := raw(x, g.length)
	if err := d.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: rx},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsX, Value: rx},
	); err != nil {
		t.Fatal(err)
	}
}

// lift lifts finger 0.
func lift(t *testing.T, d *uinput.Device) {
	t.Helper()
	if err := d.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: -1},
		uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0},
	); err != nil {
		t.Fatal(err)
	}
}
