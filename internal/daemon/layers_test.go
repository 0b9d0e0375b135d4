package daemon

import (
	"errors"
	"log/slog"
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/session"
	"tiny-dfr/internal/sliders"
	"tiny-dfr/internal/uevent"
)

// fakeSlider is a slider backend: Set calls are counted, Level reads
// level (a change "elsewhere" is a write to it).
type fakeSlider struct {
	kind   string
	level  float64
	sets   []float64
	reads  int
	gone   bool
	closed bool
}

func (s *fakeSlider) Kind() string { return s.kind }
func (s *fakeSlider) Level() (float64, error) {
	s.reads++
	if s.gone {
		return 0, sliders.ErrGone
	}
	return s.level, nil
}
func (s *fakeSlider) Set(x float64) error {
	if s.gone {
		return sliders.ErrGone
	}
	s.sets = append(s.sets, x)
	s.level = x
	return nil
}
func (s *fakeSlider) Concerns(e uevent.Event) bool {
	return e.Subsystem == "leds" && (e.DevPath == "" || e.DevPath == "/devices/x/leds/"+s.kind)
}
func (s *fakeSlider) Close() error { s.closed = true; return nil }

// Layers of the loop tests: primary = F1 | dev (layer) | tools (group) |
// brightness slider (2 slots) | F2; media = mute; dev = F3 | back to
// primary; tools (group, × first) = × | keyboard slider (2) | more
// (group); more = × | F4.
const (
	lDev   = 2
	lTools = 3
	lMore  = 4
)

func layersTestConfig() *config.Config {
	c := testConfig()
	c.PrimaryLayerKeys = []config.Button{
		{Text: "F1", Codes: []uint16{keyF1}, Stretch: 1},
		{Text: "dev", Layer: "dev", Stretch: 1},
		{Text: "tools", Group: "tools", Stretch: 1},
		{Slider: config.SliderBrightness, Stretch: 2},
		{Text: "F2", Codes: []uint16{keyF2}, Stretch: 1},
	}
	c.Layers = []config.NamedLayer{
		{Name: "dev", Keys: []config.Button{{Text: "F3", Codes: []uint16{keyF3}, Stretch: 1}, {Text: "back", Layer: "primary", Stretch: 1}}},
		{Name: "tools", Keys: []config.Button{{Slider: config.SliderKeyboard, Stretch: 2}, {Text: "more", Group: "more", Stretch: 1}}},
		{Name: "more", Keys: []config.Button{{Text: "F4", Codes: []uint16{62}, Stretch: 1}}},
	}
	c.GroupTimeout = 10
	return c
}

type sliderRig struct {
	*rig
	bright, kbd *fakeSlider
	asked       []string
}

func newLayersRig(t testing.TB, opts ...func(*rig)) *sliderRig {
	s := &sliderRig{bright: &fakeSlider{kind: "brightness", level: 0.5}, kbd: &fakeSlider{kind: "keyboard", level: 0.2}}
	s.rig = newRig(t, append([]func(*rig){func(r *rig) {
		r.cfg = layersTestConfig()
		r.openSlider = func(kind string) (sliders.Backend, error) {
			s.asked = append(s.asked, kind)
			switch kind {
			case "brightness":
				return s.bright, nil
			case "keyboard":
				return s.kbd, nil
			}
			return nil, sliders.ErrCompanion
		}
	}}, opts...)...)
	s.takeDraws()
	return s
}

// tap touches button b of the layer shown and lifts there (the layer may
// change in between).
func (r *rig) tap(slot, b int) {
	btn := r.c.lay.Layers[r.c.sw.Shown()].Buttons[b]
	x := float64(btn.Left) + btn.Width/2
	r.touchAt(slot, input.Down, x)
	r.touchAt(slot, input.Up, x)
}

// at sends one touch of slot at bar pixel x (the layer shown).
func (r *rig) touchAt(slot int, phase input.Phase, px float64) {
	r.c.onInput(input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: slot, Phase: phase, X: px / float64(r.c.lay.Length), Y: 0.5}}}, r.now)
}

