package daemon

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tiny-dfr/internal/backlight"
	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/sliders"
)

// Key codes used by the tests.
const (
	keyF1       = 59
	keyF2       = 60
	keyF3       = 61
	keyMute     = 113
	keyVolumeUp = 115
)

var errGone = errors.New("fake display: gone")

// fakeDisplay records presented frames.
type fakeDisplay struct {
	mu       sync.Mutex
	length   int
	height   int
	frames   []*render.Frame
	gone     bool
	closed   bool
	presents chan struct{} // signalled on each Present (buffered)
	dev      [2]uint32     // major, minor of its card node; 0: unknown
	card     string        // its card node; "": unknown
	// onPresent, if set, is called on each Present (the lock held).
	onPresent func()
}

func newFakeDisplay() *fakeDisplay {
	return &fakeDisplay{length: 2008, height: 60, presents: make(chan struct{}, 100)}
}

func (d *fakeDisplay) Size() (int, int) { return d.length, d.height }

func (d *fakeDisplay) Dev() (uint32, uint32, bool) { return d.dev[0], d.dev[1], d.dev != [2]uint32{} }

func (d *fakeDisplay) Card() string { return d.card }

func (d *fakeDisplay) Present(f *render.Frame) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.gone || d.closed {
		return fmt.Errorf("present: %w", errGone)
	}
	d.frames = append(d.frames, f)
	if d.onPresent != nil {
		d.onPresent()
	}
	select {
	case d.presents <- struct{}{}:
	default:
	}
	return nil
}

func (d *fakeDisplay) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return nil
}

// fakeKeyboard records key events as "+59", "-59".
type fakeKeyboard struct {
	mu     sync.Mutex
	events []string
	down   map[uint16]bool
}

func (k *fakeKeyboard) Press(codes []uint16) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range codes {
		k.events = append(k.events, "+"+strconv.Itoa(int(c)))
		k.down[c] = true
	}
	return nil
}

func (k *fakeKeyboard) Release(codes []uint16) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range codes {
		k.events = append(k.events, "-"+strconv.Itoa(int(c)))
		delete(k.down, c)
	}
	return nil
}

func (k *fakeKeyboard) take() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	e := k.events
	k.events = nil
	return e
}

func (k *fakeKeyboard) held() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.down)
}

// fakePainter logs what it draws as text: "all L0 (0,0) banner" or
// "buttons L0 [2]".
type fakePainter struct {
	lay   *layouts.Layout
	f     *render.Frame
	log   *[]string
	panic string    // DrawAll panics with this when set
	now   time.Time // the scene's time at the last draw
}

func (p *fakePainter) frame() *render.Frame {
	if p.f == nil {
		p.f = render.NewFrame(p.lay.Length, p.lay.Height)
	}
	return p.f
}

func (p *fakePainter) DrawAll(s *Scene) *render.Frame {
	if p.panic != "" {
		panic(p.panic)
	}
	p.now = s.Now
	line := fmt.Sprintf("all L%d %v", s.Layer, s.Shift)
	if s.Banner != "" {
		line += " banner=" + s.Banner
	}
	*p.log = append(*p.log, line)
	return p.frame()
}

func (p *fakePainter) DrawButtons(s *Scene, bs ...int) *render.Frame {
	p.now = s.Now
	var pressed []int
	for _, b := range bs {
		if s.Pressed(s.Layer, b) {
			pressed = append(pressed, b)
		}
	}
	*p.log = append(*p.log, fmt.Sprintf("buttons L%d %v pressed %v", s.Layer, bs, pressed))
	return p.frame()
}

func (p *fakePainter) Dynamic(layer int) []int {
	var d []int
	for i, b := range p.lay.Layers[layer].Buttons {
		switch b.Face.(type) {
		case layouts.ClockFace, layouts.BatteryFace:
			d = append(d, i)
		}
	}
	return d
}

