package input

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// TestGuest boots the QEMU guest and runs the TestVM… tests below in it
// (and the BenchmarkVM… benchmarks when INPUT_VM_BENCH=1).
func TestGuest(t *testing.T) {
	vmtest.HostOnly(t)
	cfg := vmtest.Config{Packages: []string{"."}, Run: "^TestVM", Timeout: 4 * time.Minute}
	if os.Getenv("INPUT_VM_BENCH") != "" {
		cfg.Bench = "^BenchmarkVM"
		cfg.Args = []string{"-test.benchtime=" + envOr("INPUT_VM_BENCHTIME", "2000x")}
	}
	var rec recorder
	if os.Getenv("INPUT_RECORD") != "" {
		cfg.Env = map[string]string{"INPUT_RECORD": "1"}
		cfg.OnLine = func(_ *vmtest.Guest, l string) { rec.line(l) }
	}
	res := vmtest.Run(t, cfg)
	if res == nil {
		return
	}
	rec.write(t)
	for _, l := range res.Benchmarks {
		t.Log(l)
	}
	if len(res.ExitCodes) != 1 || res.ExitCodes[0] != 0 {
		t.Errorf("guest exit codes %v\n%s", res.ExitCodes, strings.Join(res.Console, "\n"))
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

const uinputPath = "/dev/uinput"

// requireUinput skips outside the guest, and when /dev/uinput is absent
// (failing instead with CI=true).
func requireUinput(t testing.TB) {
	t.Helper()
	vmtest.GuestOnly(t)
	if _, err := os.Stat(uinputPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and no %s: %v", uinputPath, err)
		}
		t.Skipf("no %s: %v", uinputPath, err)
	}
}

// bar is a running input layer in the guest: fake digitizer and Fn
// keyboard, Run, and a daemon-like loop driving a Tracker that types on
// our virtual keyboard, whose event node the test reads.
type bar struct {
	t      testing.TB
	layout *layouts.Layout
	digi   *uinput.Device
	fnKbd  *uinput.Device
	kbd    *uinput.Keyboard
	out    *evdev.Device // our virtual keyboard's event node
	events chan Event    // what the loop saw, for synchronisation
	stop   func()
	id     int32
	opts   Options // for Run; setup may change it
}

func newBar(t testing.TB) *bar { return newBarWith(t, nil) }

// newBarWith is newBar; setup runs on the fresh devices before Run starts.
func newBarWith(t testing.TB, setup func(b *bar)) *bar {
	t.Helper()
	requireUinput(t)
	before := openFDs(t)
	b := &bar{t: t, layout: layouts.Build(testConfig(), 2008, 60), events: make(chan Event, 1024)}
	var err error
	if b.kbd, err = uinput.NewKeyboard(uinputPath); err != nil {
		t.Fatal(err)
	}
	if b.out, err = openByName(uinput.KeyboardName); err != nil {
		t.Fatal(err)
	}
	if b.fnKbd, err = uinput.Create(uinputPath, uinput.FnKeyboardConfig("Apple Internal Keyboard / Trackpad")); err != nil {
		t.Fatal(err)
	}
	b.addDigitizer()
	if setup != nil {
		setup(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	in := make(chan Event, 64)
	runDone := make(chan error, 1)
	go func() { runDone <- Run(ctx, b.opts, in) }()
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		tr := NewTracker(b.kbd)
		sw := layouts.Switcher{DoublePress: time.Second} // generous: TCG is slow
		for {
			select {
			case <-ctx.Done():
				tr.ReleaseAll()
				return
			case ev := <-in:
				switch ev.Kind {
				case Touches:
					tr.Handle(ev.Touches, View{Layout: b.layout, Shown: sw.Shown(), Base: BaseLayer(&sw)})
				case Fn:
					sw.Fn(ev.Down, ev.Time)
					tr.Handle(nil, View{Layout: b.layout, Shown: sw.Shown(), Base: BaseLayer(&sw)})
				}
				select {
				case b.events <- ev:
				default:
				}
			}
		}
	}()
	b.stop = func() {
		cancel()
		if err := <-runDone; err != nil {
			t.Errorf("Run: %v", err)
		}
		<-loopDone
	}
	t.Cleanup(func() {
		b.stop()
		b.out.Close()
		b.kbd.Close()
		b.fnKbd.Close()
		if b.digi != nil {
			b.digi.Close()
		}
		checkNoLeak(t, before)
	})
	b.waitFor(DigitizerAdded)
	return b
}

func (b *bar) addDigitizer() {
	var err error
	if b.digi, err = uinput.Create(uinputPath, uinput.DigitizerConfig(uinput.DigitizerT2, 2008, 60, 11)); err != nil {
		b.t.Fatal(err)
	}
}

// waitFor waits until the loop has handled an event of kind k.
func (b *bar) waitFor(k EventKind) Event {
	b.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-b.events:
			if ev.Kind == k {
				return ev
			}
		case <-timeout:
			b.t.Fatalf("no event of kind %d", k)
		}
	}
}

