package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"runtime/debug"
	"strconv"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/uevent"
)

// core is the daemon's state. Only the loop goroutine touches it; every
// handler takes the time of the event and ends with flush.
type core struct {
	env Env
	log *slog.Logger

	cfg     *config.Config
	lay     *layouts.Layout
	painter Painter
	disp    Display
	sw      layouts.Switcher

	bar    *input.Bar       // the touch path (Env.Bar)
	alarmC <-chan time.Time // its frame timer (Env.Alarm): the pressed look changed a Frame ago
	la     loopAlarm        // the frame timer of a Bar the loop made
	snap   []input.Ref      // pressed buttons as the frame being drawn shows them
	looks  bool             // the pressed look may differ from snap: take it again

	light   Light
	meter   Meter
	mainV   int       // last main display brightness read
	meterAt time.Time // when a touch last read it

	lid          bool // closed
	lastActivity time.Time
	level        int // brightness last applied (logical, even without a device)

	bat     battery.State
	batNext time.Time

	shift *shifter

	banner      string
	bannerUntil time.Time

	clockNext time.Time
	zone      *time.Location // the clock's, from Env.Zone
	zoneAt    time.Time      // when Env.Zone was last asked

	mains map[string]string // AC supplies' last POWER_SUPPLY_ONLINE

	// A card node that exists but cannot be opened yet (udev has not set
	// its group) is tried again at retryAt, backing off.
	retryAt    time.Time
	retryDelay time.Duration
	dispErr    string // why the display did not open, as last logged
	afterEvent bool   // retrying since a drm uevent

	sc      Scene                        // the scene of the frame being drawn
	pressed func(layer, button int) bool // Tracker.Pressed, bound once

	// What the next flush draws: everything, or some buttons of the shown layer.
	needAll bool
	need    []int
	// Buttons of the shown layer whose pressed state a touch changed since
	// the last frame; drawn only if it differs from drawn's (a press and
	// lift between two frames leaves the bar as it is).
	touched []int
	drawn   []bool // pressed state of each button of the shown layer, as last drawn
	drawnOK bool   // drawn is valid (a full frame was drawn since)

	once map[string]bool // things logged once until they change

	// Frame pacing (Timing.Frame): when the last frame was presented, and
	// when the next one is due (zero: at once, or nothing waits).
	presentedAt time.Time
	drawAt      time.Time

	shownOnDisp bool // a frame reached the open display
	dispGen     int  // counts display opens and losses

	// Builds of the layout (see runBuild).
	building   bool       // one runs
	wantReload bool       // a config change arrived during it
	wantLayout bool       // the display changed during it
	built      chan built // its result (buffered: the worker never blocks)
	inline     bool       // tests: build on the calling goroutine

	// Layers, groups and sliders.
	acts        []input.Act   // layer, group and × touches taken from the Bar
	lvls        []input.Level // slider levels taken from the Bar
	sl          [slKinds]sliderState
	levelFn     func(layer, button int) (float64, bool) // sliderLevel, bound once
	override    int                                     // Touch Bar level set by its slider until the bar dims; -1: none
	pollAt      time.Time                               // the shown sliders are read again then
	polledAt    time.Time
	polledLayer int
	dropped     int // Bar.Dropped as last logged

	// The session companion (Env.Session; nil: none).
	srv       Companion
	companion bool                         // a companion is served (its Connected seen, not its Disconnected)
	paused    bool                         // its widgets are stopped (the bar is dark)
	widgetOut map[uint32]render.WidgetLook // widgets' current output, by id: only the layout shown's
	widgetFn  func(layer, button int) render.WidgetLook
	media     render.WidgetLook // what is playing (Text title, Sub artist, Media), for media widgets
	focusApp  string            // the focused app's id, as the companion reports it
	volWatch  bool              // the companion is asked to watch the volume

	// Stats, for measurements.
	frames, wakeups int
	sliderWrites    int // backend writes from slider drags
}

func newCore(env Env, now time.Time) *core {
	c := &core{env: env, log: env.Log, lastActivity: now, level: -1, once: map[string]bool{}, built: make(chan built, 1),
		snap: make([]input.Ref, 0, 16), acts: make([]input.Act, 0, input.MaxActs), lvls: make([]input.Level, 0, input.MaxLevels),
		override: -1, polledLayer: -1}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.srv = env.Session
	c.bar = env.Bar
	if c.bar != nil && env.Alarm != nil {
		c.alarmC = env.Alarm.C()
	}
	if c.bar == nil {
		tr := env.Tracker
		if tr == nil {
			tr = input.NewTracker(discardKeys{})
		}
		c.bar = input.NewBar(tr, input.BarOptions{Alarm: &c.la, Frame: env.Timing.Frame, WakeGap: meterGap})
	}
	return c
}

