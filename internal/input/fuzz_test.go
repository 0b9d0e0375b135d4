package input

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/layouts"
)

// Fuzz targets: arbitrary event streams into the multitouch decoder, and
// arbitrary touch frames into the Tracker. Neither may panic, and once the
// stream ends and the device goes (removal: Cancel), no key is down.
//
//	go test -run='^$' -fuzz='^FuzzDecoder$' -fuzztime=60s ./internal/input
//	go test -run='^$' -fuzz='^FuzzTracker$' -fuzztime=60s ./internal/input

// fuzzHeader is the device the decoder fuzz input describes before its
// events: flags (bit 0: multitouch, bit 1: its state cannot be read,
// bit 2: empty or inverted axis ranges), ABS_MT_SLOT maximum, which of
// slots 0–7 hold a finger at open (bit 0 also BTN_TOUCH), and the current
// slot at open.
const fuzzHeader = 4

// fuzzEventSize is one event of a decoder fuzz input: type (low 3 bits),
// code (16 bits), value (32 bits), little-endian; compact so that the
// fuzzer spends its mutations on what the decoder reads, not timestamps.
const fuzzEventSize = 7

// fuzzEvents encodes events for a decoder fuzz input.
func fuzzEvents(hdr [fuzzHeader]byte, evs []evdev.RawEvent) []byte {
	b := append([]byte(nil), hdr[:]...)
	for _, e := range evs {
		b = append(b, byte(e.Type))
		b = binary.LittleEndian.AppendUint16(b, e.Code)
		b = binary.LittleEndian.AppendUint32(b, uint32(e.Value))
	}
	return b
}

// recordedStreams reads the recorded input_event streams of testdata.
func recordedStreams(f *testing.F) [][]evdev.RawEvent {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.evdev"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no recorded streams in testdata: %v", err)
	}
	var out [][]evdev.RawEvent
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		evs := make([]evdev.RawEvent, len(b)/evdev.EventSize)
		out = append(out, evs[:evdev.DecodeEvents(b, evs)])
	}
	return out
}

// fuzzLayouts are the layouts a Tracker fuzz input switches between: the
// default one, and one with chords sharing codes, a spacer and uneven
// widths.
func fuzzLayouts() []*layouts.Layout {
	c := &config.Config{
		PrimaryLayerKeys: []config.Button{
			{Text: "a", Codes: []uint16{29, 30}, Stretch: 2},
			{Text: "b", Codes: []uint16{30}, Stretch: 1},
			{Stretch: 1}, // spacer
			{Text: "c", Codes: []uint16{30, 30, 31}, Stretch: 3},
			{Text: "d", Codes: nil, Stretch: 1},
		},
		MediaLayerKeys: []config.Button{
			{Text: "e", Codes: []uint16{31}, Stretch: 1},
			{Text: "f", Codes: []uint16{29}, Stretch: 1},
		},
	}
	return []*layouts.Layout{testLayout(), layouts.Build(c, 2170, 64)}
}

func FuzzDecoder(f *testing.F) {
	mt := [fuzzHeader]byte{1, 10, 0, 0}
	for _, evs := range recordedStreams(f) {
		f.Add(fuzzEvents(mt, evs))
		f.Add(fuzzEvents([fuzzHeader]byte{1, 10, 1, 0}, evs)) // a finger down at open
	}
	f.Add(fuzzEvents([fuzzHeader]byte{0, 0, 1, 0}, []evdev.RawEvent{
		key(evdev.BtnTouch, 0), syn(), key(evdev.BtnTouch, 1), abs(evdev.AbsX, 100), abs(evdev.AbsY, 30), syn(),
		dropped(), syn(), abs(evdev.AbsX, 300), syn(),
	}))
	f.Add(fuzzEvents([fuzzHeader]byte{3, 63, 0xff, 5}, []evdev.RawEvent{
		abs(evdev.AbsMtTrackingID, 3), syn(), abs(evdev.AbsMtSlot, 70), abs(evdev.AbsMtTrackingID, 1), syn(),
	}))
	lay := testLayout()
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDecoder(t, lay, data) })
}

