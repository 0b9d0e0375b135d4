package input

import (
	"slices"
	"testing"

	"tiny-dfr/internal/evdev"
)

func abs(code uint16, v int32) evdev.RawEvent {
	return evdev.RawEvent{Type: evdev.EvAbs, Code: code, Value: v}
}
func key(code uint16, v int32) evdev.RawEvent {
	return evdev.RawEvent{Type: evdev.EvKey, Code: code, Value: v}
}
func syn() evdev.RawEvent     { return evdev.RawEvent{Type: evdev.EvSyn, Code: evdev.SynReport} }
func dropped() evdev.RawEvent { return evdev.RawEvent{Type: evdev.EvSyn, Code: evdev.SynDropped} }

func bitsOf(codes ...int) evdev.Bits {
	b := make(evdev.Bits, 8)
	for _, c := range codes {
		b[c/8] |= 1 << (c % 8)
	}
	return b
}

// digitizerAxes is the T2 Touch Bar's: x 0..2007, y 0..59, 11 slots.
func digitizerAxes(code int) evdev.AbsInfo {
	switch code {
	case evdev.AbsMtPositionX, evdev.AbsX:
		return evdev.AbsInfo{Maximum: 2007}
	case evdev.AbsMtPositionY, evdev.AbsY:
		return evdev.AbsInfo{Maximum: 59}
	case evdev.AbsMtSlot:
		return evdev.AbsInfo{Maximum: 10}
	}
	return evdev.AbsInfo{}
}

func newTestDecoder(sync resyncer) *decoder {
	return newDecoder(bitsOf(evdev.AbsX, evdev.AbsY, evdev.AbsMtSlot, evdev.AbsMtPositionX, evdev.AbsMtPositionY, evdev.AbsMtTrackingID), digitizerAxes, sync)
}

// feedAll returns the frames' touches, one string per frame.
func feedAll(d *decoder, evs ...evdev.RawEvent) [][]Touch {
	var frames [][]Touch
	for _, e := range evs {
		if ts := d.feed(e); ts != nil {
			frames = append(frames, slices.Clone(ts))
		}
	}
	return frames
}

func px(x, y int32) (float64, float64) { return float64(x) / 2007, float64(y) / 59 }

func tc(slot int, p Phase, x, y int32) Touch {
	fx, fy := px(x, y)
	return Touch{Slot: slot, Phase: p, X: fx, Y: fy}
}

func checkFrames(t *testing.T, got, want [][]Touch) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d frames %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("frame %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestDecoderProtocolB(t *testing.T) {
	t.Parallel()
	d := newTestDecoder(nil)
	got := feedAll(d,
		abs(evdev.AbsMtSlot, 0), abs(evdev.AbsMtTrackingID, 5), abs(evdev.AbsMtPositionX, 100), abs(evdev.AbsMtPositionY, 30),
		key(evdev.BtnTouch, 1), abs(evdev.AbsX, 100), syn(),
		abs(evdev.AbsMtPositionX, 150), syn(),
		abs(evdev.AbsMtSlot, 1), abs(evdev.AbsMtTrackingID, 6), abs(evdev.AbsMtPositionX, 900), abs(evdev.AbsMtPositionY, 20), syn(),
		abs(evdev.AbsMtSlot, 0), abs(evdev.AbsMtTrackingID, -1), abs(evdev.AbsMtSlot, 1), abs(evdev.AbsMtPositionY, 25), syn(),
		syn(),                                                                 // empty frame: nothing
		abs(evdev.AbsMtTrackingID, 7), abs(evdev.AbsMtPositionX, 1000), syn(), // new id without -1
		abs(evdev.AbsMtTrackingID, -1), key(evdev.BtnTouch, 0), syn(),
	)
	checkFrames(t, got, [][]Touch{
		{tc(0, Down, 100, 30)},
		{tc(0, Move, 150, 30)},
		{tc(1, Down, 900, 20)},
		{tc(0, Up, 150, 30), tc(1, Move, 900, 25)},
		{tc(1, Up, 900, 25), tc(1, Down, 1000, 25)},
		{tc(1, Up, 1000, 25)},
	})
}

func TestDecoderSlotOutOfRange(t *testing.T) {
	t.Parallel()
	d := newTestDecoder(nil)
	got := feedAll(d,
		abs(evdev.AbsMtSlot, 60), abs(evdev.AbsMtTrackingID, 5), abs(evdev.AbsMtPositionX, 100), syn(),
		abs(evdev.AbsMtSlot, -1), abs(evdev.AbsMtTrackingID, 5), syn(),
	)
	checkFrames(t, got, nil)
}

// fakeSync is a device's current state: slot values per MT axis (missing
// slots: no finger, position 0), ABS_MT_SLOT 1 unless abs says otherwise,
// the single-touch axes and BTN_TOUCH.
type fakeSync struct {
	slots map[int][]int32
	abs   map[int]int32
	touch bool
	calls int
	err   error // every query fails with it
}

