// Package input turns the Touch Bar's digitizer into key presses: it finds
// and follows input devices (digitizer, Fn keyboards, lid switch, activity
// sources), decodes multitouch frames, and applies the touch rules
// (Tracker) to a virtual keyboard.
//
// Run owns one goroutine per open device (reading on the runtime poller)
// and one for inotify; each sends its Events straight to the caller's
// channel. The Tracker is the caller's, used from its own loop.
package input