// fuzzDecoder runs one FuzzDecoder input; its keys go through a Tracker on
// lay.
func fuzzDecoder(t *testing.T, lay *layouts.Layout, data []byte) {
	if len(data) < fuzzHeader {
		return
	}
	hdr, data := data[:fuzzHeader], data[fuzzHeader:]
	abs := bitsOf(evdev.AbsX, evdev.AbsY)
	if hdr[0]&1 != 0 {
		abs = bitsOf(evdev.AbsX, evdev.AbsY, evdev.AbsMtSlot, evdev.AbsMtPositionX, evdev.AbsMtPositionY, evdev.AbsMtTrackingID)
	}
	info := func(code int) evdev.AbsInfo {
		a := digitizerAxes(code)
		if code == evdev.AbsMtSlot {
			a.Maximum = int32(int8(hdr[1]))
		} else if hdr[0]&4 != 0 {
			a.Minimum, a.Maximum = a.Maximum, a.Maximum/2 // inverted, or empty for y
		}
		return a
	}
	fs := &fakeSync{abs: map[int]int32{evdev.AbsMtSlot: int32(hdr[3])}, slots: map[int][]int32{}, touch: hdr[2]&1 != 0}
	for i := range 8 {
		id := int32(-1)
		if hdr[2]&(1<<i) != 0 {
			id = int32(i)
		}
		fs.slots[evdev.AbsMtTrackingID] = append(fs.slots[evdev.AbsMtTrackingID], id)
		fs.slots[evdev.AbsMtPositionX] = append(fs.slots[evdev.AbsMtPositionX], int32(i)*250)
		fs.slots[evdev.AbsMtPositionY] = append(fs.slots[evdev.AbsMtPositionY], 30)
	}
	if hdr[0]&2 != 0 {
		fs.err = errFake
	}
	d := newDecoder(abs, info, fs)
	kb := newFakeKeyboard()
	tr := NewTracker(kb)
	v := View{Layout: lay}
	active := map[int]bool{}
	check := func(ts []Touch) {
		seen := map[int]int{}
		for _, tc := range ts {
			if tc.Slot < 0 || tc.Slot >= len(d.slots) {
				t.Fatalf("touch %+v: slot out of range (%d slots)", tc, len(d.slots))
			}
			if math.IsNaN(tc.X) || math.IsNaN(tc.Y) || math.IsInf(tc.X, 0) || math.IsInf(tc.Y, 0) {
				t.Fatalf("touch %+v: position not finite", tc)
			}
			if seen[tc.Slot]++; seen[tc.Slot] > 2 {
				t.Fatalf("frame %v: slot %d more than twice", ts, tc.Slot)
			}
			switch tc.Phase {
			case Down:
				if active[tc.Slot] {
					t.Fatalf("frame %v: Down on slot %d already down", ts, tc.Slot)
				}
				active[tc.Slot] = true
			case Move, Up, Cancel:
				if !active[tc.Slot] {
					t.Fatalf("frame %v: %v on slot %d not down", ts, tc.Phase, tc.Slot)
				}
				if tc.Phase != Move {
					delete(active, tc.Slot)
				}
			default:
				t.Fatalf("touch %+v: phase %d", tc, tc.Phase)
			}
		}
		tr.Handle(ts, v)
	}
	for ; len(data) >= fuzzEventSize; data = data[fuzzEventSize:] {
		e := evdev.RawEvent{
			Type:  uint16(data[0] & 7),
			Code:  binary.LittleEndian.Uint16(data[1:3]),
			Value: int32(binary.LittleEndian.Uint32(data[3:7])),
		}
		if ts := d.feed(e); ts != nil {
			check(ts)
		}
	}
	// The device goes.
	if ts := d.cancel(); ts != nil {
		for _, tc := range ts {
			if tc.Phase != Cancel {
				t.Fatalf("removal gives %+v", tc)
			}
		}
		check(ts)
	}
	if len(active) != 0 {
		t.Fatalf("slots %v still down after removal", active)
	}
	if len(kb.down) != 0 || tr.Held() != 0 || len(kb.problems) != 0 {
		t.Fatalf("after removal: keys down %v, held %d, problems %v", kb.down, tr.Held(), kb.problems)
	}
}