// loopAlarm is the frame timer of a Bar the loop made (tests send touches
// as events: the Bar is called on the loop goroutine, at the event's time):
// an expiry the loop's own deadline serves.
type loopAlarm struct{ now, at time.Time }

func (a *loopAlarm) Reset(d time.Duration) { a.at = a.now.Add(d) }
func (a *loopAlarm) Stop()                 { a.at = time.Time{} }

// discardKeys is the keyboard of an Env without a Tracker.
type discardKeys struct{}

func (discardKeys) Press([]uint16) error   { return nil }
func (discardKeys) Release([]uint16) error { return nil }

// start opens what is there and asks for the first layout: the bar stays
// blank until it is built (off the loop, like every layout).
func (c *core) start(now time.Time) {
	c.openLight()
	c.openMeter()
	c.readBattery(now)
	c.openDisplay(now)
	c.requestBuild(true, now)
	c.flush(now)
}

// logOnce logs msg the first time key is seen until forget(key).
func (c *core) logOnce(key string, level slog.Level, msg string, args ...any) {
	if c.once[key] {
		return
	}
	c.once[key] = true
	c.log.Log(context.Background(), level, msg, args...)
}

func (c *core) forget(key string) { delete(c.once, key) }

// ---- configuration and layout ----
//
// Reading the config, laying it out and making its painter (fc-match, fonts,
// icons, tiles: seconds on a hostile config) run on a worker goroutine, one
// build at a time. The loop keeps serving touches, timers and SIGTERM on the
// layout on screen until the new one is ready; a change that arrives during
// a build makes exactly one more build after it. The old painter lives
// until its successor is ready: two painters at once while a build runs
// (one painter more at the peak, ~2.6 MB at 2008 px, measured by the
// daemon's guest test), for a bar that never stops answering.

// buildReq is one build: read the config first (reload), then lay out the
// config for the display of generation gen (length 0: no display).
type buildReq struct {
	reload         bool
	cfg            *config.Config // in use when asked (nil: none yet)
	length, height int
	gen            int
}

// built is a build's result, handed to the loop.
type built struct {
	req     buildReq
	cfg     *config.Config      // read (reload)
	diags   []config.Diagnostic // of reading it
	lay     *layouts.Layout     // nil: nothing laid out
	painter Painter
	pdiags  []config.Diagnostic // of making the painter
	panic   any                 // the build panicked with this
	stack   []byte
}

// runBuild does a build. It runs off the loop and touches nothing of the
// core: only the config files and env's LoadConfig and NewPainter.
func runBuild(env *Env, req buildReq) (b built) {
	b.req = req
	defer func() {
		if r := recover(); r != nil {
			b.panic, b.stack = r, debug.Stack()
		}
	}()
	cfg := req.cfg
	if req.reload {
		b.cfg, b.diags = env.LoadConfig()
		if hasError(b.diags) && cfg != nil {
			return b // refused: the running config stays
		}
		cfg = b.cfg
	}
	if cfg == nil || req.length <= 0 {
		return b
	}
	b.lay = layouts.Build(cfg, req.length, req.height)
	b.painter, b.pdiags = env.NewPainter(b.lay, lookOf(cfg))
	return b
}

func hasError(diags []config.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == config.Error {
			return true
		}
	}
	return false
}

// requestBuild asks for a build: at once, or after the running one (asking
// again while one runs costs nothing more).
func (c *core) requestBuild(reload bool, now time.Time) {
	if c.building {
		c.wantReload = c.wantReload || reload
		c.wantLayout = true
		return
	}
	c.startBuild(reload, now)
}

func (c *core) startBuild(reload bool, now time.Time) {
	req := buildReq{reload: reload, cfg: c.cfg, gen: c.dispGen}
	if c.disp != nil {
		req.length, req.height = c.disp.Size()
	}
	if !reload && (req.cfg == nil || req.length <= 0) {
		return // nothing to lay out
	}
	c.building = true
	env := c.env // the worker's own copy
	if c.inline {
		c.applyBuilt(runBuild(&env, req), now)
		return
	}
	out := c.built
	go func() { out <- runBuild(&env, req) }() // buffered: never blocks, even after the loop ended
}