func (p *fakePainter) Resolution(layer int) time.Duration {
	res := time.Duration(0)
	for _, b := range p.lay.Layers[layer].Buttons {
		if f, ok := b.Face.(layouts.ClockFace); ok {
			if strings.Contains(f.Format, "%S") {
				return time.Second
			}
			res = time.Minute
		}
	}
	return res
}

func (p *fakePainter) Battery(layer int) bool {
	for _, b := range p.lay.Layers[layer].Buttons {
		if _, ok := b.Face.(layouts.BatteryFace); ok {
			return true
		}
	}
	return false
}

// fakeClock is a manual clock; timers fire when Advance passes them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	clk  *fakeClock
	c    chan time.Time
	at   time.Time
	live bool
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clk: c, c: make(chan time.Time, 1), at: c.now.Add(d), live: true}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock and fires the timers that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for _, t := range c.timers {
		if t.live && !t.at.After(c.now) {
			t.live = false
			select {
			case t.c <- c.now:
			default:
			}
		}
	}
}

// Armed reports the earliest live timer's due time.
func (c *fakeClock) Armed() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var at time.Time
	ok := false
	for _, t := range c.timers {
		if t.live && (!ok || t.at.Before(at)) {
			at, ok = t.at, true
		}
	}
	return at, ok
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Reset(d time.Duration) {
	t.clk.mu.Lock()
	defer t.clk.mu.Unlock()
	select {
	case <-t.c:
	default:
	}
	t.at, t.live = t.clk.now.Add(d), true
}

func (t *fakeTimer) Stop() {
	t.clk.mu.Lock()
	defer t.clk.mu.Unlock()
	select {
	case <-t.c:
	default:
	}
	t.live = false
}

// rig is a daemon core with fakes all round.
type rig struct {
	t      testing.TB
	c      *core
	now    time.Time
	disp   *fakeDisplay
	kb     *fakeKeyboard
	draws  []string
	cfg    *config.Config
	diags  []config.Diagnostic
	bl     string // Touch Bar backlight dir
	main   string // main display backlight dir
	bat    battery.State
	noDisp bool
	// realPainter uses the real renderer instead of the logging fake.
	realPainter bool
	dispErr     error // what OpenDisplay fails with when noDisp
	opens       int
	newDisp     func(*fakeDisplay) // sets up each display opened
	supplies    map[string]string  // power supply name → type (sysfs)
	zone        *time.Location     // Env.Zone's answer (nil: no Env.Zone)
	zoneCalls   int
	painter     *fakePainter
	frame       time.Duration // Timing.Frame (0: every change presented at once)
	openSlider  func(kind string) (sliders.Backend, error)
	session     Companion // Env.Session
}

func fButtons(n int) []config.Button {
	var bs []config.Button
	for i := range n {
		bs = append(bs, config.Button{Text: "F" + strconv.Itoa(i+1), Codes: []uint16{uint16(keyF1 + i)}, Stretch: 1})
	}
	return bs
}

func testConfig() *config.Config {
	return &config.Config{
		ShowButtonOutlines: true,
		AdaptiveBrightness: false,
		ActiveBrightness:   128,
		PrimaryLayerKeys:   fButtons(3),
		MediaLayerKeys: []config.Button{
			{Icon: "volume_off", Codes: []uint16{keyMute}, Stretch: 1},
			{Icon: "volume_up", Codes: []uint16{keyVolumeUp}, Stretch: 1},
		},
	}
}