// openByName finds an input device by name in sysfs and opens its event
// node.
func openByName(name string) (*evdev.Device, error) {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		names, _ := filepath.Glob("/sys/class/input/event*/device/name")
		sort.Strings(names)
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil || strings.TrimSpace(string(b)) != name {
				continue
			}
			node := "/dev/input/" + filepath.Base(filepath.Dir(filepath.Dir(n)))
			if d, err := evdev.Open(node); err == nil {
				return d, nil
			}
		}
		time.Sleep(10 * time.Millisecond) // the node appears asynchronously
	}
	return nil, fmt.Errorf("no input device named %q", name)
}

func (b *bar) x(layer, button int) int32 {
	x, _ := centre(b.layout, layer, button)
	return int32(x * 2007)
}

func (b *bar) touchDown(slot, x int32) { b.touchDownAt(slot, x, 30) }

func (b *bar) touchDownAt(slot, x, y int32) {
	b.t.Helper()
	b.id++
	if err := b.digi.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: slot},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: b.id},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: x},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionY, Value: y},
		uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1},
	); err != nil {
		b.t.Fatal(err)
	}
}

func (b *bar) touchMove(slot, x int32) {
	b.t.Helper()
	if err := b.digi.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: slot},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: x},
	); err != nil {
		b.t.Fatal(err)
	}
}

func (b *bar) touchUp(slot int32) {
	b.t.Helper()
	if err := b.digi.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: slot},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: -1},
		uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0},
	); err != nil {
		b.t.Fatal(err)
	}
}

func (b *bar) fn(down bool) {
	b.t.Helper()
	v := int32(0)
	if down {
		v = 1
	}
	if err := b.fnKbd.Report(uinput.Event{Type: evdev.EvKey, Code: evdev.KeyFn, Value: v}); err != nil {
		b.t.Fatal(err)
	}
	if ev := b.waitFor(Fn); ev.Down != down {
		b.t.Fatalf("Fn event down=%v, want %v", ev.Down, down)
	}
}

// keys reads n key events from our virtual keyboard, checking that each
// group ends with a SYN_REPORT.
func (b *bar) keys(n int) []keyEvent {
	b.t.Helper()
	var got []keyEvent
	evs := make([]evdev.RawEvent, 16)
	b.out.SetReadDeadline(time.Now().Add(10 * time.Second))
	for len(got) < n {
		k, err := b.out.Read(evs)
		if err != nil {
			b.t.Fatalf("read our keyboard after %v: %v", got, err)
		}
		for _, e := range evs[:k] {
			if e.Type == evdev.EvKey {
				got = append(got, keyEvent{e.Code, e.Value != 0})
			}
		}
	}
	return got
}

func (b *bar) expect(what string, want ...keyEvent) {
	b.t.Helper()
	if got := b.keys(len(want)); !slices.Equal(got, want) {
		b.t.Errorf("%s: keys %v, want %v", what, got, want)
	}
}

// tap taps button of the shown layer and expects code down and up.
func (b *bar) tap(button int, code uint16) {
	b.t.Helper()
	x := b.x(0, button)
	b.touchDown(0, x)
	b.touchUp(0)
	b.expect(fmt.Sprintf("tap button %d", button), keyEvent{code, true}, keyEvent{code, false})
}

func TestVMTapEachButton(t *testing.T) {
	b := newBar(t)
	for i, code := range fCodes {
		b.tap(i, code)
	}
}

func TestVMFnMediaKeys(t *testing.T) {
	b := newBar(t)
	b.fn(true)
	for i, code := range mediaCodes {
		b.tap(i, code)
	}
	b.fn(false)
	b.tap(0, fCodes[0])
}

func TestVMTwoFingers(t *testing.T) {
	b := newBar(t)
	b.touchDown(0, b.x(0, 0))
	b.expect("first finger on F1", keyEvent{59, true})
	b.touchDown(1, b.x(0, 11))
	b.expect("second finger on F12", keyEvent{88, true})
	b.touchUp(0)
	b.expect("first lifts", keyEvent{59, false})
	b.touchUp(1)
	b.expect("second lifts", keyEvent{88, false})
}

