package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
	"tiny-dfr/internal/input"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/drm"
	"tiny-dfr/internal/uevent"
)

func TestStartDrawsAndLights(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.expectDraws("all L0 (0,0)")
	if v := readBrightness(t, r.bl); v != 128 {
		t.Errorf("backlight %d, want 128", v)
	}
}

func TestTouchPressesAndRedrawsOneButton(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.takeDraws()
	r.touch(0, input.Down, 1)
	r.expectKeys("+60")
	r.expectDraws("buttons L0 [1] pressed [1]")
	r.touch(0, input.Up, 1)
	r.expectKeys("-60")
	r.expectDraws("buttons L0 [1] pressed []")
}

func TestFnShowsMediaLayer(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.takeDraws()
	r.c.onInput(input.Event{Kind: input.Fn, Down: true}, r.now)
	r.expectDraws("all L1 (0,0)")
	r.touch(0, input.Down, 1)
	r.expectKeys("+115")
	// The touch stays with its button when Fn is let go.
	r.c.onInput(input.Event{Kind: input.Fn, Down: false}, r.now)
	r.expectDraws("buttons L1 [1] pressed [1]", "all L0 (0,0)")
	r.touch(0, input.Up, 1)
	r.expectKeys("-115")
	// The release is on layer 1, not shown: no redraw.
	r.expectDraws()
}

func TestIdleDimOffAndWakingTapSwallowed(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.takeDraws()
	if n := r.run(29 * time.Second); n != 0 || readBrightness(t, r.bl) != 128 {
		t.Fatalf("woke %d times before 30 s; backlight %d", n, readBrightness(t, r.bl))
	}
	r.run(time.Second)
	if v := readBrightness(t, r.bl); v != 1 {
		t.Errorf("after 30 s: backlight %d, want 1", v)
	}
	// A touch while dim is a normal touch.
	r.touch(0, input.Down, 0)
	r.touch(0, input.Up, 0)
	r.expectKeys("+59", "-59")
	if v := readBrightness(t, r.bl); v != 128 {
		t.Errorf("after touch: backlight %d, want 128", v)
	}
	r.takeDraws()
	if n := r.run(10 * time.Minute); n != 2 {
		t.Errorf("10 min idle without a clock took %d wake-ups, want 2 (dim, off)", n)
	}
	if v := readBrightness(t, r.bl); v != 0 {
		t.Errorf("after 60 s: backlight %d, want 0", v)
	}
	if !r.c.deadline(r.now).IsZero() {
		t.Errorf("dark bar still has a deadline %v", r.c.deadline(r.now))
	}
	r.expectDraws()
	// The waking tap sends nothing but lights the bar and redraws it.
	r.touch(0, input.Down, 0)
	r.touch(0, input.Up, 0)
	r.expectKeys()
	r.expectDraws("all L0 (0,0)")
	if v := readBrightness(t, r.bl); v != 128 {
		t.Errorf("after waking: backlight %d, want 128", v)
	}
}

func TestLid(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.c.onInput(input.Event{Kind: input.Lid, Down: true}, r.now)
	if v := readBrightness(t, r.bl); v != 0 {
		t.Errorf("lid closed: backlight %d, want 0", v)
	}
	if !r.c.deadline(r.now).IsZero() {
		t.Error("lid closed but a timer is armed")
	}
	r.touch(0, input.Down, 0)
	r.expectKeys()
	r.advance(5 * time.Minute)
	r.c.onInput(input.Event{Kind: input.Lid, Down: false}, r.now)
	if v := readBrightness(t, r.bl); v != 128 {
		t.Errorf("lid open: backlight %d, want 128", v)
	}
}