// applyBuilt takes a build's result on the loop: the config (or its
// banner), then the layout unless the display changed meanwhile. Then the
// next build, if one was asked for during this one.
func (c *core) applyBuilt(b built, now time.Time) {
	c.building = false
	if b.panic != nil {
		c.log.Error("building the layout", "stack", string(b.stack))
		panic(fmt.Sprintf("building the layout: %v", b.panic))
	}
	use := true
	if b.req.reload {
		use = c.applyConfig(b.cfg, b.diags, now)
	}
	for _, d := range b.pdiags {
		c.log.Warn("drawing", "problem", d.Error())
	}
	switch {
	case !use, b.req.gen != c.dispGen, b.lay == nil:
		// Refused, made for a display that is gone (a build for the new
		// one is asked for), or nothing to lay out.
	case b.painter == nil:
		c.log.Error("no renderer for this layout")
	default:
		c.lay, c.painter = b.lay, b.painter
		c.needAll = true
		c.openSliders(b.lay)
		c.sessionLayout(b.lay)
	}
	if c.wantReload || c.wantLayout {
		reload := c.wantReload
		c.wantReload, c.wantLayout = false, false
		c.startBuild(reload, now)
	}
	c.trim() // the old painter and the build's garbage
}

// trim returns freed memory to the kernel, off the loop.
func (c *core) trim() {
	if c.env.Trim == nil {
		return
	}
	if c.inline {
		c.env.Trim()
		return
	}
	go c.env.Trim()
}

// applyConfig takes a config just read. A config with errors keeps the
// running one (or, at start, runs on the defaults it carries) and shows the
// first error as a banner. It reports whether cfg is now in use.
func (c *core) applyConfig(cfg *config.Config, diags []config.Diagnostic, now time.Time) bool {
	start := c.cfg == nil
	var first *config.Diagnostic
	for i, d := range diags {
		if d.Severity == config.Error {
			c.log.Error("config", "error", d.Error())
			if first == nil {
				first = &diags[i]
			}
		} else {
			c.log.Warn("config", "warning", d.Error())
		}
	}
	if first != nil {
		c.banner = first.Error()
		c.bannerUntil = now.Add(c.env.Timing.Banner)
		c.needAll = true
		if !start {
			return false // keep the running layout
		}
	} else if !start {
		c.banner = ""
		c.log.Info("config reloaded")
	}
	if cfg == nil {
		return false
	}
	c.cfg = cfg
	c.env.Timing = idleTiming(c.env.Timing, cfg)
	if c.adaptive() {
		c.readMeter() // not read while it was off
	}
	c.sw = layouts.Switcher{MediaDefault: cfg.MediaLayerDefault, DoublePress: time.Duration(cfg.DoublePressSwitchLayers) * time.Millisecond,
		GroupTimeout: time.Duration(cfg.GroupTimeout) * time.Second}
	c.bar.ReleaseAll()
	c.looks = true
	c.sessionConfig(cfg)
	c.applyFocus() // the new Switcher forgot the app layer
	c.shift = nil
	if cfg.EnablePixelShift {
		c.shift = newShifter(now, c.env.Rand, c.env.Timing.ShiftStep, c.env.Timing.ShiftDwell)
	}
	return true
}

// ---- events ----

func (c *core) onInput(ev input.Event, now time.Time) {
	switch ev.Kind {
	case input.Touches: // from a test: Run's readers call Bar.Touch
		c.la.now = now
		c.bar.TouchAt(ev.Touches, now)
		c.onBar(now)
		return
	case input.Fn:
		c.activity(now)
		t := ev.Time
		if t.IsZero() {
			t = now
		}
		if c.sw.Fn(ev.Down, t) {
			c.needAll = true
		}
		c.looks = true // a swap releases the keys held now (syncBar)
	case input.Lid:
		c.lid = ev.Down
		if !c.lid {
			c.activity(now)
		}
	case input.Activity:
		c.activity(now)
	case input.DigitizerGone:
		c.log.Warn("digitizer gone; waiting for it to come back", "device", ev.Device)
		c.bar.ReleaseAll()
		c.needAll = true
	case input.DigitizerAdded:
		c.log.Info("digitizer", "device", ev.Device)
	case input.KeyboardGone:
		c.log.Info("keyboard gone", "device", ev.Device)
	}
	c.flush(now)
}

