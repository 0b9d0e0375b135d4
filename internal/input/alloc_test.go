package input

import (
	"context"
	"testing"
	"time"

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

// touchReader is a digitizer's reader sending to out, without a device.
func touchReader(out chan Event) *reader {
	m := &monitor{ctx: context.Background(), out: out}
	return &reader{m: m, dev: &evdev.Device{Info: evdev.Info{Path: "/dev/input/event9"}}, role: roleDigitizer, dec: newTestDecoder(nil)}
}

// A touch frame read from a digitizer reaches the channel without an
// allocation: the reader copies the touches into buffers it reuses.
func TestReaderTouchAllocs(t *testing.T) { // not parallel: AllocsPerRun
	out := make(chan Event, 4)
	r := touchReader(out)
	frame := []evdev.RawEvent{
		abs(evdev.AbsMtSlot, 0), abs(evdev.AbsMtTrackingID, 1), abs(evdev.AbsMtPositionX, 100), abs(evdev.AbsMtPositionY, 30), syn(),
		abs(evdev.AbsMtPositionX, 120), syn(),
		abs(evdev.AbsMtTrackingID, -1), syn(),
	}
	sent := 0
	allocs := testing.AllocsPerRun(200, func() {
		for _, e := range frame {
			r.handle(e)
			select {
			case <-out:
				sent++
			default:
			}
		}
	})
	if allocs != 0 {
		t.Errorf("a touch frame through the reader allocates %v times", allocs)
	}
	if sent == 0 {
		t.Error("no touch event sent")
	}
}

// The reader reuses a buffer only once the receiver is done with it: the
// event being handled, and every event waiting in a full channel, keep
// their own touches while the reader makes the next one.
func TestReaderTouchesNotOverwritten(t *testing.T) {
	out := make(chan Event, 3)
	r := touchReader(out)
	ctx, cancel := context.WithCancel(context.Background())
	r.m.ctx = ctx
	x := int32(10)
	move := func() {
		x++
		r.handle(abs(evdev.AbsMtPositionX, x))
		r.handle(syn())
	}
	r.handle(abs(evdev.AbsMtSlot, 0))
	r.handle(abs(evdev.AbsMtTrackingID, 1))
	move()
	for range 3 { // the ring turns
		held := <-out // the receiver works on it while the reader fills the channel
		want := held.Touches[0]
		for range cap(out) {
			move()
		}
		blocked := make(chan struct{})
		go func() { // makes one more event and waits for room
			defer close(blocked)
			move()
		}()
		time.Sleep(20 * time.Millisecond)
		if held.Touches[0] != want {
			t.Fatalf("the event being handled was overwritten: %+v, was %+v", held.Touches[0], want)
		}
		last := want.X
		for range cap(out) {
			ev := <-out
			if ev.Touches[0].X <= last {
				t.Fatalf("a queued touch was overwritten: X %v after %v", ev.Touches[0].X, last)
			}
			last = ev.Touches[0].X
		}
		<-blocked // its event is in the channel now
	}
	cancel()
}