func TestAdaptiveBrightness(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) {
		r.cfg.AdaptiveBrightness = true
		fakeBacklight(t, r.main[:len(r.main)-len("/acpi_video0")], "acpi_video0", 25, 100)
	})
	if v := readBrightness(t, r.bl); v != 65 {
		t.Errorf("display 25/100: backlight %d, want 65", v)
	}
	// The display changes; activity (the brightness key) re-reads it.
	fakeBacklight(t, r.main[:len(r.main)-len("/acpi_video0")], "acpi_video0", 100, 100)
	r.c.onInput(input.Event{Kind: input.Activity}, r.now)
	if v := readBrightness(t, r.bl); v != 129 {
		t.Errorf("display 100/100: backlight %d, want 129", v)
	}
	// So does a backlight uevent.
	fakeBacklight(t, r.main[:len(r.main)-len("/acpi_video0")], "acpi_video0", 0, 100)
	r.c.onUevent(uevent.Event{Action: "change", Subsystem: "backlight", DevPath: "/devices/x/backlight/acpi_video0"}, r.now)
	if v := readBrightness(t, r.bl); v != 1 {
		t.Errorf("display 0/100: backlight %d, want 1", v)
	}
}

func TestBrightnessCappedByTouchBarMax(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) {
		r.bl = fakeBacklight(t, t.TempDir(), "appletb_backlight", 0, 2)
	})
	if v := readBrightness(t, r.bl); v != 2 {
		t.Errorf("backlight %d, want 2 (max)", v)
	}
	r.run(30 * time.Second)
	if v := readBrightness(t, r.bl); v != 1 {
		t.Errorf("dim: backlight %d, want 1", v)
	}
}

func TestNoBacklightIsFine(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) { r.bl = "/nonexistent"; r.main = "/nonexistent" })
	r.expectDraws("all L0 (0,0)")
	r.run(2 * time.Minute)
	if r.c.level != 0 {
		t.Errorf("level %d, want 0 after idle", r.c.level)
	}
}

func clockConfig(format string) func(*rig) {
	return func(r *rig) {
		r.cfg.PrimaryLayerKeys = append(fButtons(2), config.Button{Time: format, Stretch: 1})
	}
}

func TestClockWakesAtMinuteBoundary(t *testing.T) {
	t.Parallel()
	r := newRig(t, clockConfig("24hr")) // starts at 10:00:07.25
	r.takeDraws()
	want := time.Date(2026, 11, 21, 10, 1, 0, 0, time.UTC)
	// Activity keeps the bar lit past the boundary: the clock is next.
	r.now = time.Date(2026, 11, 21, 10, 0, 45, 0, time.UTC)
	r.c.onInput(input.Event{Kind: input.Activity}, r.now)
	if got := r.c.deadline(r.now); !got.Equal(want) {
		t.Fatalf("deadline %v, want %v", got, want)
	}
	r.now = want
	r.c.onTimer(r.now)
	r.expectDraws("buttons L0 [2] pressed []")
	if got := r.c.clockNext; !got.Equal(want.Add(time.Minute)) {
		t.Errorf("next clock tick %v", got)
	}
}

func TestClockSeconds(t *testing.T) {
	t.Parallel()
	r := newRig(t, clockConfig("%H:%M:%S"))
	r.takeDraws()
	if n := r.run(10 * time.Second); n != 10 {
		t.Errorf("10 s of a seconds clock took %d wake-ups, want 10", n)
	}
	if d := r.takeDraws(); len(d) != 10 {
		t.Errorf("drew %d times: %q", len(d), d)
	}
}

func TestDarkClockDoesNotWake(t *testing.T) {
	t.Parallel()
	r := newRig(t, clockConfig("24hr"))
	r.run(2 * time.Minute)
	r.takeDraws()
	if n := r.run(time.Hour); n != 0 {
		t.Errorf("a dark bar with a clock woke %d times in an hour", n)
	}
	r.expectDraws()
	r.c.onInput(input.Event{Kind: input.Activity}, r.now)
	r.expectDraws("all L0 (0,0)")
}