// onBar is the Bar's wake-up: touches happened (their keys are out) and
// the loop has something to do: light a dark or dimmed bar, re-read the
// display brightness, draw a changed look (Frame 0), log a key error.
func (c *core) onBar(now time.Time) {
	if last := c.bar.LastTouch(); last.After(c.lastActivity) {
		c.lastActivity = last
		// A finger sends frames at the panel's rate: re-read the display
		// brightness at most every meterGap (other activity reads it at
		// once).
		if c.adaptive() && (now.Sub(c.meterAt) >= meterGap || now.Before(c.meterAt)) {
			c.meterAt = now
			c.readMeter()
		}
	}
	if err := c.bar.Err(); err != nil {
		c.logOnce("keys", slog.LevelError, "sending keys", "err", err)
	}
	c.takeActions()
	c.groupTouch()
	if c.env.Timing.Frame <= 0 {
		c.looks = true // else the Bar's alarm says when
	}
	c.flush(now)
}

// takeActions applies the layer, group and × touches the Bar queued. A
// change of layer redraws everything, with the pressed look taken now
// (no frame alarm of its own).
func (c *core) takeActions() {
	c.acts = c.bar.TakeActions(c.acts[:0])
	for i, a := range c.acts {
		c.acts[i].Action = nil // keep no layout alive
		if !c.actionFits(a.Action) {
			continue
		}
		if ca, ok := a.Action.(layouts.CommandAction); ok {
			c.runCommand(a.Ref, ca.Command)
			continue
		}
		if _, ok := a.Action.(layouts.MediaAction); ok {
			c.mediaTap(a.Ref)
			continue
		}
		if c.sw.Act(a.Action, a.At) {
			c.needAll, c.looks = true, true
		}
	}
	if n := c.bar.Dropped(); n != c.dropped {
		c.log.Warn("layer and group touches dropped: the loop was late", "dropped", n-c.dropped)
		c.dropped = n
	}
}

// actionFits tells whether a's layer exists in the layout shown (the
// Tracker forgets a reload's old Acts; this guards the Switcher anyway).
func (c *core) actionFits(a layouts.Action) bool {
	if c.lay == nil {
		return false
	}
	switch a := a.(type) {
	case layouts.LayerAction:
		return a.Layer >= 0 && a.Layer < len(c.lay.Layers)
	case layouts.GroupAction:
		return a.Layer >= 0 && a.Layer < len(c.lay.Layers)
	}
	return true
}

// groupTouch restarts the open groups' timeout from the Bar's last touch
// (touches reach the loop only when they must).
func (c *core) groupTouch() {
	d, ok := c.sw.Deadline()
	if !ok {
		return
	}
	if last := c.bar.LastTouch(); last.Add(c.sw.GroupTimeout).After(d) {
		c.sw.Touch(last)
	}
}

// onAlarm is the Bar's frame timer: a touch changed the pressed look a
// Frame ago.
func (c *core) onAlarm(now time.Time) {
	c.looks = true
	c.flush(now)
}

// syncBar gives the Bar the view the loop shows now (a new layout or a
// layer swap releases the keys at once) and whether every touch must wake
// the loop (the bar is not at its active brightness); a touch it missed
// meanwhile counts as activity.
func (c *core) syncBar(now time.Time) {
	for range 3 { // a touch between flush and SetView: once more
		v := input.View{Layout: c.lay, Shown: c.sw.Shown(), Shift: c.offset(), Asleep: c.level == 0, Base: input.BaseLayer(&c.sw)}
		last := c.bar.SetView(v, c.level <= 1 || c.lid)
		if !last.After(c.lastActivity) {
			return
		}
		c.lastActivity = last
		c.looks = true
		c.takeActions() // an Act that raced with this view
		c.flushOnce(now)
	}
}

func (c *core) activity(now time.Time) {
	c.lastActivity = now
	if c.adaptive() {
		c.readMeter() // the user may have just changed the display's brightness
	}
}

// meterGap is the least time between two reads of the display brightness
// caused by touches.
const meterGap = 500 * time.Millisecond

// adaptive tells whether the display brightness is used.
func (c *core) adaptive() bool { return c.cfg != nil && c.cfg.AdaptiveBrightness }

func (c *core) onConfigChanged(now time.Time) {
	c.requestBuild(true, now)
	c.flush(now)
}

// onBuilt takes a build's result.
func (c *core) onBuilt(b built, now time.Time) {
	c.applyBuilt(b, now)
	c.flush(now)
}