// sliderX is the bar pixel where slider (layer, b) sets level f.
func (r *rig) sliderX(layer, b int, f float64) float64 {
	start, end, _ := r.c.lay.Button(layer, b).SliderTrack()
	return start + (end-start)*f
}

func TestLoopLayerButton(t *testing.T) {
	t.Parallel()
	r := newLayersRig(t)
	r.tap(0, 1) // dev
	if r.c.sw.Shown() != lDev {
		t.Fatalf("shown %d after the layer button, want dev", r.c.sw.Shown())
	}
	r.expectDraws("all L2 (0,0)")
	r.expectKeys()
	r.tap(0, 1) // back (a layer button to primary)
	if r.c.sw.Shown() != layouts.Primary {
		t.Errorf("shown %d after back", r.c.sw.Shown())
	}
	r.tap(0, 1)
	// Fn returns to the base layer, and is no momentary flip meanwhile.
	r.c.onInput(input.Event{Kind: input.Fn, Down: true}, r.now)
	if r.c.sw.Shown() != layouts.Primary {
		t.Errorf("Fn on dev shows %d, want primary", r.c.sw.Shown())
	}
	r.c.onInput(input.Event{Kind: input.Fn, Down: false}, r.now)
	if r.c.sw.Shown() != layouts.Primary {
		t.Errorf("Fn release shows %d", r.c.sw.Shown())
	}
}

// A finger holding F1 keeps it while another finger switches layer (as
// under Fn); its lift releases it, and nothing else is sent.
func TestLoopLayerSwitchKeepsHeldKey(t *testing.T) {
	t.Parallel()
	r := newLayersRig(t)
	r.touch(0, input.Down, 0) // F1 held
	r.tap(1, 1)               // dev
	if r.c.sw.Shown() != lDev {
		t.Fatal("no layer switch")
	}
	r.expectKeys("+59")
	r.touch(0, input.Up, 0)
	r.expectKeys("-59")
	if r.kb.held() != 0 {
		t.Error("a key stays down")
	}
}

func TestLoopGroups(t *testing.T) {
	t.Parallel()
	r := newLayersRig(t)
	r.tap(0, 2) // tools
	if r.c.sw.Shown() != lTools {
		t.Fatalf("shown %d, want tools", r.c.sw.Shown())
	}
	r.expectDraws("all L3 (0,0)")
	r.tap(0, 2) // more, nested
	if r.c.sw.Shown() != lMore || r.c.sw.Groups() != 2 {
		t.Fatalf("shown %d with %d groups, want more over tools", r.c.sw.Shown(), r.c.sw.Groups())
	}
	r.tap(0, 0) // ×: back to tools
	if r.c.sw.Shown() != lTools {
		t.Fatalf("× shows %d, want tools", r.c.sw.Shown())
	}
	r.tap(0, 0) // ×: back to primary
	if r.c.sw.Shown() != layouts.Primary {
		t.Fatalf("× shows %d, want primary", r.c.sw.Shown())
	}
	r.expectKeys()
	// Fn closes every group.
	r.tap(0, 2)
	r.tap(0, 2)
	r.c.onInput(input.Event{Kind: input.Fn, Down: true}, r.now)
	r.c.onInput(input.Event{Kind: input.Fn, Down: false}, r.now)
	if r.c.sw.Shown() != layouts.Primary {
		t.Errorf("Fn shows %d, want primary", r.c.sw.Shown())
	}
}