func TestBattery(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) {
		r.bat = battery.State{Present: true, Percent: 50}
		r.cfg.PrimaryLayerKeys = append(fButtons(1), config.Button{Battery: "percentage", Stretch: 1})
	})
	r.takeDraws()
	r.bat.Percent = 49
	r.c.onUevent(uevent.Event{Action: "change", Subsystem: "power_supply"}, r.now)
	r.expectDraws("buttons L0 [1] pressed []")
	// Unchanged: no redraw.
	r.c.onUevent(uevent.Event{Action: "change", Subsystem: "power_supply"}, r.now)
	r.expectDraws()
	// Without uevents it is re-read once a minute, while the bar is lit.
	r.advance(25 * time.Second)
	r.c.onInput(input.Event{Kind: input.Activity}, r.now)
	r.bat.Percent = 48
	if n := r.run(40 * time.Second); n != 1 {
		t.Errorf("%d wake-ups, want 1", n)
	}
	r.expectDraws("buttons L0 [1] pressed []")
}

func TestReload(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.c.onInput(input.Event{Kind: input.Fn, Down: true}, r.now)
	r.touch(0, input.Down, 0)
	r.takeDraws()
	r.expectKeys("+113")
	r.cfg = testConfig()
	r.cfg.PrimaryLayerKeys = fButtons(2)
	r.c.onConfigChanged(r.now)
	r.expectKeys("-113")
	// The active layer resets: Fn is forgotten until pressed again.
	r.expectDraws("all L0 (0,0)")
	if n := len(r.c.lay.Layers[0].Buttons); n != 2 {
		t.Errorf("%d buttons after reload, want 2", n)
	}
}

func TestInvalidReloadKeepsLayoutWithBanner(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.takeDraws()
	good := r.c.lay
	r.cfg = testConfig() // Load gives the defaults when the user file fails
	r.cfg.PrimaryLayerKeys = fButtons(12)
	r.diags = []config.Diagnostic{
		{Pos: config.Pos{File: "/etc/tiny-dfr/config.toml", Line: 3, Col: 9}, Severity: config.Error, Msg: "bad key"},
		{Pos: config.Pos{File: "/etc/tiny-dfr/config.toml", Line: 5, Col: 1}, Severity: config.Error, Msg: "second"},
	}
	r.c.onConfigChanged(r.now)
	if r.c.lay != good {
		t.Error("layout replaced by a broken config")
	}
	r.expectDraws("all L0 (0,0) banner=/etc/tiny-dfr/config.toml:3:9: bad key")
	// The banner goes away by itself.
	r.touch(0, input.Down, 0)
	r.touch(0, input.Up, 0)
	r.takeDraws()
	r.run(DefaultTiming().Banner)
	r.expectDraws("all L0 (0,0)")
}

func TestBrokenConfigAtStartRunsDefaults(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) {
		r.diags = []config.Diagnostic{{Pos: config.Pos{File: "u.toml", Line: 1, Col: 1}, Severity: config.Error, Msg: "bad"}}
	})
	r.expectDraws("all L0 (0,0) banner=u.toml:1:1: bad")
	if r.c.lay == nil {
		t.Fatal("no layout")
	}
}

func TestDisplayGoneAndBack(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.touch(0, input.Down, 0)
	r.expectKeys("+59")
	old := r.disp
	old.gone = true
	r.takeDraws()
	r.touch(1, input.Down, 1) // its redraw fails: the display is gone
	r.expectKeys("+60", "-60", "-59")
	if !old.closed || r.c.disp != nil {
		t.Error("gone display not closed and forgotten")
	}
	r.takeDraws()
	// No display: no layout, no key.
	r.c.onInput(input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 2, X: 0.1, Y: 0.5}}}, r.now)
	r.expectKeys()
	r.c.onUevent(uevent.Event{Action: "add", Subsystem: "drm", DevPath: "/devices/pci/drm/card1"}, r.now)
	if r.c.disp == nil || r.disp == old {
		t.Fatal("display not re-opened")
	}
	r.expectDraws("all L0 (0,0)")
	if len(r.disp.frames) != 1 {
		t.Errorf("%d frames on the new display", len(r.disp.frames))
	}
}

