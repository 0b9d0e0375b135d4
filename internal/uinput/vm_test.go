package uinput_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// TestGuest runs the TestVM… tests below in the QEMU guest.
func TestGuest(t *testing.T) {
	vmtest.HostOnly(t)
	res := vmtest.Run(t, vmtest.Config{Packages: []string{"."}, Run: "^TestVM"})
	if res != nil && (len(res.ExitCodes) != 1 || res.ExitCodes[0] != 0) {
		t.Errorf("guest exit codes %v", res.ExitCodes)
	}
}

// The virtual keyboard as the kernel sees it, and a chord read back as one
// group ending in SYN_REPORT.
func TestVMKeyboard(t *testing.T) {
	vmtest.GuestOnly(t)
	if _, err := os.Stat("/dev/uinput"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and no /dev/uinput: %v", err)
		}
		t.Skipf("no /dev/uinput: %v", err)
	}
	kb, err := uinput.NewKeyboard("/dev/uinput")
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	var d *evdev.Device
	for range 500 {
		names, _ := filepath.Glob("/sys/class/input/event*/device/name")
		for _, n := range names {
			if b, _ := os.ReadFile(n); strings.TrimSpace(string(b)) == uinput.KeyboardName {
				d, err = evdev.Open("/dev/input/" + filepath.Base(filepath.Dir(filepath.Dir(n))))
			}
		}
		if d != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if d == nil {
		t.Fatalf("no device named %q (%v)", uinput.KeyboardName, err)
	}
	defer d.Close()
	if d.Name != uinput.KeyboardName || d.ID != (evdev.InputID{Bustype: 0x19, Vendor: 0x1209, Product: 0x316E, Version: 1}) {
		t.Errorf("name %q id %+v", d.Name, d.ID)
	}
	// We enable 0–767; the input core always clears KEY_RESERVED (0).
	for _, c := range []int{1, 59, evdev.KeyFn, 767} {
		if !d.Key.Has(c) {
			t.Errorf("key %d not enabled", c)
		}
	}
	if err := kb.Press([]uint16{29, 46}); err != nil {
		t.Fatal(err)
	}
	if err := kb.Release([]uint16{29, 46}); err != nil {
		t.Fatal(err)
	}
	var got []evdev.RawEvent
	evs := make([]evdev.RawEvent, 16)
	d.SetReadDeadline(time.Now().Add(5 * time.Second))
	for len(got) < 6 {
		n, err := d.Read(evs)
		if err != nil {
			t.Fatalf("after %v: %v", got, err)
		}
		got = append(got, evs[:n]...)
	}
	want := []evdev.RawEvent{{Type: 1, Code: 29, Value: 1}, {Type: 1, Code: 46, Value: 1}, {}, {Type: 1, Code: 29}, {Type: 1, Code: 46}, {}}
	for i := range got {
		got[i].Sec, got[i].Usec = 0, 0
	}
	if !slices.Equal(got, want) {
		t.Errorf("events %+v, want %+v", got, want)
	}
}