// GroupTimeout closes the groups on the loop's own timer, counted from
// the last touch (which reaches the loop only through the Bar).
func TestLoopGroupTimeout(t *testing.T) {
	t.Parallel()
	r := newLayersRig(t)
	r.tap(0, 2)
	r.takeDraws()
	r.run(6 * time.Second)
	r.tap(0, 2) // into more: a touch
	r.run(6 * time.Second)
	r.tap(1, 1) // F4 on more: a touch
	r.run(9 * time.Second)
	if r.c.sw.Shown() != lMore {
		t.Fatalf("shown %d 9 s after the last touch, want more still open", r.c.sw.Shown())
	}
	r.takeDraws()
	r.run(time.Second + time.Millisecond)
	if r.c.sw.Shown() != layouts.Primary || r.c.sw.Groups() != 0 {
		t.Errorf("shown %d with %d groups 10 s after the last touch, want primary", r.c.sw.Shown(), r.c.sw.Groups())
	}
	r.expectDraws("all L0 (0,0)")
	if d, ok := r.c.sw.Deadline(); ok {
		t.Errorf("a group deadline %v with no group open", d)
	}
}

// A slider drag: the level follows the finger, the backend is written at
// most once a frame (the last level of the frame), only that slider is
// redrawn, and the finger is captured (onto F2: no key).
func TestLoopSliderDrag(t *testing.T) {
	t.Parallel()
	frame := 16 * time.Millisecond
	r := newLayersRig(t, func(r *rig) { r.frame = frame })
	r.run(time.Second) // the first frame
	r.takeDraws()
	if r.bright.level != 0.5 {
		t.Fatalf("level %v", r.bright.level)
	}
	r.touchAt(0, input.Down, r.sliderX(0, 3, 0.1))
	r.touchAt(0, input.Move, r.sliderX(0, 3, 0.2))
	r.touchAt(0, input.Move, r.sliderX(0, 3, 0.3))
	if len(r.bright.sets) != 0 {
		t.Fatalf("sets %v before the frame", r.bright.sets)
	}
	r.run(frame)
	if len(r.bright.sets) != 1 || !nearf(r.bright.sets[0], 0.3) {
		t.Fatalf("sets %v in a frame, want one of 0.3", r.bright.sets)
	}
	r.expectDraws("buttons L0 [3] pressed [3]")
	if lv, live := r.c.sliderLevel(0, 3); !live || !nearf(lv, 0.3) {
		t.Errorf("Scene level %v live %v", lv, live)
	}
	// Onto F2 and beyond the bar: captured, level 1, no key.
	f2 := r.c.lay.Button(0, 4)
	r.touchAt(0, input.Move, float64(f2.Left)+f2.Width/2)
	r.run(frame)
	r.touchAt(0, input.Move, float64(r.c.lay.Length)-1)
	r.run(frame)
	r.touchAt(0, input.Up, float64(r.c.lay.Length)-1)
	r.run(frame)
	r.expectKeys()
	if len(r.bright.sets) != 2 || r.bright.sets[1] != 1 {
		t.Errorf("sets %v, want 0.3 then 1 (no rewrite of an equal level)", r.bright.sets)
	}
	for _, d := range r.takeDraws() {
		if d != "buttons L0 [3] pressed [3]" && d != "buttons L0 [3] pressed []" {
			t.Errorf("drew %q: only the slider should be", d)
		}
	}
	if r.c.sliderWrites != 2 {
		t.Errorf("%d writes", r.c.sliderWrites)
	}
}

// The keyboard slider of a group; a volume slider without a session
// companion is inert: drawn dimmed, no write, not asked of OpenSlider.
func TestLoopSliderInert(t *testing.T) {
	t.Parallel()
	r := newLayersRig(t, func(r *rig) {
		r.cfg.PrimaryLayerKeys[3].Slider = config.SliderVolume
	})
	if _, live := r.c.sliderLevel(0, 3); live {
		t.Error("volume slider is live")
	}
	r.touchAt(0, input.Down, r.sliderX(0, 3, 0.9))
	r.touchAt(0, input.Up, r.sliderX(0, 3, 0.9))
	r.expectKeys()
	// Reload: the backends are not asked again.
	r.c.onConfigChanged(r.now)
	n := 0
	for _, k := range r.asked {
		if k == "volume" {
			n++
		}
	}
	if n != 0 {
		t.Errorf("volume asked %d times (%v)", n, r.asked)
	}
	// The keyboard slider in tools works.
	r.tap(0, 2)
	r.touchAt(0, input.Down, r.sliderX(lTools, 1, 0.75))
	if len(r.kbd.sets) != 1 || !nearf(r.kbd.sets[0], 0.75) {
		t.Errorf("keyboard sets %v", r.kbd.sets)
	}
}