func (c *core) onUevent(e uevent.Event, now time.Time) {
	switch e.Subsystem {
	case "drm":
		// Only the Touch Bar's own card matters: another card's removal
		// (an eGPU, a dock) must not drop the display or the held keys.
		if c.disp != nil {
			if e.Action == "remove" && c.ownCard(e) {
				c.lostDisplay(fmt.Errorf("%s removed", e.DevPath))
			}
			break // its own removal is followed by an "add" when it comes back
		}
		if e.Action != "remove" { // any card may be the Touch Bar's, late
			c.retryDelay, c.afterEvent = 0, true
			c.openDisplay(now)
		}
	case "backlight":
		if e.Action == "remove" {
			c.dropBacklights(path.Base(e.DevPath))
		}
		c.openLight()
		c.openMeter()
		c.readMeter()
		c.sliderUevent(e)
	case "leds":
		c.sliderUevent(e)
	case "power_supply":
		if c.mainsChanged(e) {
			c.activity(now) // plugged or unplugged: wakes the bar like a touch
		}
		c.readBattery(now)
	}
	c.flush(now)
}

// mainsChanged tells whether the power_supply uevent e says an AC adapter
// (type Mains) was plugged or unplugged. A battery's uevents (capacity
// ticks) and an AC supply's that repeat its state do not count.
func (c *core) mainsChanged(e uevent.Event) bool {
	if e.Action != "change" || e.DevPath == "" {
		return false
	}
	name := e.Env["POWER_SUPPLY_NAME"]
	if name == "" {
		name = path.Base(e.DevPath)
	}
	typ := e.Env["POWER_SUPPLY_TYPE"]
	if typ == "" && c.env.SupplyType != nil {
		typ = c.env.SupplyType(name)
	}
	if typ != "Mains" {
		return false
	}
	online, ok := e.Env["POWER_SUPPLY_ONLINE"]
	if !ok {
		return true
	}
	last, seen := c.mains[name]
	if c.mains == nil || len(c.mains) >= 8 {
		c.mains = map[string]string{}
	}
	c.mains[name] = online
	return !seen || last != online
}

// cardDevice is a Display that knows its card node's device number
// (drm.Display).
type cardDevice interface {
	Dev() (major, minor uint32, ok bool)
}

// cardNamed is a Display that knows its card node (drm.Display).
type cardNamed interface {
	Card() string // "/dev/dri/card0"
}

// ownCard tells whether the drm uevent e is about the open display's card:
// by device number (MAJOR, MINOR) when both sides know it, else by the
// card's name; a display that tells neither takes any card as its own.
func (c *core) ownCard(e uevent.Event) bool {
	if !isCard(e.DevPath) {
		return false // a connector, a render node, a synthetic event
	}
	if d, ok := c.disp.(cardDevice); ok {
		maj, mnr, known := d.Dev()
		emaj, err1 := strconv.ParseUint(e.Env["MAJOR"], 10, 32)
		emnr, err2 := strconv.ParseUint(e.Env["MINOR"], 10, 32)
		if known && err1 == nil && err2 == nil {
			return uint32(emaj) == maj && uint32(emnr) == mnr
		}
	}
	if d, ok := c.disp.(cardNamed); ok && d.Card() != "" {
		return path.Base(d.Card()) == path.Base(e.DevPath)
	}
	return true
}

// isCard tells a card's devpath (…/drm/card1) from a connector's
// (…/drm/card1/card1-eDP-1) or a render node's.
func isCard(devpath string) bool {
	i := len(devpath) - 1
	for i >= 0 && devpath[i] >= '0' && devpath[i] <= '9' {
		i--
	}
	return i < len(devpath)-1 && i >= 4 && devpath[i-4:i+1] == "/card"
}

// Back-off of display retries after EACCES.
const (
	retryMin       = 500 * time.Millisecond
	retryMax       = 30 * time.Second
	retryTransient = 8 * time.Second // last retry after a uevent for other errors
)

func (c *core) onTimer(now time.Time) {
	if !c.la.at.IsZero() && !now.Before(c.la.at) {
		c.la.at = time.Time{}
		c.looks = true
	}
	if !c.retryAt.IsZero() && !now.Before(c.retryAt) {
		c.openDisplay(now)
	}
	c.groupTouch()
	if c.sw.Expire(now) {
		c.needAll, c.looks = true, true
	}
	c.flush(now)
}