func TestCardRemovedUevent(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.noDisp = true
	r.c.onUevent(uevent.Event{Action: "remove", Subsystem: "drm", DevPath: "/devices/pci/drm/card0/card0-Virtual-1"}, r.now)
	if r.c.disp == nil {
		t.Fatal("a connector's removal dropped the display")
	}
	r.c.onUevent(uevent.Event{Action: "remove", Subsystem: "drm", DevPath: "/devices/pci/drm/card0"}, r.now)
	if r.c.disp != nil {
		t.Fatal("card removal kept the display")
	}
	r.noDisp = false
	r.c.onUevent(uevent.Event{Action: "add", Subsystem: "drm", DevPath: "/devices/pci/drm/card1"}, r.now)
	if r.c.disp == nil {
		t.Fatal("not re-opened")
	}
}

func TestNoDisplayAtStart(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) { r.noDisp = true })
	r.expectDraws()
	r.c.onUevent(uevent.Event{Action: "add", Subsystem: "input"}, r.now)
	r.expectDraws()
	r.noDisp = false
	r.c.onUevent(uevent.Event{Action: "add", Subsystem: "drm", DevPath: "/devices/pci/drm/card0"}, r.now)
	r.expectDraws("all L0 (0,0)")
}

func TestDigitizerGoneReleasesKeys(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.touch(0, input.Down, 2)
	r.c.onInput(input.Event{Kind: input.DigitizerGone}, r.now)
	r.expectKeys("+61", "-61")
	if r.kb.held() != 0 {
		t.Error("key still held")
	}
}

func TestPixelShiftInCore(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) { r.cfg.EnablePixelShift = true })
	r.takeDraws()
	// Keep the bar awake: a tap every 20 s, for two minutes.
	moves := 0
	for range 6 {
		r.c.onInput(input.Event{Kind: input.Activity}, r.now)
		moves += r.run(20 * time.Second)
	}
	draws := r.takeDraws()
	if moves < 6 || len(draws) != moves {
		t.Errorf("%d wake-ups, %d draws in 2 min of shifting", moves, len(draws))
	}
	// While dark nothing moves.
	r.run(2 * time.Minute)
	r.takeDraws()
	if n := r.run(10 * time.Minute); n != 0 {
		t.Errorf("dark bar woke %d times for pixel shift", n)
	}
}

func TestIsCard(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		"/devices/pci0000:00/0000:00:02.0/drm/card0":            true,
		"/devices/platform/adp/drm/card12":                      true,
		"/devices/pci0000:00/0000:00:02.0/drm/card0/card0-DP-1": false,
		"/devices/pci0000:00/0000:00:02.0/drm/renderD128":       false,
		"/card":  false,
		"card0":  false,
		"":       false,
		"/card1": true,
	} {
		if got := isCard(p); got != want {
			t.Errorf("isCard(%q) = %v", p, got)
		}
	}
}

// A card node that exists but is not yet readable (udev sets its group
// after the uevent) is retried with back-off until it opens.
func TestDisplayRetriedAfterPermissionError(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) { r.noDisp, r.dispErr = true, fmt.Errorf("card0: %w", syscall.EACCES) })
	first := r.c.deadline(r.now).Sub(r.now)
	if first != retryMin {
		t.Fatalf("first retry in %v, want %v", first, retryMin)
	}
	r.run(retryMin)
	if second := r.c.deadline(r.now).Sub(r.now); second != 2*retryMin {
		t.Errorf("second retry in %v, want %v", second, 2*retryMin)
	}
	r.noDisp = false
	r.takeDraws()
	r.run(2 * retryMin)
	r.expectDraws("all L0 (0,0)")
	if !r.c.retryAt.IsZero() {
		t.Error("still retrying after the display opened")
	}
	// Missing (not forbidden) cards are not polled.
	r2 := newRig(t, func(r *rig) { r.noDisp = true })
	if d := r2.c.deadline(r2.now).Sub(r2.now); d != DefaultTiming().Dim {
		t.Errorf("missing card: next wake-up in %v, want only the idle dim", d)
	}
}

