package uinput

import "tiny-dfr/internal/evdev"

// The daemon's virtual keyboard, as users' tools see it.
const (
	KeyboardName    = "Dynamic Function Row Virtual Input Device"
	KeyboardBus     = 0x19
	KeyboardVendor  = 0x1209
	KeyboardProduct = 0x316E
	KeyboardVersion = 1
)

// Keyboard is the virtual keyboard the Touch Bar types on. Every key code
// 0–767 is enabled, so a reloaded layout can use new keys.
type Keyboard struct{ d *Device }

// NewKeyboard creates the virtual keyboard on path (normally /dev/uinput).
func NewKeyboard(path string) (*Keyboard, error) {
	d, err := Create(path, KeyboardConfig())
	if err != nil {
		return nil, err
	}
	return &Keyboard{d: d}, nil
}

// KeyboardConfig is the virtual keyboard's description.
func KeyboardConfig() Config {
	keys := make([]uint16, evdev.KeyCnt)
	for i := range keys {
		keys[i] = uint16(i)
	}
	return Config{
		Name: KeyboardName,
		ID:   evdev.InputID{Bustype: KeyboardBus, Vendor: KeyboardVendor, Product: KeyboardProduct, Version: KeyboardVersion},
		Keys: keys,
	}
}

// Press sends a key down for each code in order, then one SYN_REPORT, in a
// single write(2). No codes: nothing is written.
func (k *Keyboard) Press(codes []uint16) error { return k.d.keys(codes, 1) }

// Release sends a key up for each code in order, then one SYN_REPORT, in a
// single write(2).
func (k *Keyboard) Release(codes []uint16) error { return k.d.keys(codes, 0) }

// Close destroys the keyboard without releasing anything: release held keys
// first (input.Tracker.ReleaseAll).
func (k *Keyboard) Close() error { return k.d.Close() }
