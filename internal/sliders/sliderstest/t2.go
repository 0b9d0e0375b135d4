// Package sliderstest has fakes for tests of the sliders' devices: a T2
// MacBook's internal keyboard made with uhid, whose backlight the
// kernel's hid-apple registers as the LED "apple::kbd_backlight" (guest
// tests: /dev/uhid and hid-apple are in the kit).
package sliderstest

import (
	"encoding/binary"
	"os"
	"sync"
	"testing"
	"time"
)

// LED is the sysfs directory of the keyboard backlight hid-apple makes.
const LED = "/sys/class/leds/apple::kbd_backlight"

// T2Keyboard is the fake keyboard. Sets receives each brightness value
// hid-apple sent it (report 0xB0).
type T2Keyboard struct {
	t    testing.TB
	f    *os.File
	max  uint16
	Sets chan int
	done chan struct{}
	wmu  sync.Mutex
}

// t2Descriptor: one vendor input field (page 0xff00, usage 0x0f), which
// hid-apple looks for before it asks for the backlight's configuration.
var t2Descriptor = []byte{
	0x06, 0x00, 0xff, // Usage Page (Vendor 0xff00)
	0x09, 0x0f, // Usage (0x0f)
	0xa1, 0x01, // Collection (Application)
	0x09, 0x0f, //   Usage (0x0f)
	0x15, 0x00, //   Logical Minimum (0)
	0x26, 0xff, 0x00, //   Logical Maximum (255)
	0x75, 0x08, //   Report Size (8)
	0x95, 0x01, //   Report Count (1)
	0x81, 0x02, //   Input (Data, Var, Abs)
	0xc0, // End Collection
}

// NewT2Keyboard plugs the keyboard in (its backlight's range is 0..max);
// the test's cleanup unplugs it. Without /dev/uhid the test is skipped
// (an older kit), or fails under CI=true.
func NewT2Keyboard(t testing.TB, max uint16) *T2Keyboard {
	t.Helper()
	f, err := os.OpenFile("/dev/uhid", os.O_RDWR, 0)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and no uhid (the kit lacks uhid.ko? run .ci/setup-vm): %v", err)
		}
		t.Skipf("no /dev/uhid (an older kit: run .ci/setup-vm): %v", err)
	}
	k := &T2Keyboard{t: t, f: f, max: max, Sets: make(chan int, 256), done: make(chan struct{})}
	if _, err := f.Write(uhidCreate2Event("Apple Inc. Apple Internal Keyboard / Trackpad", busUSB, 0x05ac, 0x027a, t2Descriptor)); err != nil {
		f.Close()
		t.Fatalf("uhid create: %v", err)
	}
	go k.serve()
	t.Cleanup(func() {
		k.write(uhidDestroyEvent())
		f.Close()
		<-k.done
	})
	return k
}

func (k *T2Keyboard) write(b []byte) {
	k.wmu.Lock()
	defer k.wmu.Unlock()
	if _, err := k.f.Write(b); err != nil {
		k.t.Logf("uhid write: %v", err)
	}
}

// serve answers the kernel's report requests until the uhid file closes.
func (k *T2Keyboard) serve() {
	defer close(k.done)
	buf := make([]byte, uhidEventSize)
	for {
		r, ok, err := readUhid(k.f, buf)
		if err != nil {
			return
		}
		if !ok {
			continue
		}
		switch {
		case r.typ == uhidGetReport && r.rnum == 0xbf && r.rtype == uhidFeatureReport:
			// apple_backlight_config_report: id, version 1, off, on_min, on_max.
			rep := make([]byte, 8)
			rep[0], rep[1] = 0xbf, 1
			binary.LittleEndian.PutUint16(rep[2:], 0)
			binary.LittleEndian.PutUint16(rep[4:], 1)
			binary.LittleEndian.PutUint16(rep[6:], k.max)
			k.write(uhidGetReportReplyEvent(r.id, 0, rep))
		case r.typ == uhidGetReport:
			k.write(uhidGetReportReplyEvent(r.id, 5 /* EIO */, nil))
		case r.typ == uhidSetReport:
			if r.rnum == 0xb0 && len(r.data) >= 4 && r.data[1] == 1 {
				select {
				case k.Sets <- int(binary.LittleEndian.Uint16(r.data[2:])):
				default:
				}
			}
			k.write(uhidSetReportReplyEvent(r.id, 0))
		}
	}
}

// Unplug removes the keyboard now (its LED goes away); the cleanup's
// second removal is harmless.
func (k *T2Keyboard) Unplug() { k.write(uhidDestroyEvent()) }

// Received waits for the next brightness hid-apple sent the keyboard.
func (k *T2Keyboard) Received(t testing.TB) int {
	t.Helper()
	select {
	case v := <-k.Sets:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("hid-apple sent the keyboard no backlight report")
		return -1
	}
}

// None checks that hid-apple sent nothing more for a while.
func (k *T2Keyboard) None(t testing.TB, why string) {
	t.Helper()
	select {
	case v := <-k.Sets:
		t.Errorf("%s: the keyboard received %d", why, v)
	case <-time.After(300 * time.Millisecond):
	}
}

// WaitLED waits for the LED's sysfs directory.
func WaitLED(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(LED); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear", LED)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