// After a drm uevent, a card that fails for another reason (its connector
// not probed yet) is retried a few times, then left until the next uevent.
func TestDisplayRetriedAfterUevent(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) { r.noDisp, r.dispErr = true, errors.New("card1: not a Touch Bar") })
	r.c.onUevent(uevent.Event{Action: "add", Subsystem: "drm", DevPath: "/devices/x/drm/card1"}, r.now)
	var gaps []time.Duration
	for range 10 {
		d := r.c.deadline(r.now)
		if d.IsZero() || !d.Before(r.c.lastActivity.Add(DefaultTiming().Dim)) {
			break
		}
		gaps = append(gaps, d.Sub(r.now))
		r.now = d
		r.c.onTimer(r.now)
	}
	want := []time.Duration{retryMin, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	if !slices.Equal(gaps, want) {
		t.Errorf("retries after %v, want %v", gaps, want)
	}
}

// The Touch Bar backlight goes away (T2 suspend unloads its module) and
// comes back: the new device gets the current level.
func TestBacklightGoneAndBack(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	root := filepath.Dir(r.bl)
	os.RemoveAll(r.bl)
	r.c.onUevent(uevent.Event{Action: "remove", Subsystem: "backlight", DevPath: "/devices/usb/x/backlight/appletb_backlight"}, r.now)
	if r.c.light != nil {
		t.Fatal("removed backlight kept")
	}
	r.run(30 * time.Second) // dims while there is no device: nothing to write
	fakeBacklight(t, root, "appletb_backlight", 0, 255)
	r.c.onUevent(uevent.Event{Action: "add", Subsystem: "backlight", DevPath: "/devices/usb/x/backlight/appletb_backlight"}, r.now)
	if v := readBrightness(t, r.bl); v != 1 {
		t.Errorf("new device at %d, want the dim level 1", v)
	}
	// Another device's removal changes nothing.
	r.c.onUevent(uevent.Event{Action: "remove", Subsystem: "backlight", DevPath: "/devices/pci/backlight/intel_backlight"}, r.now)
	if r.c.light == nil || r.c.meter == nil {
		t.Error("a foreign removal dropped a backlight")
	}
}

// A double Fn press swaps the layers: a key held by a finger that has not
// moved is released at the swap, not when the finger next moves or lifts.
func TestSwapReleasesHeldKeyAtOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) { r.cfg.DoublePressSwitchLayers = 300 })
	r.touch(0, input.Down, 1)
	r.expectKeys("+60")
	for i, down := range []bool{true, false, true} {
		r.c.onInput(input.Event{Kind: input.Fn, Down: down, Time: r.now.Add(time.Duration(i) * 50 * time.Millisecond)}, r.now)
	}
	r.expectKeys("-60")
	if r.kb.held() != 0 {
		t.Error("key still held after the swap")
	}
}

// countingMeter counts reads of the main display's brightness.
type countingMeter struct {
	Meter
	reads int
}

func (m *countingMeter) Read() (int, error) { m.reads++; return m.Meter.Read() }