func (f *fakeSync) MTSlots(code int, vals []int32) error {
	f.calls++
	if f.err != nil {
		return f.err
	}
	for i := range vals {
		vals[i] = 0
		if code == evdev.AbsMtTrackingID {
			vals[i] = -1
		}
	}
	copy(vals, f.slots[code])
	return nil
}

func (f *fakeSync) AbsInfo(code int) (evdev.AbsInfo, error) {
	if f.err != nil {
		return evdev.AbsInfo{}, f.err
	}
	if v, ok := f.abs[code]; ok {
		return evdev.AbsInfo{Value: v}, nil
	}
	if code == evdev.AbsMtSlot {
		return evdev.AbsInfo{Value: 1}, nil
	}
	return evdev.AbsInfo{}, nil
}

func (f *fakeSync) Keys() (evdev.Bits, error) {
	if f.err != nil {
		return nil, f.err
	}
	b := make(evdev.Bits, (evdev.KeyCnt+7)/8)
	if f.touch {
		b[evdev.BtnTouch/8] |= 1 << (evdev.BtnTouch % 8)
	}
	return b, nil
}

func TestDecoderSynDropped(t *testing.T) {
	t.Parallel()
	// After the drop slot 0's finger is still down (id 5, now at x 300),
	// slot 1's finger lifted and a new one landed at x 700 with id 9 (the
	// kernel will not resend that x).
	fs := &fakeSync{abs: map[int]int32{evdev.AbsMtSlot: 0}}
	d := newTestDecoder(fs)
	fs.slots = map[int][]int32{
		evdev.AbsMtTrackingID: {5, 9, -1, -1, -1, -1, -1, -1, -1, -1, -1},
		evdev.AbsMtPositionX:  {300, 700},
		evdev.AbsMtPositionY:  {30, 30},
	}
	fs.abs = nil
	fs.calls = 0
	got := feedAll(d,
		abs(evdev.AbsMtSlot, 0), abs(evdev.AbsMtTrackingID, 5), abs(evdev.AbsMtPositionX, 100), abs(evdev.AbsMtPositionY, 30),
		abs(evdev.AbsMtSlot, 1), abs(evdev.AbsMtTrackingID, 6), abs(evdev.AbsMtPositionX, 500), abs(evdev.AbsMtPositionY, 30), syn(),
		dropped(),
		abs(evdev.AbsMtPositionX, 9999), syn(), // the rest of the broken frame: ignored
		abs(evdev.AbsMtSlot, 0), abs(evdev.AbsMtPositionX, 310), syn(), // still-down finger: ignored
		abs(evdev.AbsMtTrackingID, -1), syn(), // it lifts: nothing to report
		abs(evdev.AbsMtTrackingID, 10), abs(evdev.AbsMtPositionX, 50), syn(), // a new finger works
		abs(evdev.AbsMtSlot, 1), abs(evdev.AbsMtTrackingID, -1), syn(),
	)
	checkFrames(t, got, [][]Touch{
		{tc(0, Down, 100, 30), tc(1, Down, 500, 30)},
		{tc(0, Cancel, 100, 30), tc(1, Cancel, 500, 30)},
		{tc(0, Down, 50, 30)},
	})
	if fs.calls != 3 {
		t.Errorf("%d EVIOCGMTSLOTS calls, want 3", fs.calls)
	}
}

func TestDecoderRemovalCancels(t *testing.T) {
	t.Parallel()
	d := newTestDecoder(nil)
	feedAll(d, abs(evdev.AbsMtTrackingID, 5), abs(evdev.AbsMtPositionX, 100), syn())
	if got := d.cancel(); !slices.Equal(got, []Touch{tc(0, Cancel, 100, 0)}) {
		t.Errorf("cancel = %v", got)
	}
	if got := d.cancel(); got != nil {
		t.Errorf("second cancel = %v", got)
	}
}

func TestDecoderSingleTouch(t *testing.T) {
	t.Parallel()
	d := newDecoder(bitsOf(evdev.AbsX, evdev.AbsY), func(code int) evdev.AbsInfo {
		return evdev.AbsInfo{Minimum: 8, Maximum: 2015} // an offset range: scaled from the minimum
	}, nil)
	got := feedAll(d,
		key(evdev.BtnTouch, 1), abs(evdev.AbsX, 8), abs(evdev.AbsY, 1011), syn(),
		abs(evdev.AbsX, 2015), syn(),
		key(evdev.BtnTouch, 0), syn(),
		dropped(), syn(),
		key(evdev.BtnTouch, 1), syn(),
	)
	y := 1003.0 / 2007
	checkFrames(t, got, [][]Touch{
		{{Slot: 0, Phase: Down, X: 0, Y: y}},
		{{Slot: 0, Phase: Move, X: 1, Y: y}},
		{{Slot: 0, Phase: Up, X: 1, Y: y}},
		{{Slot: 0, Phase: Down, X: 1, Y: y}},
	})
}
