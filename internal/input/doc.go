// Package input turns the Touch Bar's digitizer into key presses: it finds
// and follows input devices (digitizer, Fn keyboards, lid switch, activity
// sources), decodes multitouch frames, and applies the touch rules
// (Tracker) to a virtual keyboard.
package input
