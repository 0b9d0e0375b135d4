package drm

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"golang.org/x/sys/unix"
)

// DefaultDir is where Open looks for cards.
const DefaultDir = "/dev/dri"

// Options configure Open.
type Options struct {
	Dir    string       // where the card* nodes are; "" is DefaultDir
	Logger *slog.Logger // nil: no logging

	sys *sys // kernel boundary; nil is the real kernel (tests set a fake)
}

// Mode is the panel's display mode: portrait, Width ≈ 60 and Height ≈ 2008
// or 2170 on a Touch Bar.
type Mode struct {
	Width, Height int
	Refresh       int // Hz
	Name          string
}

// Display is the Touch Bar's KMS output: a mapped dumb buffer being scanned
// out. It is not safe for concurrent use; Close is idempotent.
type Display struct {
	sys  *sys
	log  *slog.Logger
	card string
	fd   int
	rdev uint64 // the node's device number; 0: unknown

	mode           modeInfo
	connID, crtcID uint32
	planeID        uint32 // 0 on the legacy path
	atomic         bool   // the modeset was an atomic commit

	master        bool
	handle, pitch uint32 // dumb buffer; handle 0: none
	fbID          uint32
	buf           []byte // the mapped dumb buffer
	width, height int    // buffer size in pixels

	dirty    dirtyMode
	clips    []clipRect     // reused by Present
	dirtyArg modeFBDirtyCmd // DIRTYFB's argument, kept so Present allocates nothing

	closed bool
}

// dirtyMode is how DIRTYFB is called: with the damage clips, with one
// full-buffer clip (the driver rejected clips), or not at all (the driver
// has no dirty hook: scanout shows the buffer as it is written).
type dirtyMode int

const (
	dirtyClips dirtyMode = iota
	dirtyFull
	dirtyNone
)

// Size is the bar's landscape size: its length (the mode height) and its
// height (the mode width).
func (d *Display) Size() (length, barHeight int) {
	return int(d.mode.vdisplay), int(d.mode.hdisplay)
}

// Mode is the display mode in use.
func (d *Display) Mode() Mode {
	return Mode{Width: int(d.mode.hdisplay), Height: int(d.mode.vdisplay),
		Refresh: int(d.mode.vrefresh), Name: cString(d.mode.name[:])}
}

// Card is the device node of the card, such as "/dev/dri/card0".
func (d *Display) Card() string { return d.card }

// Dev is the device number of the card's node (major 226 for DRM), as the
// kernel's uevents for the card give it in MAJOR and MINOR; ok is false when
// it could not be read.
func (d *Display) Dev() (major, minor uint32, ok bool) {
	if d.rdev == 0 {
		return 0, 0, false
	}
	return unix.Major(d.rdev), unix.Minor(d.rdev), true
}

// Atomic reports whether the mode was set by an atomic commit (else by the
// legacy SETCRTC).
func (d *Display) Atomic() bool { return d.atomic }

// Close unmaps and removes the buffer, drops DRM master and closes the card
// (in that order: a still-mapped buffer would keep master after close).
// Errors of a display that is gone are not reported. Closing again does
// nothing.
func (d *Display) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	return d.release()
}

// release frees whatever is held, in reverse order of acquisition.
func (d *Display) release() error {
	var errs []error
	keep := func(err error, what string) {
		if err != nil && !isGone(err) {
			errs = append(errs, fmt.Errorf("drm: %s: %w", what, err))
		}
	}
	if d.buf != nil {
		keep(d.sys.munmap(d.buf), "munmap dumb")
		d.buf = nil
	}
	if d.fbID != 0 {
		keep(d.sys.rmFB(d.fd, d.fbID), "remove fb")
		d.fbID = 0
	}
	if d.handle != 0 {
		keep(d.sys.destroyDumb(d.fd, d.handle), "destroy dumb")
		d.handle = 0
	}
	if d.master {
		keep(d.sys.dropMaster(d.fd), "drop master")
		d.master = false
	}
	if d.fd >= 0 {
		keep(d.sys.close(d.fd), "close "+d.card)
		d.fd = -1
	}
	return errors.Join(errs...)
}

// closedErr is the error of a call on a closed display.
func (d *Display) closedErr(op string) error {
	return fmt.Errorf("drm: %s %s: %w", op, d.card, os.ErrClosed)
}
