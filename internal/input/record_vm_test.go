package input

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/uinput"
)

// Recording real input_event streams: TestVMRecord (guest) injects scripted
// touches on a fake digitizer, reads the digitizer's own event node back
// exactly as the kernel delivers it (filtering, timestamps, a real
// SYN_DROPPED) and prints the bytes on the console; the host (TestGuest's
// recorder, INPUT_RECORD=1) writes them to testdata/NAME.evdev, which
// TestReplay* decode.

const recordPrefix = "INPUT-RECORD "

// recorder collects RECORD lines from the guest console.
type recorder struct{ streams map[string]*strings.Builder }

func (r *recorder) line(l string) {
	rest, ok := strings.CutPrefix(l, recordPrefix)
	if !ok {
		return
	}
	name, chunk, _ := strings.Cut(rest, " ")
	if r.streams == nil {
		r.streams = map[string]*strings.Builder{}
	}
	if r.streams[name] == nil {
		r.streams[name] = &strings.Builder{}
	}
	r.streams[name].WriteString(chunk)
}

func (r *recorder) write(t *testing.T) {
	for name, sb := range r.streams {
		b, err := base64.StdEncoding.DecodeString(sb.String())
		if err != nil {
			t.Errorf("recorded %s: %v", name, err)
			continue
		}
		p := filepath.Join("testdata", name+".evdev")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Error(err)
		}
		t.Logf("recorded %s: %d events", p, len(b)/evdev.EventSize)
	}
}

// TestVMRecord records the replay streams (runs in the guest).
func TestVMRecord(t *testing.T) {
	requireUinput(t)
	if os.Getenv("INPUT_RECORD") == "" {
		t.Skip("INPUT_RECORD not set")
	}
	for _, s := range []struct {
		name   string
		script func(d *uinput.Device, drain func()) error
	}{
		{"tap-slide-two-fingers", scriptTapSlide},
		{"syn-dropped", scriptFlood},
	} {
		digi, err := uinput.Create(uinputPath, uinput.DigitizerConfig(uinput.DigitizerT2, 2008, 60, 11))
		if err != nil {
			t.Fatal(err)
		}
		node, err := openByName(uinput.DigitizerT2)
		if err != nil {
			t.Fatal(err)
		}
		var raw []byte
		buf := make([]byte, 64*evdev.EventSize)
		drain := func() {
			for {
				node.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
				n, err := readRaw(node, buf)
				raw = append(raw, buf[:n]...)
				if err != nil {
					return
				}
			}
		}
		if err := s.script(digi, drain); err != nil {
			t.Fatal(err)
		}
		drain()
		node.Close()
		digi.Close()
		enc := base64.StdEncoding.EncodeToString(raw)
		for len(enc) > 0 {
			n := min(len(enc), 512)
			fmt.Printf("%s%s %s\n", recordPrefix, s.name, enc[:n])
			enc = enc[n:]
		}
	}
}

// readRaw reads whole records through Device.Read and re-encodes them.
func readRaw(d *evdev.Device, buf []byte) (int, error) {
	evs := make([]evdev.RawEvent, len(buf)/evdev.EventSize)
	n, err := d.Read(evs)
	for i := range n {
		evdev.EncodeEvent(buf[i*evdev.EventSize:], evs[i])
	}
	return n * evdev.EventSize, err
}

type ev = uinput.Event

func mt(code uint16, v int32) ev { return ev{Type: evdev.EvAbs, Code: code, Value: v} }

// scriptTapSlide: tap at F1; a finger slides from F1 over F2 and back;
// a second finger lands on F6 while the first is down; both lift.
func scriptTapSlide(d *uinput.Device, _ func()) error {
	steps := [][]ev{
		{mt(evdev.AbsMtSlot, 0), mt(evdev.AbsMtTrackingID, 1), mt(evdev.AbsMtPositionX, 80), mt(evdev.AbsMtPositionY, 30), {Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1}},
		{mt(evdev.AbsMtTrackingID, -1), {Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0}},
		{mt(evdev.AbsMtTrackingID, 2), mt(evdev.AbsMtPositionX, 80), mt(evdev.AbsMtPositionY, 31), {Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1}},
		{mt(evdev.AbsMtPositionX, 150)},
		{mt(evdev.AbsMtPositionX, 250)},
		{mt(evdev.AbsMtPositionY, 31)}, // unchanged: the kernel filters it out
		{mt(evdev.AbsMtPositionX, 80)},
		{mt(evdev.AbsMtSlot, 1), mt(evdev.AbsMtTrackingID, 3), mt(evdev.AbsMtPositionX, 930), mt(evdev.AbsMtPositionY, 29)},
		{mt(evdev.AbsMtSlot, 0), mt(evdev.AbsMtTrackingID, -1)},
		{mt(evdev.AbsMtSlot, 1), mt(evdev.AbsMtTrackingID, -1), {Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0}},
	}
	for _, s := range steps {
		if err := d.Report(s...); err != nil {
			return err
		}
	}
	return nil
}

// scriptFlood: a finger lands on F1 (read at once), then moves many times
// while nobody reads, overflowing the client's buffer (SYN_DROPPED); it
// lifts, and a new tap on F3 follows.
func scriptFlood(d *uinput.Device, drain func()) error {
	if err := d.Report(mt(evdev.AbsMtSlot, 0), mt(evdev.AbsMtTrackingID, 1), mt(evdev.AbsMtPositionX, 80), mt(evdev.AbsMtPositionY, 30), ev{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1}); err != nil {
		return err
	}
	drain()
	for i := range 1500 {
		if err := d.Report(mt(evdev.AbsMtPositionX, int32(60+i%40))); err != nil {
			return err
		}
	}
	if err := d.Report(mt(evdev.AbsMtTrackingID, -1), ev{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0}); err != nil {
		return err
	}
	if err := d.Report(mt(evdev.AbsMtTrackingID, 2), mt(evdev.AbsMtPositionX, 420), ev{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1}); err != nil {
		return err
	}
	return d.Report(mt(evdev.AbsMtTrackingID, -1), ev{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0})
}
