// Package uinput creates virtual input devices through /dev/uinput: the
// daemon's virtual keyboard, and fake digitizers, keyboards and lid
// switches for tests against a real kernel.
package uinput
