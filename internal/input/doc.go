// Package input turns the Touch Bar's digitizer into key presses: it finds
// and follows input devices (digitizer, Fn keyboards, lid switch, activity
// sources), decodes multitouch frames, and applies the touch rules
// (Tracker) to a virtual keyboard.
//
// Run owns one goroutine per open device (reading on the runtime poller)
// and one for inotify; each sends its Events straight to the caller's
// channel. The Tracker is the caller's, used from its own loop.
//
// The daemon calls OpenExisting as root, before dropping its rights, and
// hands the result to Run (Options.Opened): devices present at start work
// even where their nodes are root-only. Devices appearing later are opened
// with the dropped rights; a digitizer, Fn keyboard or lid switch that
// stays refused is logged at Warn with the fix.
//
// A digitizer's decoder starts from the kernel's slot state (the kernel
// does not resend an unchanged position); a finger already down when the
// device is opened is ignored until it lifts.
package input
