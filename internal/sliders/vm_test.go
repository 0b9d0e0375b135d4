package sliders

import (
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"tiny-dfr/internal/sliders/sliderstest"
	"tiny-dfr/internal/uevent"
	"tiny-dfr/internal/vmtest"
)

// TestGuest boots the QEMU guest and runs the TestVM… tests below in it.
func TestGuest(t *testing.T) {
	vmtest.HostOnly(t)
	res := vmtest.Run(t, vmtest.Config{Packages: []string{"."}, Run: "^TestVM", Timeout: 2 * time.Minute})
	if res == nil {
		return
	}
	if len(res.ExitCodes) != 1 || res.ExitCodes[0] != 0 {
		t.Errorf("guest exit codes %v\n%s", res.ExitCodes, strings.Join(res.Console, "\n"))
	}
}

// uevents records the kernel's uevents while a test runs.
type uevents struct {
	mu  sync.Mutex
	got []uevent.Event
}

func watchUevents(t *testing.T) *uevents {
	t.Helper()
	c, err := uevent.Open()
	if err != nil {
		t.Fatal(err)
	}
	u := &uevents{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			e, err := c.Read()
			if errors.Is(err, os.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			u.mu.Lock()
			u.got = append(u.got, e)
			u.mu.Unlock()
		}
	}()
	t.Cleanup(func() { c.Close(); <-done })
	return u
}

// take returns (and forgets) the events so far, after a moment for late
// ones.
func (u *uevents) take() []uevent.Event {
	time.Sleep(200 * time.Millisecond)
	u.mu.Lock()
	defer u.mu.Unlock()
	got := u.got
	u.got = nil
	return got
}

func logEvents(t *testing.T, step string, es []uevent.Event) {
	t.Helper()
	if len(es) == 0 {
		t.Logf("UEVENTS %s: none", step)
	}
	for _, e := range es {
		t.Logf("UEVENTS %s: %s %s (%s)", step, e.Action, e.DevPath, e.Subsystem)
	}
}

func waitFor(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readTrim(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestVMKeyboardBacklight drives the keyboard slider's backend against
// hid-apple's real LED: levels set through the backend reach the driver
// and the LED's sysfs file, a level written elsewhere is seen by Level,
// an unchanged level is not rewritten, and the uevents are logged
// (UEVENTS lines) for the daemon to know what to listen for.
func TestVMKeyboardBacklight(t *testing.T) {
	vmtest.GuestOnly(t)
	ue := watchUevents(t)
	kb := sliderstest.NewT2Keyboard(t, 500)
	led := "/sys/class/leds/apple::kbd_backlight"
	waitFor(t, led)
	if v := kb.Received(t); v != 0 {
		t.Errorf("probe set the backlight to %d, want 0", v)
	}
	logEvents(t, "keyboard plugged", ue.take())

	b, err := Open(Keyboard, DefaultDirs())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	d := b.(*Device)
	if d.Name() != "apple::kbd_backlight" || d.Max() != 500 {
		t.Errorf("opened %s, max %d", d.Name(), d.Max())
	}
	if l, err := b.Level(); l != 0 || err != nil {
		t.Errorf("Level = %v, %v; want 0", l, err)
	}

	if err := b.Set(0.5); err != nil {
		t.Fatal(err)
	}
	if v := kb.Received(t); v != 250 {
		t.Errorf("Set(0.5): the keyboard received %d, want 250", v)
	}
	if s := readTrim(t, led+"/brightness"); s != "250" {
		t.Errorf("Set(0.5): the kernel holds %s, want 250", s)
	}
	if l, err := b.Level(); l != 0.5 || err != nil {
		t.Errorf("Level after Set(0.5) = %v, %v", l, err)
	}
	if err := b.Set(0.5001); err != nil {
		t.Fatal(err)
	}
	kb.None(t, "Set of the same raw value")
	logEvents(t, "set through the backend", ue.take())

	// Elsewhere: another program writes the LED.
	if err := os.WriteFile(led+"/brightness", []byte("100\n"), 0); err != nil {
		t.Fatal(err)
	}
	if v := kb.Received(t); v != 100 {
		t.Errorf("write elsewhere: the keyboard received %d", v)
	}
	if l, err := b.Level(); l != 0.2 || err != nil {
		t.Errorf("Level after a write elsewhere = %v, %v; want 0.2", l, err)
	}
	es := ue.take()
	logEvents(t, "written elsewhere", es)
	for _, e := range es {
		if b.Concerns(e) {
			t.Logf("a uevent concerns the keyboard LED: %s %s", e.Action, e.DevPath)
		}
	}
	// After Level saw 100, the level of before (250) is written again.
	if err := b.Set(0.5); err != nil {
		t.Fatal(err)
	}
	if v := kb.Received(t); v != 250 {
		t.Errorf("Set(0.5) after a change elsewhere: the keyboard received %d", v)
	}
	if err := b.Set(0); err != nil {
		t.Fatal(err)
	}
	if v := kb.Received(t); v != 0 {
		t.Errorf("Set(0): the keyboard received %d (the keyboard may go dark)", v)
	}

	// A backlight-kind device keeps its floor of 1 on the same real file.
	bd, err := OpenDevice(Brightness, led)
	if err != nil {
		t.Fatal(err)
	}
	if err := bd.Set(0); err != nil {
		t.Fatal(err)
	}
	if v := kb.Received(t); v != 1 {
		t.Errorf("brightness-kind Set(0) on the LED: received %d, want 1", v)
	}
	bd.Close()
	ue.take()

	// Unplugged: the open backend says the device is gone.
	kb.Unplug()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err = b.Level()
		if err != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !errors.Is(err, ErrGone) {
		t.Errorf("Level after unplug: %v, want ErrGone", err)
	}
	if err := b.Set(0.9); !errors.Is(err, ErrGone) {
		t.Errorf("Set after unplug: %v, want ErrGone", err)
	}
	es = ue.take()
	logEvents(t, "unplugged", es)
	removed := false
	for _, e := range es {
		if e.Action == "remove" && b.Concerns(e) {
			removed = true
		}
	}
	if !removed {
		t.Error("no remove uevent concerned the keyboard backend")
	}
	if _, err := Open(Keyboard, DefaultDirs()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open after unplug: %v, want ErrNotFound", err)
	}
}
