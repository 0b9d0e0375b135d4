package evdev_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

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

func requireUinput(t *testing.T) {
	t.Helper()
	vmtest.GuestOnly(t)
	if _, err := os.Stat("/dev/uinput"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and no /dev/uinput: %v", err)
		}
		t.Skipf("no /dev/uinput: %v", err)
	}
}

// node opens the event node of the input device named name.
func node(t *testing.T, name string) *evdev.Device {
	t.Helper()
	for range 500 {
		names, _ := filepath.Glob("/sys/class/input/event*/device/name")
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil || strings.TrimSpace(string(b)) != name {
				continue
			}
			d, err := evdev.Open("/dev/input/" + filepath.Base(filepath.Dir(filepath.Dir(n))))
			if err == nil {
				return d
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no device %q", name)
	return nil
}

// The ABI against the real kernel: description, axes, slots, switches, keys.
func TestVMDescriptionAndState(t *testing.T) {
	requireUinput(t)
	digi, err := uinput.NewDigitizer("/dev/uinput", "evdev test digitizer", 2008, 60, 11)
	if err != nil {
		t.Fatal(err)
	}
	defer digi.Close()
	d := node(t, "evdev test digitizer")
	defer d.Close()
	if d.ID.Vendor != uinput.AppleVendor || !d.Prop.Has(evdev.PropDirect) || !d.Key.Has(evdev.BtnTouch) || !d.Abs.Has(evdev.AbsMtTrackingID) {
		t.Errorf("description %+v", d.Info)
	}
	if a, err := d.AbsInfo(evdev.AbsMtPositionX); err != nil || a.Maximum != 2007 {
		t.Errorf("ABS_MT_POSITION_X = %+v, %v", a, err)
	}
	if err := digi.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 2},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: 42},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: 1234},
	); err != nil {
		t.Fatal(err)
	}
	evs := make([]evdev.RawEvent, 16)
	d.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := d.Read(evs); err != nil || n == 0 || evs[n-1].Type != evdev.EvSyn {
		t.Fatalf("Read = %d, %v", n, err)
	}
	ids := make([]int32, 11)
	xs := make([]int32, 11)
	if err := d.MTSlots(evdev.AbsMtTrackingID, ids); err != nil || ids[2] != 42 || ids[0] != -1 {
		t.Errorf("tracking ids %v, %v", ids, err)
	}
	if err := d.MTSlots(evdev.AbsMtPositionX, xs); err != nil || xs[2] != 1234 {
		t.Errorf("x %v, %v", xs, err)
	}

	lid, err := uinput.NewLid("/dev/uinput", "evdev test lid")
	if err != nil {
		t.Fatal(err)
	}
	defer lid.Close()
	if err := lid.Report(uinput.Event{Type: evdev.EvSw, Code: evdev.SwLid, Value: 1}); err != nil {
		t.Fatal(err)
	}
	l := node(t, "evdev test lid")
	defer l.Close()
	if sw, err := l.Switches(); err != nil || !sw.Has(evdev.SwLid) {
		t.Errorf("lid state %v, %v: want closed", sw, err)
	}

	kb, err := uinput.NewFnKeyboard("/dev/uinput", "evdev test keyboard")
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	k := node(t, "evdev test keyboard")
	defer k.Close()
	if err := kb.Report(uinput.Event{Type: evdev.EvKey, Code: evdev.KeyFn, Value: 1}); err != nil {
		t.Fatal(err)
	}
	if keys, err := k.Keys(); err != nil || !keys.Has(evdev.KeyFn) || keys.Has(30) {
		t.Errorf("key state: Fn %v, A %v, %v", keys.Has(evdev.KeyFn), keys.Has(30), err)
	}
}

// A removed device ends a blocked Read with ErrGone (and ENODEV); Close
// ends one with os.ErrClosed.
func TestVMReadGoneAndClose(t *testing.T) {
	requireUinput(t)
	kb, err := uinput.NewFnKeyboard("/dev/uinput", "evdev gone keyboard")
	if err != nil {
		t.Fatal(err)
	}
	d := node(t, "evdev gone keyboard")
	defer d.Close()
	done := make(chan error, 1)
	go func() {
		_, err := d.Read(make([]evdev.RawEvent, 8))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let it block (no bound on anything)
	kb.Close()
	select {
	case err := <-done:
		if !errors.Is(err, evdev.ErrGone) || !errors.Is(err, unix.ENODEV) {
			t.Errorf("Read on a removed device: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read did not return after removal")
	}

	kb2, err := uinput.NewFnKeyboard("/dev/uinput", "evdev closed keyboard")
	if err != nil {
		t.Fatal(err)
	}
	defer kb2.Close()
	d2 := node(t, "evdev closed keyboard")
	go func() {
		_, err := d2.Read(make([]evdev.RawEvent, 8))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	d2.Close()
	select {
	case err := <-done:
		if !errors.Is(err, os.ErrClosed) {
			t.Errorf("Read after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not interrupt Read")
	}
}