func TestVMDoubleFnSwapReleases(t *testing.T) {
	b := newBar(t)
	b.touchDown(0, b.x(0, 0))
	b.expect("down on F1", keyEvent{59, true})
	b.fn(true)
	b.fn(false)
	b.fn(true) // second press within DoublePress: the layers swap
	b.expect("swap releases F1", keyEvent{59, false})
	b.fn(false)
	b.touchUp(0)
	b.tap(0, mediaCodes[0]) // Fn released, media layer shown
}

func TestVMSlideOffReleases(t *testing.T) {
	b := newBar(t)
	b.touchDown(0, b.x(0, 0))
	b.expect("down on F1", keyEvent{59, true})
	b.touchMove(0, b.x(0, 1))
	b.expect("slide onto F2", keyEvent{59, false})
	b.touchMove(0, b.x(0, 0))
	b.expect("back on F1", keyEvent{59, true})
	b.touchMove(0, b.x(0, 1))
	b.touchUp(0)
	b.expect("off again", keyEvent{59, false})
	b.tap(2, fCodes[2]) // nothing came in between
}

func TestVMDigitizerRemoval(t *testing.T) {
	b := newBar(t)
	b.touchDown(0, b.x(0, 4))
	b.expect("down on F5", keyEvent{63, true})
	if err := b.digi.Close(); err != nil {
		t.Fatal(err)
	}
	b.digi = nil
	b.expect("digitizer removed", keyEvent{63, false})
	b.waitFor(DigitizerGone)
	b.addDigitizer()
	b.waitFor(DigitizerAdded)
	b.tap(5, fCodes[5])
}

func TestVMLidAndActivity(t *testing.T) {
	b := newBar(t)
	lid, err := uinput.Create(uinputPath, uinput.LidConfig("Lid Switch"))
	if err != nil {
		t.Fatal(err)
	}
	defer lid.Close()
	if ev := b.waitFor(Lid); ev.Down {
		t.Error("lid reported closed at open")
	}
	if err := lid.Report(uinput.Event{Type: evdev.EvSw, Code: evdev.SwLid, Value: 1}); err != nil {
		t.Fatal(err)
	}
	if ev := b.waitFor(Lid); !ev.Down {
		t.Error("lid close not reported")
	}
	if err := b.fnKbd.Report(uinput.Event{Type: evdev.EvKey, Code: 30, Value: 1}); err != nil {
		t.Fatal(err)
	}
	b.waitFor(Activity)
	b.fnKbd.Report(uinput.Event{Type: evdev.EvKey, Code: 30, Value: 0})
}

func TestVMKeyboardGoneReleasesFn(t *testing.T) {
	b := newBar(t)
	b.fn(true)
	if err := b.fnKbd.Close(); err != nil {
		t.Fatal(err)
	}
	if ev := b.waitFor(Fn); ev.Down {
		t.Error("Fn not released on removal")
	}
	b.waitFor(KeyboardGone)
	b.fnKbd, _ = uinput.Create(uinputPath, uinput.FnKeyboardConfig("again"))
	b.tap(0, fCodes[0])
}

// The kernel drops an ABS event equal to the slot's last value, also
// across our open: a touch made and lifted before Run starts leaves its
// position in the slot, and a tap at the same spot (or the same height)
// after Run started carries no position at all. It used to land at (0,0)
// and hit nothing (or the first button).
func TestVMTapAtLastPositionBeforeStart(t *testing.T) {
	const y = 25
	b := newBarWith(t, func(b *bar) {
		b.touchDownAt(0, b.x(0, 5), y)
		b.touchUp(0)
	})
	b.touchDownAt(0, b.x(0, 5), y)
	b.touchUp(0)
	b.expect("tap on F6 at the spot of the touch before Run", keyEvent{fCodes[5], true}, keyEvent{fCodes[5], false})
}

func TestVMTapAtLastHeightBeforeStart(t *testing.T) {
	const y = 25
	b := newBarWith(t, func(b *bar) {
		b.touchDownAt(0, b.x(0, 5), y)
		b.touchUp(0)
	})
	b.touchDownAt(0, b.x(0, 8), y)
	b.touchUp(0)
	b.expect("tap on F9 at the height of the touch before Run", keyEvent{fCodes[8], true}, keyEvent{fCodes[8], false})
}

