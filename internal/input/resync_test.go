package input

import (
	"context"
	"testing"

	"tiny-dfr/internal/evdev"
)

// fakeState answers the key and switch state queries of a device.
type fakeState struct{ keys, sw evdev.Bits }

func (s *fakeState) Keys() (evdev.Bits, error)     { return s.keys, nil }
func (s *fakeState) Switches() (evdev.Bits, error) { return s.sw, nil }

// A Fn release lost in a SYN_DROPPED is found by reading the key state at
// the next SYN_REPORT: the layer does not stay flipped.
func TestFnReleaseLostInDropIsResynced(t *testing.T) {
	t.Parallel()
	out := make(chan Event, 8)
	m := &monitor{ctx: context.Background(), out: out}
	st := &fakeState{keys: make(evdev.Bits, (evdev.KeyCnt+7)/8), sw: make(evdev.Bits, 8)}
	r := &reader{m: m, dev: &evdev.Device{Info: evdev.Info{Path: "/dev/input/event9"}}, role: roleFn | roleLid, state: st}
	for _, e := range []evdev.RawEvent{
		{Type: evdev.EvKey, Code: evdev.KeyFn, Value: 1},
		{Type: evdev.EvSyn, Code: evdev.SynReport},
		{Type: evdev.EvSyn, Code: evdev.SynDropped},
		{Type: evdev.EvKey, Code: 30, Value: 1}, // the rest of a broken frame
		{Type: evdev.EvSyn, Code: evdev.SynReport},
	} {
		if !r.handle(e) {
			t.Fatal("handle stopped")
		}
	}
	close(out)
	var got []Event
	for ev := range out {
		got = append(got, ev)
	}
	if len(got) != 3 || got[0].Kind != Fn || !got[0].Down || got[1].Kind != Fn || got[1].Down ||
		got[2].Kind != Lid || got[2].Down {
		t.Errorf("events %+v; want Fn down, Fn up, Lid open", got)
	}
}
