package input

import (
	"testing"

	"tiny-dfr/internal/evdev"
)

// countingKeyboard encodes key events like uinput does, into a reused
// buffer, without allocating.
type countingKeyboard struct {
	buf    [8 * evdev.EventSize]byte
	writes int
}

func (k *countingKeyboard) Press(codes []uint16) error   { return k.write(codes, 1) }
func (k *countingKeyboard) Release(codes []uint16) error { return k.write(codes, 0) }

func (k *countingKeyboard) write(codes []uint16, v int32) error {
	for i, c := range codes[:min(len(codes), 7)] {
		evdev.EncodeEvent(k.buf[i*evdev.EventSize:], evdev.RawEvent{Type: evdev.EvKey, Code: c, Value: v})
	}
	k.writes++
	return nil
}

func TestTrackerAllocs(t *testing.T) { // not parallel: AllocsPerRun
	l := testLayout()
	kb := &countingKeyboard{}
	tr := NewTracker(kb)
	v := View{Layout: l}
	x0, y := centre(l, 0, 0)
	x1, _ := centre(l, 0, 1)
	downF := []Touch{down(0, x0, y), down(1, x1, y)}
	moveF := []Touch{move(0, x1, y), move(1, x0, y)}
	upF := []Touch{up(0), up(1)}
	allocs := testing.AllocsPerRun(200, func() {
		tr.Handle(downF, v)
		tr.Handle(moveF, v)
		tr.Handle(upF, v)
	})
	if allocs != 0 {
		t.Errorf("a touch frame allocates %v times", allocs)
	}
	if kb.writes == 0 || tr.Held() != 0 {
		t.Errorf("%d writes, %d held", kb.writes, tr.Held())
	}
}

func TestDecoderAllocs(t *testing.T) { // not parallel: AllocsPerRun
	d := newTestDecoder(nil)
	frame := []evdev.RawEvent{
		abs(evdev.AbsMtSlot, 0), abs(evdev.AbsMtTrackingID, 1), abs(evdev.AbsMtPositionX, 100), abs(evdev.AbsMtPositionY, 30), syn(),
		abs(evdev.AbsMtPositionX, 120), syn(),
		abs(evdev.AbsMtTrackingID, -1), syn(),
	}
	allocs := testing.AllocsPerRun(200, func() {
		for _, e := range frame {
			d.feed(e)
		}
	})
	if allocs != 0 {
		t.Errorf("decoding allocates %v times", allocs)
	}
}

func BenchmarkTrackerTap(b *testing.B) {
	l := testLayout()
	tr := NewTracker(&countingKeyboard{})
	v := View{Layout: l}
	x, y := centre(l, 0, 5)
	d, u := []Touch{down(0, x, y)}, []Touch{up(0)}
	for b.Loop() {
		tr.Handle(d, v)
		tr.Handle(u, v)
	}
}

func BenchmarkDecoderFrame(b *testing.B) {
	d := newTestDecoder(nil)
	frame := []evdev.RawEvent{abs(evdev.AbsMtSlot, 0), abs(evdev.AbsMtTrackingID, 1), abs(evdev.AbsMtPositionX, 100), abs(evdev.AbsMtPositionY, 30), syn(),
		abs(evdev.AbsMtPositionX, 120), syn(), abs(evdev.AbsMtTrackingID, -1), syn()}
	for b.Loop() {
		for _, e := range frame {
			d.feed(e)
		}
	}
}
