package input

import (
	"log/slog"
	"time"
)

// Phase is what happened to a touch.
type Phase uint8

const (
	Down   Phase = iota // the finger landed
	Move                // it moved
	Up                  // it lifted
	Cancel              // it is forgotten (SYN_DROPPED, device removal): release, do not act
)

func (p Phase) String() string {
	switch p {
	case Down:
		return "down"
	case Move:
		return "move"
	case Up:
		return "up"
	case Cancel:
		return "cancel"
	}
	return "phase?"
}

// Touch is one finger's change in a frame. X and Y are fractions 0..1 of
// the axis ranges: X along the bar from its left end (axis minimum), Y
// across it.
type Touch struct {
	Slot  int
	Phase Phase
	X, Y  float64
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	Touches        EventKind = iota // finger changes of one frame
	Fn                              // KEY_FN pressed or released
	Lid                             // lid closed (Down) or opened; sent at open too
	Activity                        // a key, pointer or other input event (at most about twice a second per device)
	DigitizerAdded                  // a digitizer was opened
	DigitizerGone                   // it went away (after a Touches event cancelling its touches)
	KeyboardGone                    // a keyboard with KEY_FN went away (after Fn up if Fn was down)
)

// Event is one report from Run.
type Event struct {
	Kind EventKind
	// Touches (Kind == Touches) are the changes of one SYN_REPORT, or a
	// Cancel for every finger on SYN_DROPPED or removal (then followed by
	// DigitizerGone). Run reuses the slice: the receiver must be done with
	// it when it receives its next event from Run (copy it to keep it).
	Touches []Touch
	Down    bool      // Fn pressed / lid closed
	Time    time.Time // kernel event time (open time for synthesized events)
	Device  string    // e.g. "/dev/input/event3"
}

// Options configure Run.
type Options struct {
	Dir    string       // device directory; default /dev/input
	Logger *slog.Logger // device problems at Debug/Warn; default: discard
	// SysDir describes the nodes of Dir without opening them (our own
	// virtual keyboard, what a node we may not open is); default
	// DefaultSysDir when Dir is the default, else none.
	SysDir string
	// Opened are devices of Dir opened earlier (OpenExisting, as root):
	// Run takes them over, and closes them when it returns.
	Opened *Opened
	// Bar, if set, takes the digitizers' touch frames on the readers'
	// goroutines (Bar.Touch) instead of Touches events: the keys go out in
	// the wake-up of the read, with no hand-off to another goroutine.
	Bar *Bar
	// Probe, if set, is told for each touch frame given to Bar the
	// kernel's time of the frame, when the reader had it and when Bar.Touch
	// returned (the debug figures of the guest benchmark).
	Probe func(event, read, keyed time.Time)
}
