package input

import (
	"errors"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
)

// The kernel drops an ABS event whose value equals the slot's last one,
// also across our open: a tap at the spot of the last touch before the
// daemon (re)started comes with a tracking id and no position. The decoder
// starts from the kernel's slot state, so the tap lands where it was.
func TestDecoderStartsFromKernelState(t *testing.T) {
	t.Parallel()
	l := testLayout()
	c5, _ := centre(l, 0, 4)
	c9, _ := centre(l, 0, 8)
	x5, x9 := int32(c5*2007), int32(c9*2007) // F5, F9
	for _, c := range []struct {
		name string
		evs  []evdev.RawEvent
		want Touch
		key  uint16
	}{
		{"same spot", []evdev.RawEvent{abs(evdev.AbsMtTrackingID, 12), key(evdev.BtnTouch, 1), syn()}, tc(0, Down, x5, 30), fCodes[4]},
		{"same height", []evdev.RawEvent{abs(evdev.AbsMtTrackingID, 12), abs(evdev.AbsMtPositionX, x9), key(evdev.BtnTouch, 1), syn()}, tc(0, Down, x9, 30), fCodes[8]},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The last touch before we opened the device lifted from F5 at
			// y 30; slot 0 is the current slot.
			fs := &fakeSync{abs: map[int]int32{evdev.AbsMtSlot: 0}, slots: map[int][]int32{
				evdev.AbsMtPositionX: {x5}, evdev.AbsMtPositionY: {30},
			}}
			d := newTestDecoder(fs)
			frames := feedAll(d, append(c.evs, abs(evdev.AbsMtTrackingID, -1), key(evdev.BtnTouch, 0), syn())...)
			up := c.want
			up.Phase = Up
			checkFrames(t, frames, [][]Touch{{c.want}, {up}})
			keys, kb := keysOf(frames)
			if want := []keyEvent{{c.key, true}, {c.key, false}}; !slices.Equal(keys, want) || len(kb.problems) > 0 {
				t.Errorf("keys %v, want %v (%v)", keys, want, kb.problems)
			}
		})
	}
}

// The current slot at open is the kernel's: events before the first
// ABS_MT_SLOT of our stream belong to it.
func TestDecoderStartsInKernelSlot(t *testing.T) {
	t.Parallel()
	fs := &fakeSync{abs: map[int]int32{evdev.AbsMtSlot: 3}, slots: map[int][]int32{
		evdev.AbsMtPositionX: {0, 0, 0, 700}, evdev.AbsMtPositionY: {0, 0, 0, 20},
	}}
	d := newTestDecoder(fs)
	got := feedAll(d, abs(evdev.AbsMtTrackingID, 2), syn())
	checkFrames(t, got, [][]Touch{{tc(3, Down, 700, 20)}})
}

// A finger already down when the device is opened started before us: it
// gives no press (we did not see where it landed, and a key pressed in the
// middle of a touch would surprise), not even when it moves; once lifted,
// the next touch works.
func TestDecoderIgnoresFingerDownAtOpen(t *testing.T) {
	t.Parallel()
	fs := &fakeSync{abs: map[int]int32{evdev.AbsMtSlot: 0}, slots: map[int][]int32{
		evdev.AbsMtTrackingID: {4}, evdev.AbsMtPositionX: {500}, evdev.AbsMtPositionY: {30},
	}}
	d := newTestDecoder(fs)
	got := feedAll(d,
		abs(evdev.AbsMtPositionX, 510), syn(),
		abs(evdev.AbsMtTrackingID, -1), key(evdev.BtnTouch, 0), syn(),
		abs(evdev.AbsMtTrackingID, 5), key(evdev.BtnTouch, 1), syn(), // same spot: no position
		abs(evdev.AbsMtTrackingID, -1), key(evdev.BtnTouch, 0), syn(),
	)
	checkFrames(t, got, [][]Touch{{tc(0, Down, 510, 30)}, {tc(0, Up, 510, 30)}})
	if c := d.cancel(); c != nil {
		t.Errorf("removal after the lift cancels %v", c)
	}
}

// A finger down at open that is still down at removal gives no Cancel:
// nothing was pressed.
func TestDecoderFingerDownAtOpenThenRemoval(t *testing.T) {
	t.Parallel()
	fs := &fakeSync{abs: map[int]int32{evdev.AbsMtSlot: 0}, slots: map[int][]int32{evdev.AbsMtTrackingID: {4}}}
	d := newTestDecoder(fs)
	if got := feedAll(d, abs(evdev.AbsMtPositionX, 510), syn()); got != nil {
		t.Errorf("frames %v", got)
	}
	if c := d.cancel(); c != nil {
		t.Errorf("removal cancels %v", c)
	}
}

// Single touch: ABS_X/ABS_Y (EVIOCGABS) and BTN_TOUCH (EVIOCGKEY) at open.
func TestDecoderSingleTouchStartsFromKernelState(t *testing.T) {
	t.Parallel()
	info := func(code int) evdev.AbsInfo { return digitizerAxes(code) }
	fs := &fakeSync{abs: map[int]int32{evdev.AbsX: 900, evdev.AbsY: 40}}
	d := newDecoder(bitsOf(evdev.AbsX, evdev.AbsY), info, fs)
	got := feedAll(d, key(evdev.BtnTouch, 1), syn(), key(evdev.BtnTouch, 0), syn())
	checkFrames(t, got, [][]Touch{{tc(0, Down, 900, 40)}, {tc(0, Up, 900, 40)}})

	fs.touch = true // a finger down at open: ignored until it lifts
	d = newDecoder(bitsOf(evdev.AbsX, evdev.AbsY), info, fs)
	got = feedAll(d, abs(evdev.AbsX, 950), syn(), key(evdev.BtnTouch, 0), syn(),
		key(evdev.BtnTouch, 1), syn(), key(evdev.BtnTouch, 0), syn())
	checkFrames(t, got, [][]Touch{{tc(0, Down, 950, 40)}, {tc(0, Up, 950, 40)}})
}

// After SYN_DROPPED a single-touch device's state is read too: a lift lost
// in the drop does not leave the next touch ignored.
func TestDecoderSingleTouchResync(t *testing.T) {
	t.Parallel()
	info := func(code int) evdev.AbsInfo { return digitizerAxes(code) }
	// In the kernel: the lift was lost in the drop, the finger is up at 300.
	fs := &fakeSync{abs: map[int]int32{evdev.AbsX: 300, evdev.AbsY: 30}}
	d := newDecoder(bitsOf(evdev.AbsX, evdev.AbsY), info, fs)
	got := feedAll(d,
		key(evdev.BtnTouch, 1), abs(evdev.AbsX, 100), syn(),
		dropped(), syn(),
		key(evdev.BtnTouch, 1), syn(),
	)
	checkFrames(t, got, [][]Touch{{tc(0, Down, 100, 30)}, {tc(0, Cancel, 100, 30)}, {tc(0, Down, 300, 30)}})
}

// A device whose state cannot be read starts from nothing, as before.
func TestDecoderStateUnreadable(t *testing.T) {
	t.Parallel()
	d := newTestDecoder(&fakeSync{err: errors.Join(unix.EIO)})
	got := feedAll(d, abs(evdev.AbsMtSlot, 0), abs(evdev.AbsMtTrackingID, 1), abs(evdev.AbsMtPositionX, 100), syn())
	checkFrames(t, got, [][]Touch{{tc(0, Down, 100, 0)}})
}