// A level changed elsewhere shows within a second while the slider shows
// and the bar is lit; no poll wakes a dimmed bar or a layer without one.
func TestLoopSliderPoll(t *testing.T) {
	t.Parallel()
	r := newLayersRig(t)
	r.bright.level = 0.9
	r.run(time.Second + time.Millisecond)
	if lv, _ := r.c.sliderLevel(0, 3); lv != 0.9 {
		t.Errorf("level %v a second after a change elsewhere, want 0.9", lv)
	}
	r.expectDraws("buttons L0 [3] pressed []")
	// On dev (no slider): no poll.
	r.tap(0, 1)
	reads := r.bright.reads
	r.run(5 * time.Second)
	if r.bright.reads != reads {
		t.Errorf("%d reads while no slider shows", r.bright.reads-reads)
	}
	r.tap(0, 1) // back
	reads = r.bright.reads
	r.run(r.c.env.Timing.Dim + time.Second)
	wakes := r.run(r.c.env.Timing.Off - r.c.env.Timing.Dim - 2*time.Second)
	if wakes != 0 {
		t.Errorf("%d wake-ups of a dimmed bar", wakes)
	}
	if n := r.bright.reads - reads; n > int(r.c.env.Timing.Dim/time.Second)+2 {
		t.Errorf("%d reads in %v", n, r.c.env.Timing.Dim)
	}
	// A uevent of the LED re-reads the keyboard slider at once.
	r.tap(0, 2)
	r.kbd.level = 0.6
	r.c.onUevent(uevent.Event{Action: "change", Subsystem: "leds", DevPath: "/devices/x/leds/keyboard"}, r.now)
	if lv, _ := r.c.sliderLevel(lTools, 1); lv != 0.6 {
		t.Errorf("keyboard level %v after its uevent", lv)
	}
	// A device gone: inert.
	r.kbd.gone = true
	r.touchAt(0, input.Down, r.sliderX(lTools, 1, 0.1))
	if _, live := r.c.sliderLevel(lTools, 1); live || !r.kbd.closed {
		t.Error("a gone keyboard backlight is still live")
	}
}

// The touchbar slider sets the bar's own brightness, over the active
// level, until the bar dims from idle.
func TestLoopTouchBarSlider(t *testing.T) {
	t.Parallel()
	r := newLayersRig(t, func(r *rig) {
		r.cfg.PrimaryLayerKeys[3].Slider = config.SliderTouchBar
	})
	if got := readBrightness(t, r.bl); got != 128 {
		t.Fatalf("brightness %d", got)
	}
	if lv, live := r.c.sliderLevel(0, 3); !live || !nearf(lv, 128.0/255) {
		t.Errorf("touchbar level %v live %v", lv, live)
	}
	r.touchAt(0, input.Down, r.sliderX(0, 3, 0.2))
	r.touchAt(0, input.Move, r.sliderX(0, 3, 1))
	r.touchAt(0, input.Up, r.sliderX(0, 3, 1))
	if got := readBrightness(t, r.bl); got != 255 {
		t.Errorf("brightness %d after a slide to the end, want 255", got)
	}
	r.run(r.c.env.Timing.Dim - time.Second)
	if got := readBrightness(t, r.bl); got != 255 {
		t.Errorf("brightness %d before dimming, want the slider's 255", got)
	}
	r.run(2 * time.Second)
	r.touch(0, input.Down, 0)
	r.touch(0, input.Up, 0)
	if got := readBrightness(t, r.bl); got != 128 {
		t.Errorf("brightness %d after dimming and a touch, want the active 128", got)
	}
}

