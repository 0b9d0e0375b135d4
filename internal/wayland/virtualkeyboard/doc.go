// Package virtualkeyboard is the client side of the virtual keyboard
// protocol (zwp_virtual_keyboard_v1): tests use it to press keys and hold
// modifiers on a headless compositor that has no input devices.
package virtualkeyboard

//go:generate go run ../internal/wlgen -in ../protocols/virtual-keyboard-unstable-v1.xml -out protocol.go -pkg virtualkeyboard -strip zwp_
