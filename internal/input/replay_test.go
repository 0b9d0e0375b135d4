package input

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"tiny-dfr/internal/evdev"
)

// replay decodes a recorded input_event stream from r, record by record,
// into d, and returns the frames' touches and every event seen.
func replay(t *testing.T, r io.Reader, d *decoder) ([][]Touch, []evdev.RawEvent) {
	t.Helper()
	var frames [][]Touch
	var all []evdev.RawEvent
	var rec [evdev.EventSize]byte
	one := make([]evdev.RawEvent, 1)
	for {
		_, err := io.ReadFull(r, rec[:])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("after %d events: %v (a partial record is left over)", len(all), err)
		}
		evdev.DecodeEvents(rec[:], one)
		all = append(all, one[0])
		if ts := d.feed(one[0]); ts != nil {
			frames = append(frames, slices.Clone(ts))
		}
	}
	if n := len(all); n == 0 || all[n-1].Type != evdev.EvSyn {
		t.Fatalf("stream does not end with a frame: %d events", n)
	}
	return frames, all
}

func replayFile(t *testing.T, name string) ([][]Touch, []evdev.RawEvent) {
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A replay has no kernel to resync from: the decoder must cope.
	return replay(t, f, newTestDecoder(nil))
}

// keysOf runs frames through a Tracker on the default layout.
func keysOf(frames [][]Touch) ([]keyEvent, *fakeKeyboard) {
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	v := View{Layout: testLayout()}
	for _, f := range frames {
		tr.Handle(f, v)
	}
	return kb.take(), kb
}

func TestReplayTapSlideTwoFingers(t *testing.T) {
	t.Parallel()
	frames, _ := replayFile(t, "tap-slide-two-fingers.evdev")
	want := [][]Touch{
		{tc(0, Down, 80, 30)},
		{tc(0, Up, 80, 30)},
		{tc(0, Down, 80, 31)},
		{tc(0, Move, 150, 31)},
		{tc(0, Move, 250, 31)},
		{tc(0, Move, 80, 31)},
		{tc(1, Down, 930, 29)},
		{tc(0, Up, 80, 31)},
		{tc(1, Up, 930, 29)},
	}
	checkFrames(t, frames, want)
	keys, kb := keysOf(frames)
	wantKeys := []keyEvent{{59, true}, {59, false}, {59, true}, {59, false}, {59, true}, {64, true}, {59, false}, {64, false}}
	if !slices.Equal(keys, wantKeys) || len(kb.problems) > 0 {
		t.Errorf("keys %v, want %v (%v)", keys, wantKeys, kb.problems)
	}
}

func TestReplaySynDropped(t *testing.T) {
	t.Parallel()
	frames, all := replayFile(t, "syn-dropped.evdev")
	if !slices.ContainsFunc(all, func(e evdev.RawEvent) bool { return e.Type == evdev.EvSyn && e.Code == evdev.SynDropped }) {
		t.Fatal("the recording holds no SYN_DROPPED")
	}
	var phases []Phase
	for _, f := range frames {
		for _, tc := range f {
			if tc.Phase != Move {
				phases = append(phases, tc.Phase)
			}
		}
	}
	if !slices.Equal(phases, []Phase{Down, Cancel, Down, Up}) {
		t.Errorf("phases %v: want the finger cancelled at the drop, its lift ignored, then a clean tap", phases)
	}
	if last := frames[len(frames)-2]; len(last) != 1 || last[0] != tc(0, Down, 420, 30) {
		t.Errorf("tap after the drop = %v", last)
	}
	keys, kb := keysOf(frames)
	wantKeys := []keyEvent{{59, true}, {59, false}, {61, true}, {61, false}}
	if !slices.Equal(keys, wantKeys) || len(kb.problems) > 0 {
		t.Errorf("keys %v, want %v (%v)", keys, wantKeys, kb.problems)
	}
}
