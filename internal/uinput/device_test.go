package uinput

import (
	"errors"
	"os"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
)

// pipeKeyboard creates the virtual keyboard on a fake kernel whose fd is a
// pipe: what the keyboard writes can be read back from r.
func pipeKeyboard(t *testing.T, f *fakeUinput) (*Keyboard, *os.File) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	r := os.NewFile(uintptr(p[0]), "pipe-r")
	d, err := create(p[1], "/dev/uinput", KeyboardConfig(), f.kernel())
	if err != nil {
		t.Fatal(err)
	}
	k := &Keyboard{d: d}
	t.Cleanup(func() { k.Close(); r.Close() })
	return k, r
}

func TestKeyboardSetup(t *testing.T) {
	t.Parallel()
	f := newFake()
	pipeKeyboard(t, f)
	if !f.created {
		t.Fatal("UI_DEV_CREATE not called")
	}
	name := string(f.setup.Name[:len(KeyboardName)])
	if name != KeyboardName || f.setup.Name[len(KeyboardName)] != 0 {
		t.Errorf("name %q", f.setup.Name)
	}
	if f.setup.ID != (evdev.InputID{Bustype: 0x19, Vendor: 0x1209, Product: 0x316E, Version: 1}) {
		t.Errorf("id %+v", f.setup.ID)
	}
	keys := f.bits[uiSetKeyBit]
	if len(keys) != 768 || keys[0] != 0 || keys[767] != 767 {
		t.Errorf("%d key bits enabled (%v…)", len(keys), keys[:min(3, len(keys))])
	}
	if ev := f.bits[uiSetEvBit]; !slices.Equal(ev, []int{evdev.EvSyn, evdev.EvKey}) {
		t.Errorf("event types %v", ev)
	}
}

func TestDigitizerSetup(t *testing.T) {
	t.Parallel()
	f := newFake()
	d, err := create(-1, "/dev/uinput", DigitizerConfig(DigitizerT2, 2008, 60, 11), f.kernel())
	if err != nil {
		t.Fatal(err)
	}
	d.fd = -1 // nothing to close
	if got := f.abs[evdev.AbsMtPositionX]; got.Maximum != 2007 {
		t.Errorf("ABS_MT_POSITION_X = %+v", got)
	}
	if got := f.abs[evdev.AbsMtSlot]; got.Maximum != 10 {
		t.Errorf("ABS_MT_SLOT = %+v", got)
	}
	if p := f.bits[uiSetPropBit]; !slices.Equal(p, []int{evdev.PropDirect}) {
		t.Errorf("props %v", p)
	}
	if _, err := create(-1, "x", Config{Name: string(make([]byte, 80))}, f.kernel()); err == nil {
		t.Error("80-byte name accepted")
	}
}

func TestCreateKeepsErrno(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.failReq = uiDevCreate
	if _, err := create(-1, "/dev/uinput", LidConfig("lid"), f.kernel()); !errors.Is(err, unix.EINVAL) {
		t.Errorf("create: %v", err)
	}
}

func readEvents(t *testing.T, r *os.File, n int) []evdev.RawEvent {
	t.Helper()
	buf := make([]byte, n*evdev.EventSize)
	got, err := r.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	evs := make([]evdev.RawEvent, n)
	return evs[:evdev.DecodeEvents(buf[:got], evs)]
}

func TestPressReleaseOneWrite(t *testing.T) {
	t.Parallel()
	k, r := pipeKeyboard(t, newFake())
	if err := k.Press([]uint16{29, 46}); err != nil { // Ctrl, C
		t.Fatal(err)
	}
	if err := k.Release([]uint16{29, 46}); err != nil {
		t.Fatal(err)
	}
	if err := k.Press(nil); err != nil {
		t.Fatal(err)
	}
	// One read of a pipe returns one write at most here: each group
	// arrives whole.
	want := [][]evdev.RawEvent{
		{{Type: 1, Code: 29, Value: 1}, {Type: 1, Code: 46, Value: 1}, {}},
		{{Type: 1, Code: 29}, {Type: 1, Code: 46}, {}},
	}
	for i, w := range want {
		got := readEvents(t, r, 3)
		if !slices.Equal(got, w) {
			t.Errorf("group %d = %+v, want %+v", i, got, w)
		}
	}
}

func TestPressAllocs(t *testing.T) { // not parallel: AllocsPerRun
	k, r := pipeKeyboard(t, newFake())
	codes := []uint16{113}
	drain := make([]byte, 4096)
	allocs := testing.AllocsPerRun(100, func() {
		k.Press(codes)
		k.Release(codes)
		r.Read(drain)
	})
	if allocs != 0 {
		t.Errorf("Press+Release allocate %v times", allocs)
	}
}

func TestCloseTwice(t *testing.T) {
	t.Parallel()
	f := newFake()
	k, _ := pipeKeyboard(t, f)
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if err := k.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
	if err := k.Press([]uint16{1}); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Press after Close: %v", err)
	}
	if f.destroy != 1 {
		t.Errorf("UI_DEV_DESTROY called %d times", f.destroy)
	}
}