// Touches do not read the main display's brightness on every frame: not at
// all without AdaptiveBrightness, and at most every meterGap with it.
func TestTouchesReadMeterSparingly(t *testing.T) {
	t.Parallel()
	for _, adaptive := range []bool{false, true} {
		r := newRig(t, func(r *rig) { r.cfg.AdaptiveBrightness = adaptive })
		m := &countingMeter{Meter: r.c.meter}
		r.c.meter = m
		for range 10 {
			r.touch(0, input.Down, 1)
			r.touch(0, input.Up, 1)
			r.advance(10 * time.Millisecond)
		}
		want := 0
		if adaptive {
			want = 1
		}
		if m.reads != want {
			t.Errorf("adaptive %v: %d reads over 20 touch frames in 100 ms, want %d", adaptive, m.reads, want)
		}
		// Other activity (the brightness keys) still reads at once.
		fakeBacklight(t, r.main[:len(r.main)-len("/acpi_video0")], "acpi_video0", 25, 100)
		r.c.onInput(input.Event{Kind: input.Activity}, r.now)
		if adaptive && (m.reads != want+1 || r.c.mainV != 25) {
			t.Errorf("activity: %d reads, display %d; want %d, 25", m.reads, r.c.mainV, want+1)
		}
	}
}

// drmEvent is a card's uevent as the kernel sends it.
func drmEvent(action, name string, major, minor int) uevent.Event {
	e := uevent.Event{Action: action, Subsystem: "drm", DevPath: "/devices/pci0000:00/0000:00:02.0/drm/" + name,
		Env: map[string]string{"DEVNAME": "dri/" + name}}
	if major != 0 {
		e.Env["MAJOR"], e.Env["MINOR"] = strconv.Itoa(major), strconv.Itoa(minor)
	}
	return e
}

// Only the Touch Bar's own card matters: another card's uevents (an eGPU,
// a DisplayLink dock, a render node) neither close the display nor release
// the held key nor redraw; its own card's removal does, and the bar waits
// for it to come back.
func TestForeignCardEventsIgnored(t *testing.T) {
	t.Parallel()
	for _, byName := range []bool{false, true} {
		r := newRig(t, func(r *rig) {
			r.newDisp = func(d *fakeDisplay) {
				d.card = "/dev/dri/card1"
				if !byName {
					d.dev = [2]uint32{226, 1}
				}
			}
		})
		r.touch(0, input.Down, 0)
		r.expectKeys("+59")
		r.takeDraws()
		disp, opens := r.disp, r.opens
		for _, e := range []uevent.Event{
			drmEvent("remove", "card0", 226, 0),
			drmEvent("change", "card0", 226, 0),
			drmEvent("add", "card2", 226, 2),
			drmEvent("change", "card2", 226, 2),
			drmEvent("remove", "card2", 226, 2),
			drmEvent("remove", "renderD129", 226, 129),
			drmEvent("remove", "card1-DP-1", 0, 0),
			drmEvent("change", "card1", 226, 1),  // its own hotplug event
			{Action: "change", Subsystem: "drm"}, // after lost uevents
		} {
			if byName {
				delete(e.Env, "MAJOR")
				delete(e.Env, "MINOR")
			}
			r.c.onUevent(e, r.now)
		}
		r.expectKeys()
		r.expectDraws()
		if r.kb.held() != 1 || disp.closed || r.c.disp != disp || r.opens != opens {
			t.Errorf("by name %v: held %d, closed %v, display kept %v, %d opens: a foreign card disturbed the bar",
				byName, r.kb.held(), disp.closed, r.c.disp == disp, r.opens-opens)
		}
		// Its own card's removal closes the display and releases the key.
		r.noDisp = true
		e := drmEvent("remove", "card1", 226, 1)
		if byName {
			e.Env = nil
		}
		r.c.onUevent(e, r.now)
		r.expectKeys("-59")
		if !disp.closed || r.c.disp != nil {
			t.Fatalf("by name %v: own card's removal kept the display", byName)
		}
		// Waiting: any card's arrival is a chance to find it again.
		r.noDisp = false
		r.c.onUevent(drmEvent("add", "card1", 226, 1), r.now)
		if r.c.disp == nil {
			t.Errorf("by name %v: not re-opened", byName)
		}
	}
}

// The real display tells its card both ways.
var _ interface {
	cardDevice
	cardNamed
} = (*drm.Display)(nil)
