package input

import (
	"testing"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/uinput"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	mt := bitsOf(evdev.AbsX, evdev.AbsY, evdev.AbsMtSlot, evdev.AbsMtPositionX, evdev.AbsMtTrackingID)
	keys := func(codes ...int) evdev.Bits {
		b := make(evdev.Bits, 96)
		for _, c := range codes {
			b[c/8] |= 1 << (c % 8)
		}
		return b
	}
	none := make(evdev.Bits, 96)
	for _, c := range []struct {
		name string
		in   evdev.Info
		want role
	}{
		{"T2 digitizer", evdev.Info{Name: uinput.DigitizerT2, EV: bitsOf(evdev.EvAbs), Abs: mt, Key: none, Sw: none}, roleDigitizer},
		{"M1 digitizer", evdev.Info{Name: uinput.DigitizerM1, EV: bitsOf(evdev.EvAbs), Abs: mt, Key: none, Sw: none}, roleDigitizer},
		{"M2 single touch", evdev.Info{Name: uinput.DigitizerM2, EV: bitsOf(evdev.EvAbs), Abs: bitsOf(evdev.AbsX), Key: none, Sw: none}, roleDigitizer},
		{"other Touch Bar with MT", evdev.Info{Name: "Mac15,3 Touch Bar", EV: bitsOf(evdev.EvAbs), Abs: mt, Key: none, Sw: none}, roleDigitizer},
		{"Touch Bar keyboard part", evdev.Info{Name: "Apple Inc. Touch Bar Display", EV: bitsOf(evdev.EvKey), Abs: none, Key: keys(30), Sw: none}, roleActivity},
		{"our virtual keyboard", evdev.Info{Name: uinput.KeyboardName, EV: bitsOf(evdev.EvKey), Key: keys(evdev.KeyFn), Abs: none, Sw: none}, 0},
		{"keyboard with Fn", evdev.Info{Name: "Apple Internal Keyboard / Trackpad", EV: bitsOf(evdev.EvKey), Key: keys(30, evdev.KeyFn), Abs: none, Sw: none}, roleFn | roleActivity},
		{"lid", evdev.Info{Name: "Lid Switch", EV: bitsOf(evdev.EvSw), Sw: bitsOf(evdev.SwLid), Key: none, Abs: none}, roleLid},
		{"mouse", evdev.Info{Name: "Mouse", EV: bitsOf(evdev.EvRel, evdev.EvKey), Key: keys(0x110), Abs: none, Sw: none}, roleActivity},
		{"nothing useful", evdev.Info{Name: "PC Speaker", EV: bitsOf(0x12), Key: none, Abs: none, Sw: none}, 0},
	} {
		if got := classify(&c.in); got != c.want {
			t.Errorf("%s: role %b, want %b", c.name, got, c.want)
		}
	}
}
