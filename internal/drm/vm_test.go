package drm

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/vmtest"
)

// Guest tests: they run inside the QEMU guest (virtio-gpu, portrait mode
// XRes×YRes) started by TestGuest2008 and TestGuest2170, and ask the host to
// compare its screendump with the scene they drew.

// guestDisplay opens the display the way the daemon does (no flags) and
// checks it found the portrait strip the host configured.
func guestDisplay(t *testing.T) *Display {
	t.Helper()
	vmtest.GuestOnly(t)
	if _, err := os.Stat("/dev/dri/card0"); err != nil {
		t.Skip("no /dev/dri/card0")
	}
	d, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	})
	length, height := d.Size()
	if want, _ := strconv.Atoi(os.Getenv("DRM_TEST_YRES")); want != 0 && (length != want || height != 64) {
		t.Fatalf("Size() = %d, %d; want %d, 64", length, height, want)
	}
	t.Logf("%s: mode %+v, atomic %v, pitch %d", d.Card(), d.Mode(), d.Atomic(), d.pitch)
	// Dev is the node's device number, as the card's uevents name it.
	var st unix.Stat_t
	if err := unix.Stat(d.Card(), &st); err != nil {
		t.Fatal(err)
	}
	if maj, mnr, ok := d.Dev(); !ok || maj != unix.Major(uint64(st.Rdev)) || mnr != unix.Minor(uint64(st.Rdev)) {
		t.Errorf("Dev() = %d:%d %v, want the node's %d:%d", maj, mnr, ok, unix.Major(uint64(st.Rdev)), unix.Minor(uint64(st.Rdev)))
	}
	return d
}

// askScreen asks the host whether its screendump shows scene(pressed).
func askScreen(t *testing.T, what string, pressed int) {
	t.Helper()
	reply, err := vmtest.AskHost(fmt.Sprintf("screen %d", pressed))
	if err != nil {
		t.Fatal(err)
	}
	if reply != "ok" {
		t.Errorf("%s: host screendump: %s", what, reply)
	}
}

// TestVMDraw draws the F-key layer, then presses one button and shows that
// the host sees it only after the damage-clipped DIRTYFB.
func TestVMDraw(t *testing.T) {
	d := guestDisplay(t)
	length, height := d.Size()
	f, lay := scene(length, height, -1)
	if length >= layouts.EscLength {
		if tf, ok := lay.Layers[layouts.Primary].Buttons[0].Face.(layouts.TextFace); !ok || tf.Label != "esc" {
			t.Errorf("first button of a %d px bar is %#v, want esc", length, lay.Layers[0].Buttons[0].Face)
		}
	}
	if err := d.Present(f); err != nil {
		t.Fatal(err)
	}
	askScreen(t, "full frame", -1)

	const button = 2
	p, _ := scene(length, height, button)
	clips := d.copyDamage(p)
	if len(clips) != 1 {
		t.Fatalf("one button's damage gave clips %v", clips)
	}
	askScreen(t, "written, not flushed", -1)
	if err := d.flush(clips); err != nil {
		t.Fatal(err)
	}
	askScreen(t, "flushed with the button's clip", button)
}

// TestVMReopen closes the display and opens it again, as after a T2
// suspend; each time the host sees the new picture.
func TestVMReopen(t *testing.T) {
	vmtest.GuestOnly(t)
	before := openFDs(t)
	for i := range 2 {
		d, err := Open(Options{})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		length, height := d.Size()
		f, _ := scene(length, height, i)
		f.Damage = []image.Rectangle{image.Rect(0, 0, f.Width, f.Height)}
		err = d.Present(f)
		if err == nil {
			askScreen(t, fmt.Sprintf("open %d", i), i)
		}
		if cerr := d.Close(); cerr != nil || err != nil {
			t.Fatalf("open %d: present %v, close %v", i, err, cerr)
		}
	}
	for _, fd := range openFDs(t) {
		if !slices.Contains(before, fd) {
			t.Errorf("fd %s left open after two open/close rounds (before: %v)", fd, before)
		}
	}
}

// openFDs lists what this process's open fds point to, but for the Go
// runtime's poller (epoll and eventfd, made on first use).
func openFDs(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var fds []string
	for _, e := range ents {
		target, _ := os.Readlink("/proc/self/fd/" + e.Name())
		if target != "anon_inode:[eventpoll]" && target != "anon_inode:[eventfd]" {
			fds = append(fds, e.Name()+"→"+target)
		}
	}
	return fds
}

// TestVMGone unbinds the virtio-gpu driver under an open display, as T2
// suspend unloads appletbdrm: Present returns ErrGone with the errno, Close
// cleans up, and once the driver is bound again Open finds the card and the
// host sees the new picture.
func TestVMGone(t *testing.T) {
	vmtest.GuestOnly(t)
	const drv = "/sys/bus/virtio/drivers/virtio_gpu"
	devs, _ := filepath.Glob(drv + "/virtio*")
	if len(devs) != 1 {
		t.Fatalf("virtio_gpu devices %v, want one", devs)
	}
	dev := filepath.Base(devs[0])
	d, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	length, height := d.Size()
	f, _ := scene(length, height, -1)
	if err := d.Present(f); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(drv+"/unbind", []byte(dev), 0); err != nil {
		t.Fatalf("unbind %s: %v", dev, err)
	}
	err = d.Present(f)
	t.Logf("present after unbind: %v", err)
	if !errors.Is(err, ErrGone) || !errors.Is(err, unix.ENODEV) {
		t.Errorf("Present after unbind = %v, want ErrGone with ENODEV", err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close of a gone display = %v", err)
	}
	if _, err := Open(Options{}); err == nil {
		t.Error("Open found a display with the driver unbound")
	}
	if err := os.WriteFile(drv+"/bind", []byte(dev), 0); err != nil {
		t.Fatalf("bind %s: %v", dev, err)
	}
	var d2 *Display
	for range 100 { // the card node appears asynchronously
		if d2, err = Open(Options{}); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("Open after rebinding: %v", err)
	}
	defer d2.Close()
	t.Logf("reopened %s", d2.Card())
	f, _ = scene(length, height, 3)
	f.Damage = []image.Rectangle{image.Rect(0, 0, f.Width, f.Height)}
	if err := d2.Present(f); err != nil {
		t.Fatal(err)
	}
	askScreen(t, "after rebinding "+d2.Card(), 3)
}
