package uinput

import "tiny-dfr/internal/evdev"

// Names of the real Touch Bar digitizers.
const (
	DigitizerT2      = "Apple Inc. Touch Bar Display Touchpad"
	DigitizerM1      = "MacBookPro17,1 Touch Bar"
	DigitizerM2      = "Mac14,7 Touch Bar"
	AppleVendor      = 0x05ac
	T2TouchBarDevice = 0x8302
)

// DigitizerConfig describes a multitouch digitizer like the Touch Bar's
// (protocol B, INPUT_PROP_DIRECT): x in 0..width-1, y in 0..height-1.
func DigitizerConfig(name string, width, height int32, slots int32) Config {
	return Config{
		Name:  name,
		ID:    evdev.InputID{Bustype: evdev.BusUSB, Vendor: AppleVendor, Product: T2TouchBarDevice, Version: 1},
		Keys:  []uint16{evdev.BtnTouch},
		Props: []uint16{evdev.PropDirect},
		Abs: []Axis{
			{evdev.AbsX, evdev.AbsInfo{Maximum: width - 1}},
			{evdev.AbsY, evdev.AbsInfo{Maximum: height - 1}},
			{evdev.AbsMtSlot, evdev.AbsInfo{Maximum: slots - 1}},
			{evdev.AbsMtTrackingID, evdev.AbsInfo{Maximum: 65535}},
			{evdev.AbsMtPositionX, evdev.AbsInfo{Maximum: width - 1}},
			{evdev.AbsMtPositionY, evdev.AbsInfo{Maximum: height - 1}},
		},
	}
}

// FnKeyboardConfig describes a keyboard with KEY_FN and a few letters.
func FnKeyboardConfig(name string) Config {
	return Config{
		Name: name,
		ID:   evdev.InputID{Bustype: evdev.BusUSB, Vendor: AppleVendor, Product: 0x0340, Version: 1},
		Keys: []uint16{evdev.KeyFn, 30, 31, 32, 33}, // Fn, A, S, D, F
	}
}

// LidConfig describes a lid switch.
func LidConfig(name string) Config {
	return Config{Name: name, ID: evdev.InputID{Bustype: 0x19, Version: 1}, Switches: []uint16{evdev.SwLid}}
}

// NewDigitizer creates a fake Touch Bar digitizer (see DigitizerConfig).
func NewDigitizer(path, name string, width, height, slots int32) (*Device, error) {
	return Create(path, DigitizerConfig(name, width, height, slots))
}

// NewFnKeyboard creates a fake keyboard with KEY_FN.
func NewFnKeyboard(path, name string) (*Device, error) { return Create(path, FnKeyboardConfig(name)) }

// NewLid creates a fake lid switch.
func NewLid(path, name string) (*Device, error) { return Create(path, LidConfig(name)) }