// newRig builds a core; opts may change the rig before start.
func newRig(t testing.TB, opts ...func(*rig)) *rig {
	t.Helper()
	r := &rig{t: t, now: time.Date(2026, 11, 21, 10, 0, 7, 250e6, time.UTC), disp: newFakeDisplay(),
		kb: &fakeKeyboard{down: map[uint16]bool{}}, cfg: testConfig()}
	dir := t.TempDir()
	r.bl = fakeBacklight(t, dir, "appletb_backlight", 0, 255)
	r.main = fakeBacklight(t, dir, "acpi_video0", 100, 100)
	for _, o := range opts {
		o(r)
	}
	timing := instantTiming()
	timing.Frame = r.frame
	env := Env{
		Rand:       rand.New(rand.NewPCG(1, 2)),
		Timing:     timing,
		LoadConfig: func() (*config.Config, []config.Diagnostic) { return r.cfg, r.diags },
		NewPainter: func(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
			if r.realPainter {
				return newRenderPainter(lay, look)
			}
			r.painter = &fakePainter{lay: lay, log: &r.draws}
			return r.painter, nil
		},
		OpenDisplay: func() (Display, error) {
			if r.noDisp {
				if r.dispErr != nil {
					return nil, r.dispErr
				}
				return nil, os.ErrNotExist
			}
			r.opens++
			r.disp = newFakeDisplay()
			if r.newDisp != nil {
				r.newDisp(r.disp)
			}
			return r.disp, nil
		},
		IsGone:      func(err error) bool { return errors.Is(err, errGone) },
		Tracker:     input.NewTracker(r.kb),
		OpenLight:   func() (Light, error) { return backlight.OpenLight(r.bl) },
		OpenMeter:   func() (Meter, error) { return backlight.OpenMeter(r.main) },
		ReadBattery: func() (battery.State, error) { return r.bat, nil },
		SupplyType:  func(name string) string { return r.supplies[name] },
		Crash: func(length, h int, reason string) *render.Frame {
			r.draws = append(r.draws, "crash "+reason)
			return render.NewFrame(length, h)
		},
	}
	env.OpenSlider = r.openSlider
	env.Session = r.session
	if r.zone != nil {
		env.Zone = func() *time.Location { r.zoneCalls++; return r.zone }
	}
	r.c = newCore(env, r.now)
	r.c.inline = true // builds run in the test's goroutine: one step at a time
	r.c.start(r.now)
	return r
}

func fakeBacklight(t testing.TB, root, name string, v, max int) string {
	t.Helper()
	d := filepath.Join(root, name)
	os.MkdirAll(d, 0o755)
	os.WriteFile(filepath.Join(d, "brightness"), []byte(strconv.Itoa(v)+"\n"), 0o644)
	os.WriteFile(filepath.Join(d, "max_brightness"), []byte(strconv.Itoa(max)+"\n"), 0o644)
	return d
}

// brightness reads a fake backlight's value.
func readBrightness(t testing.TB, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "brightness"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// takeDraws returns and forgets what was drawn.
func (r *rig) takeDraws() []string {
	d := r.draws
	r.draws = nil
	return d
}

func (r *rig) expectDraws(want ...string) {
	r.t.Helper()
	if got := r.takeDraws(); !slices.Equal(got, want) {
		r.t.Errorf("drew %q, want %q", got, want)
	}
}

func (r *rig) expectKeys(want ...string) {
	r.t.Helper()
	if got := r.kb.take(); !slices.Equal(got, want) {
		r.t.Errorf("keys %q, want %q", got, want)
	}
}

func (r *rig) advance(d time.Duration) { r.now = r.now.Add(d) }

// sleepUntilIdle runs the timer as the loop would: at each deadline up to
// now+d, call onTimer. It returns how many wake-ups that took.
func (r *rig) run(d time.Duration) int {
	end := r.now.Add(d)
	n := 0
	for {
		dl := r.c.deadline(r.now)
		if dl.IsZero() || dl.After(end) {
			r.now = end
			return n
		}
		r.now = dl
		r.c.onTimer(r.now)
		n++
	}
}

// touch sends one touch at the centre of button b of the layer shown.
func (r *rig) touch(slot int, phase input.Phase, b int) {
	lay := r.c.lay
	btn := lay.Layers[r.c.sw.Shown()].Buttons[b]
	x := (float64(btn.Left) + btn.Width/2) / float64(lay.Length)
	r.c.onInput(input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: slot, Phase: phase, X: x, Y: 0.5}}}, r.now)
}

// instantTiming is the default timing with every change presented at once
// (Frame 0): the rigs' fake clocks do not move between a touch and the
// check of its frame. The pacing of frames has its own tests.
func instantTiming() Timing {
	t := DefaultTiming()
	t.Frame = 0
	return t
}
