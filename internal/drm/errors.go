package drm

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrGone means the display went away (the driver was unloaded or the device
// unplugged, as on T2 suspend). The errno stays in the chain. Close the
// Display and Open again when the card is back.
var ErrGone = errors.New("display gone")

// ErrBusy is a card's reason when another process (a desktop compositor) is
// its DRM master.
var ErrBusy = errors.New("busy — a compositor holds it; install the udev seat rules")

// ErrNotTouchBar is a card's reason when no connected connector has a
// portrait strip mode.
var ErrNotTouchBar = errors.New("not a Touch Bar")

// isGone reports whether err says the device is gone: ErrGone, or an errno by
// which the kernel says so (ENODEV, ENXIO, EIO, ESHUTDOWN).
func isGone(err error) bool {
	if errors.Is(err, ErrGone) {
		return true
	}
	var e unix.Errno
	if !errors.As(err, &e) {
		return false
	}
	switch e {
	case unix.ENODEV, unix.ENXIO, unix.EIO, unix.ESHUTDOWN:
		return true
	}
	return false
}

// wrap adds lower-case context to err and marks device loss with ErrGone.
func wrap(err error, format string, args ...any) error {
	ctx := fmt.Sprintf(format, args...)
	if isGone(err) && !errors.Is(err, ErrGone) {
		return fmt.Errorf("drm: %s: %w: %w", ctx, ErrGone, err)
	}
	return fmt.Errorf("drm: %s: %w", ctx, err)
}

// CardError is why one card is not used.
type CardError struct {
	Card string // "card1"
	Err  error
}

func (e *CardError) Error() string { return e.Card + ": " + e.Err.Error() }
func (e *CardError) Unwrap() error { return e.Err }

// NoCardError is Open's error when no card is the Touch Bar: each card's
// reason, or why the directory could not be read.
type NoCardError struct {
	Dir   string
	Err   error // reading Dir failed
	Cards []*CardError
}

func (e *NoCardError) Error() string {
	var b strings.Builder
	b.WriteString("drm: no Touch Bar display in " + e.Dir)
	switch {
	case e.Err != nil:
		b.WriteString(": " + e.Err.Error())
	case len(e.Cards) == 0:
		b.WriteString(": no cards")
	}
	for i, c := range e.Cards {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(c.Error())
	}
	return b.String()
}

// Unwrap gives the directory error or the cards' errors, so errors.Is finds
// ErrBusy or an errno behind them.
func (e *NoCardError) Unwrap() []error {
	errs := make([]error, 0, len(e.Cards)+1)
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	for _, c := range e.Cards {
		errs = append(errs, c)
	}
	return errs
}