// The backends Run hands out: each once, then opened anew.
func TestOpenedSlidersMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := openSliders(Options{BacklightDir: dir, LEDDir: dir}, slog.New(slog.DiscardHandler))
	defer o.close()
	for _, kind := range []string{"brightness", "keyboard"} {
		if _, err := o.get(kind); !errors.Is(err, sliders.ErrNotFound) {
			t.Errorf("%s: %v", kind, err)
		}
	}
	fakeBacklight(t, dir, "apple::kbd_backlight", 3, 255)
	b, err := o.get("keyboard")
	if err != nil {
		t.Fatal(err)
	}
	if lv, _ := b.Level(); !nearf(lv, 3.0/255) {
		t.Errorf("level %v", lv)
	}
}

func nearf(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// newVolumeRig is the layers rig with a volume slider in place of the
// brightness one (primary button 3) and a fake session companion.
func newVolumeRig(t *testing.T, frame time.Duration) (*sliderRig, *fakeCompanion) {
	srv := &fakeCompanion{}
	r := newLayersRig(t, func(r *rig) {
		r.frame = frame
		r.cfg.PrimaryLayerKeys[3].Slider = config.SliderVolume
		r.session = srv
	})
	return r, srv
}

func lastWatch(srv *fakeCompanion) bool {
	return len(srv.watch) > 0 && srv.watch[len(srv.watch)-1]
}

// The volume slider: inert until a companion reports an available level,
// then a drag sends SetVolume at most once a frame (the frame's last
// level), a level reported redraws the slider (a muted sink shows 0), and
// an unavailable level or the companion's going makes it inert again.
func TestLoopVolumeSlider(t *testing.T) {
	t.Parallel()
	frame := 16 * time.Millisecond
	r, srv := newVolumeRig(t, frame)
	r.run(time.Second)
	r.takeDraws()
	if !lastWatch(srv) {
		t.Fatalf("watch calls %v with a volume slider shown on a lit bar, want on", srv.watch)
	}
	for _, k := range r.asked {
		if k == "volume" {
			t.Error("the volume slider's backend asked of OpenSlider (the companion serves it)")
		}
	}
	// No companion: inert.
	r.touchAt(0, input.Down, r.sliderX(0, 3, 0.7))
	r.run(frame)
	r.touchAt(0, input.Up, r.sliderX(0, 3, 0.7))
	r.run(frame)
	if _, live := r.c.sliderLevel(0, 3); live || len(srv.volumes) != 0 {
		t.Fatalf("without a companion: live %v, SetVolume %v", live, srv.volumes)
	}
	// A companion without an audio server: still inert.
	srv.connected = true
	r.c.onSession(session.Event{Kind: session.Connected}, r.now)
	r.c.onSession(session.Event{Kind: session.Volume, Level: 0.4}, r.now)
	if _, live := r.c.sliderLevel(0, 3); live {
		t.Fatal("live on an unavailable volume")
	}
	r.run(frame)
	r.takeDraws()
	// Its level: live, redrawn.
	r.c.onSession(session.Event{Kind: session.Volume, Level: 0.4, Available: true}, r.now)
	r.run(frame)
	if lv, live := r.c.sliderLevel(0, 3); !live || lv != 0.4 {
		t.Fatalf("level %v live %v after Volume 0.4", lv, live)
	}
	r.expectDraws("buttons L0 [3] pressed []")
	// A drag: one SetVolume a frame, the frame's last level.
	r.touchAt(0, input.Down, r.sliderX(0, 3, 0.1))
	r.touchAt(0, input.Move, r.sliderX(0, 3, 0.2))
	r.touchAt(0, input.Move, r.sliderX(0, 3, 0.3))
	if len(srv.volumes) != 0 {
		t.Fatalf("SetVolume %v before the frame", srv.volumes)
	}
	r.run(frame)
	if len(srv.volumes) != 1 || !nearf(srv.volumes[0], 0.3) {
		t.Fatalf("SetVolume %v in a frame, want one of 0.3", srv.volumes)
	}
	r.touchAt(0, input.Move, r.sliderX(0, 3, 0.6))
	r.run(frame)
	r.touchAt(0, input.Up, r.sliderX(0, 3, 0.6))
	r.run(frame)
	if len(srv.volumes) != 2 || !nearf(srv.volumes[1], 0.6) {
		t.Fatalf("SetVolume %v, want 0.3 then 0.6", srv.volumes)
	}
	r.expectKeys()
	r.takeDraws()
	// Changed elsewhere, then muted.
	r.c.onSession(session.Event{Kind: session.Volume, Level: 0.85, Available: true}, r.now)
	r.run(frame)
	if lv, _ := r.c.sliderLevel(0, 3); lv != 0.85 {
		t.Errorf("level %v after Volume 0.85", lv)
	}
	r.expectDraws("buttons L0 [3] pressed []")
	r.c.onSession(session.Event{Kind: session.Volume, Level: 0.85, Muted: true, Available: true}, r.now)
	if lv, live := r.c.sliderLevel(0, 3); lv != 0 || !live {
		t.Errorf("muted: level %v live %v, want 0 live", lv, live)
	}
	// The audio server goes: inert.
	r.c.onSession(session.Event{Kind: session.Volume, Available: false}, r.now)
	if _, live := r.c.sliderLevel(0, 3); live {
		t.Error("live after an unavailable Volume")
	}
	// Back, then the companion goes: inert, a drag sends nothing.
	r.c.onSession(session.Event{Kind: session.Volume, Level: 0.5, Available: true}, r.now)
	srv.connected = false
	r.c.onSession(session.Event{Kind: session.Disconnected}, r.now)
	r.run(frame)
	if _, live := r.c.sliderLevel(0, 3); live {
		t.Error("live after the companion left")
	}
	n := len(srv.volumes)
	r.touchAt(0, input.Down, r.sliderX(0, 3, 0.9))
	r.run(frame)
	r.touchAt(0, input.Up, r.sliderX(0, 3, 0.9))
	r.run(frame)
	if len(srv.volumes) != n {
		t.Errorf("SetVolume %v after the companion left", srv.volumes[n:])
	}
	r.expectKeys()
}

// The volume is watched only while a volume slider is on the layer shown
// and the bar is lit: another layer or a dark bar turns the watch off (the
// companion polls nothing), and the loop itself never polls the volume.
func TestLoopVolumeWatch(t *testing.T) {
	t.Parallel()
	r, srv := newVolumeRig(t, 0)
	r.run(time.Second)
	if !lastWatch(srv) {
		t.Fatalf("watch %v, want on", srv.watch)
	}
	srv.connected = true
	r.c.onSession(session.Event{Kind: session.Connected}, r.now)
	r.c.onSession(session.Event{Kind: session.Volume, Level: 0.4, Available: true}, r.now)
	r.tap(0, 1) // dev: no slider
	if lastWatch(srv) {
		t.Errorf("watch %v on a layer without a volume slider, want off", srv.watch)
	}
	r.tap(0, 1) // back to primary
	if !lastWatch(srv) {
		t.Errorf("watch %v back on primary, want on", srv.watch)
	}
	calls := len(srv.watch)
	// Lit but dimmed: still watched; dark: off, and nothing wakes the loop.
	r.run(r.c.env.Timing.Dim + time.Second)
	if !lastWatch(srv) || len(srv.watch) != calls {
		t.Errorf("watch %v on a dimmed bar, want on (unchanged)", srv.watch)
	}
	r.run(r.c.env.Timing.Off)
	if lastWatch(srv) {
		t.Errorf("watch %v on a dark bar, want off", srv.watch)
	}
	if wakes := r.run(time.Hour); wakes != 0 {
		t.Errorf("%d wake-ups of a dark bar", wakes)
	}
	// A touch lights it: watched again.
	r.touchAt(0, input.Down, r.sliderX(0, 3, 0.5))
	r.touchAt(0, input.Up, r.sliderX(0, 3, 0.5))
	r.run(time.Second)
	if !lastWatch(srv) {
		t.Errorf("watch %v after the bar lit again, want on", srv.watch)
	}
}