// A finger already down when Run opens the digitizer started before us: it
// presses nothing, even when it moves or lifts; the next tap works.
func TestVMFingerDownBeforeStartIgnored(t *testing.T) {
	b := newBarWith(t, func(b *bar) { b.touchDown(0, b.x(0, 2)) })
	b.touchMove(0, b.x(0, 3))
	b.touchUp(0)
	b.tap(7, fCodes[7])
}

// nodeOf is the event node of the input device named name.
func nodeOf(t testing.TB, name string) string {
	t.Helper()
	for range 100 {
		names, _ := filepath.Glob("/sys/class/input/event*/device/name")
		for _, n := range names {
			if b, err := os.ReadFile(n); err == nil && strings.TrimSpace(string(b)) == name {
				node := "/dev/input/" + filepath.Base(filepath.Dir(filepath.Dir(n)))
				if _, err := os.Stat(node); err == nil {
					return node
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no event node for %q", name)
	return ""
}

// Devices opened before Run (OpenExisting, as root in the daemon) are
// taken over by Run: here their nodes are gone before Run starts, so Run
// could not open them itself; the digitizer and Fn keyboard still work.
func TestVMOpenedBeforeRunTakenOver(t *testing.T) {
	b := newBarWith(t, func(b *bar) {
		digi, fn := nodeOf(t, uinput.DigitizerT2), nodeOf(t, "Apple Internal Keyboard / Trackpad")
		b.opts.Opened = OpenExisting("", "", nil)
		if n := b.opts.Opened.Len(); n < 2 {
			t.Fatalf("OpenExisting holds %d devices", n)
		}
		for _, n := range []string{digi, fn} {
			if err := os.Remove(n); err != nil {
				t.Fatal(err)
			}
		}
	})
	b.tap(3, fCodes[3])
	b.fn(true)
	b.tap(3, mediaCodes[3])
	b.fn(false)
}

// What sysfs says about a node is what the node says when opened: the
// same name and the same role (so a node we may not open is judged right).
func TestVMSysInfoMatchesDevice(t *testing.T) {
	requireUinput(t)
	var devs []*uinput.Device
	for _, c := range []uinput.Config{
		uinput.DigitizerConfig(uinput.DigitizerT2, 2008, 60, 11),
		uinput.DigitizerConfig(uinput.DigitizerM1, 2008, 60, 11),
		uinput.FnKeyboardConfig("Apple Internal Keyboard / Trackpad"),
		uinput.LidConfig("Lid Switch"),
	} {
		d, err := uinput.Create(uinputPath, c)
		if err != nil {
			t.Fatal(err)
		}
		devs = append(devs, d)
	}
	defer func() {
		for _, d := range devs {
			d.Close()
		}
	}()
	kb, err := uinput.NewKeyboard(uinputPath)
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	nodeOf(t, "Lid Switch")
	nodeOf(t, uinput.KeyboardName)
	nodes, _ := filepath.Glob("/dev/input/event*")
	roles := map[role]int{}
	for _, n := range nodes {
		d, err := evdev.Open(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		in, err := sysInfo("/sys/class/input", filepath.Base(n))
		if err != nil {
			t.Errorf("%s: sysfs: %v", n, err)
		} else if in.Name != d.Name || classify(&in) != classify(&d.Info) {
			t.Errorf("%s: sysfs says %q role %d, the device %q role %d", n, in.Name, classify(&in), d.Name, classify(&d.Info))
		}
		roles[classify(&d.Info)]++
		d.Close()
	}
	if roles[roleDigitizer] < 2 || roles[roleFn|roleActivity] < 1 || roles[roleLid] < 1 {
		t.Errorf("roles seen %v: want two digitizers, an Fn keyboard and a lid", roles)
	}
}

// Devices opened before Run are closed by Close when Run is never reached,
// and by Run when they come from another directory (a caller's mistake):
// no fd is left behind either way.
func TestVMOpenExistingClosed(t *testing.T) {
	requireUinput(t)
	d, err := uinput.Create(uinputPath, uinput.DigitizerConfig(uinput.DigitizerT2, 2008, 60, 11))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	nodeOf(t, uinput.DigitizerT2)
	before := openFDs(t)
	o := OpenExisting("", "", nil)
	if o.Len() == 0 {
		t.Fatal("OpenExisting opened nothing")
	}
	o.Close()
	o.Close()
	checkNoLeak(t, before)

	o = OpenExisting("", "", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Options{Dir: t.TempDir(), Opened: o}, make(chan Event, 16)) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if o.Len() != 0 {
		t.Error("Run did not take the devices")
	}
	checkNoLeak(t, before)
	var none *Opened
	none.Close()
	if none.Len() != 0 {
		t.Error("nil Opened not empty")
	}
}
