package input

import (
	"strings"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/uinput"
)

// role is what Run does with a device; a device can have several.
type role uint8

const (
	roleDigitizer role = 1 << iota // its touches drive the Tracker
	roleFn                         // it has KEY_FN
	roleLid                        // it has SW_LID
	roleActivity                   // its events reset the idle timer
)

// knownDigitizer reports whether name is a Touch Bar digitizer's.
func knownDigitizer(name string) bool {
	switch name {
	case uinput.DigitizerT2, uinput.DigitizerM1, uinput.DigitizerM2:
		return true
	}
	return false
}

// classify says what a device is for; 0 means it is not opened.
func classify(in *evdev.Info) role {
	if in.Name == uinput.KeyboardName {
		return 0 // our own virtual keyboard: never an input
	}
	hasMT := in.Abs.Has(evdev.AbsMtPositionX) && in.Abs.Has(evdev.AbsMtSlot)
	hasAxes := hasMT || in.Abs.Has(evdev.AbsX)
	if (knownDigitizer(in.Name) && hasAxes) || (strings.Contains(in.Name, " Touch Bar") && hasMT) {
		return roleDigitizer
	}
	var r role
	if in.Key.Has(evdev.KeyFn) {
		r |= roleFn
	}
	if in.Sw.Has(evdev.SwLid) {
		r |= roleLid
	}
	if in.EV.Has(evdev.EvKey) || in.EV.Has(evdev.EvRel) || in.EV.Has(evdev.EvAbs) {
		r |= roleActivity
	}
	return r
}