// A Tracker fuzz input is a list of operations, 5 bytes each: an opcode
// and four arguments. Touches (opcodes 0–3) gather into a frame handed over
// at the next other opcode (or a touch with bit 7 of the opcode set).
func FuzzTracker(f *testing.F) {
	touch := func(last bool, slot int8, p Phase, x, y byte) []byte {
		op := byte(0)
		if last {
			op = 0x80
		}
		return []byte{op, byte(slot), byte(p), x, y}
	}
	cat := func(ops ...[]byte) []byte {
		var b []byte
		for _, o := range ops {
			b = append(b, o...)
		}
		return b
	}
	// The frames of the recorded streams, as the decoder makes them.
	for _, evs := range recordedStreams(f) {
		d := newTestDecoder(nil)
		var b []byte
		for _, e := range evs {
			for i, tc := range d.feed(e) {
				b = append(b, touch(i == len(d.out)-1, int8(tc.Slot), tc.Phase, byte(tc.X*200+16), byte(tc.Y*200+20))...)
			}
		}
		f.Add(b)
	}
	f.Add(cat(touch(true, 0, Down, 20, 120), []byte{4, 1, 0, 0, 0}, touch(true, 1, Down, 120, 120),
		[]byte{4, 0, 0, 0, 0}, []byte{7, 1, 0, 0, 0}, touch(true, 0, Up, 20, 120), []byte{5, 1, 0, 0, 0}))
	f.Add(cat([]byte{5, 1, 0, 0, 0}, touch(false, 0, Down, 20, 120), touch(true, 1, Down, 60, 120),
		touch(true, 2, Down, 130, 120), []byte{7, 1, 0, 0, 0}, touch(true, 2, Move, 20, 120), []byte{6, 1, 3, 0, 0}))
	lays := fuzzLayouts()
	f.Fuzz(func(t *testing.T, data []byte) {
		failing := false
		kb := newFakeKeyboard()
		kb.fail = func() bool { return failing }
		tr := NewTracker(kb)
		w := world{layout: lays[0], now: testTime(0), sw: layouts.Switcher{DoublePress: 300 * time.Millisecond}}
		slots := map[int]bool{}
		var frame []Touch
		flush := func() {
			tr.Handle(frame, w.view())
			frame = frame[:0]
		}
		for ; len(data) >= 5; data = data[5:] {
			op, a := data[0], data[1:5]
			if op&0x7f < 4 {
				tc := Touch{Slot: int(int8(a[0])), Phase: Phase(a[1] % 6), X: (float64(a[2]) - 16) / 200, Y: float64(a[3])/200 - 0.1}
				switch a[2] {
				case 255:
					tc.X = math.NaN()
				case 254:
					tc.X = math.Inf(1)
				}
				slots[tc.Slot] = true
				frame = append(frame, tc)
				if op&0x80 != 0 {
					flush()
				}
				continue
			}
			if len(frame) > 0 {
				flush()
			}
			w.now = w.now.Add(time.Duration(a[3]) * 10 * time.Millisecond)
			switch op & 0x7f {
			case 4: // Fn
				w.sw.Fn(a[0]&1 != 0, w.now)
				tr.Handle(nil, w.view())
			case 5: // reload (or no layout)
				w.layout = nil
				if k := int(a[0]) % (len(lays) + 1); k < len(lays) {
					w.layout = lays[k]
				}
				tr.Handle(nil, w.view())
			case 6: // sleep, pixel shift
				w.asleep, w.shift = a[0]&1 != 0, int(int8(a[1]))
			case 7: // the keyboard fails from now on, or works again
				failing = a[0]&1 != 0
			}
		}
		if len(frame) > 0 {
			flush()
		}
		// The device goes: every finger is cancelled; the keyboard works.
		failing = false
		for s := range slots {
			frame = append(frame, Touch{Slot: s, Phase: Cancel})
		}
		flush()
		if len(kb.down) != 0 || tr.Held() != 0 || tr.Pending() != 0 {
			t.Fatalf("after removal: keys down %v, held %d, pending %d", kb.down, tr.Held(), tr.Pending())
		}
		for _, l := range lays {
			for layer := range l.Layers {
				for b := range l.Layers[layer].Buttons {
					if tr.Pressed(layer, b) {
						t.Fatalf("button %d of layer %d still pressed", b, layer)
					}
				}
			}
		}
	})
}
