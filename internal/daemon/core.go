package daemon

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"syscall"
	"time"

	"tiny-dfr/internal/backlight"
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

	light Light
	meter Meter
	mainV int // last main display brightness read

	lid          bool // closed
	lastActivity time.Time
	level        int // brightness last applied (logical, even without a device)

	bat     battery.State
	batNext time.Time

	shift *shifter

	banner      string
	bannerUntil time.Time

	clockNext time.Time

	// A card node that exists but cannot be opened yet (udev has not set
	// its group) is tried again at retryAt, backing off.
	retryAt    time.Time
	retryDelay time.Duration
	dispErr    string // why the display did not open, as last logged
	afterEvent bool   // retrying since a drm uevent

	// What the next flush draws: everything, or some buttons of the shown layer.
	needAll bool
	need    []int

	once map[string]bool // things logged once until they change

	shownOnDisp bool // a frame reached the open display

	// Stats, for measurements.
	frames, wakeups int
}

func newCore(env Env, now time.Time) *core {
	c := &core{env: env, log: env.Log, lastActivity: now, level: -1, once: map[string]bool{}}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// start loads the config, opens what is there and draws the first frame.
func (c *core) start(now time.Time) {
	c.loadConfig(now, true)
	c.openLight()
	c.openMeter()
	c.readBattery(now)
	c.openDisplay(now)
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

// ---- configuration ----

// loadConfig reads the config. A config with errors keeps the running
// layout (or, at start, runs on the defaults it carries) and shows the
// first error as a banner.
func (c *core) loadConfig(now time.Time, start bool) {
	cfg, diags := c.env.LoadConfig()
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
		if !start && c.cfg != nil {
			return // keep the running layout
		}
	} else if !start {
		c.banner = ""
		c.log.Info("config reloaded")
	}
	if cfg == nil {
		return
	}
	c.cfg = cfg
	c.sw = layouts.Switcher{MediaDefault: cfg.MediaLayerDefault, DoublePress: time.Duration(cfg.DoublePressSwitchLayers) * time.Millisecond}
	c.env.Tracker.ReleaseAll()
	c.shift = nil
	if cfg.EnablePixelShift {
		c.shift = newShifter(now, c.env.Rand, c.env.Timing.ShiftStep, c.env.Timing.ShiftDwell)
	}
	c.layout(now)
}

// layout builds the layout and painter for the open display.
func (c *core) layout(now time.Time) {
	c.lay, c.painter = nil, nil
	if c.disp == nil || c.cfg == nil {
		return
	}
	length, height := c.disp.Size()
	lay := layouts.Build(c.cfg, length, height)
	p, diags := c.env.NewPainter(lay, c.cfg.ShowButtonOutlines, c.cfg.FontTemplate)
	for _, d := range diags {
		c.log.Warn("drawing", "problem", d.Error())
	}
	if p == nil {
		c.log.Error("no renderer for this layout")
		return
	}
	c.lay, c.painter = lay, p
	c.needAll = true
}

// ---- devices ----

func (c *core) openDisplay(now time.Time) {
	if c.disp != nil {
		return
	}
	d, err := c.env.OpenDisplay()
	if err != nil {
		if msg := err.Error(); msg != c.dispErr { // log each new reason once
			c.dispErr = msg
			c.log.Warn("no Touch Bar display yet; waiting for one", "err", err)
		}
		// Retry a node nobody may open yet (udev sets its group after the
		// uevent) until it opens; after a uevent, retry a few times for any
		// reason (a card whose connector is not probed yet).
		c.retryAt = time.Time{}
		c.retryDelay = min(max(2*c.retryDelay, retryMin), retryMax)
		if errors.Is(err, fs.ErrPermission) || (c.afterEvent && c.retryDelay <= retryTransient) {
			c.retryAt = now.Add(c.retryDelay)
		}
		return
	}
	c.dispErr = ""
	c.retryAt, c.retryDelay, c.afterEvent = time.Time{}, 0, false
	length, height := d.Size()
	c.log.Info("display open", "length", length, "height", height)
	c.disp, c.shownOnDisp = d, false
	c.layout(now)
}

// lostDisplay forgets a display that vanished (T2 suspend unloads the
// driver); a uevent brings it back.
func (c *core) lostDisplay(err error) {
	c.log.Warn("display gone; waiting for it to come back", "err", err)
	c.env.Tracker.ReleaseAll()
	if c.disp != nil {
		c.disp.Close()
	}
	c.disp, c.lay, c.painter = nil, nil, nil
}

func (c *core) openLight() {
	if c.light != nil || c.env.OpenLight == nil {
		return
	}
	l, err := c.env.OpenLight()
	if err != nil {
		c.logOnce("light", slog.LevelInfo, "no Touch Bar backlight; brightness is not controlled", "err", err)
		return
	}
	c.forget("light")
	c.light = l
	c.level = -1 // write the current level to the new device
}

func (c *core) openMeter() {
	if c.meter != nil || c.env.OpenMeter == nil {
		return
	}
	m, err := c.env.OpenMeter()
	if err != nil {
		c.logOnce("meter", slog.LevelInfo, "no main display backlight; adaptive brightness uses ActiveBrightness", "err", err)
		return
	}
	c.forget("meter")
	c.meter = m
	c.readMeter()
}

// dropBacklights forgets the backlights named name (the device was removed:
// T2 suspend unloads the Touch Bar backlight's module); a uevent brings
// them back.
func (c *core) dropBacklights(name string) {
	if c.light != nil && path.Base(c.light.Dir()) == name {
		c.log.Info("Touch Bar backlight gone", "device", name)
		c.light.Close()
		c.light = nil
		c.forget("light")
	}
	if c.meter != nil && path.Base(c.meter.Dir()) == name {
		c.meter.Close()
		c.meter = nil
		c.forget("meter")
	}
}

func (c *core) readMeter() {
	if c.meter == nil {
		return
	}
	v, err := c.meter.Read()
	if err != nil {
		c.logOnce("meterread", slog.LevelWarn, "reading the display backlight", "err", err)
		return
	}
	c.forget("meterread")
	c.mainV = v
}

func (c *core) readBattery(now time.Time) {
	c.batNext = now.Add(c.env.Timing.BatteryEvery)
	if c.env.ReadBattery == nil {
		return
	}
	st, err := c.env.ReadBattery()
	if err != nil && st.Present {
		c.logOnce("battery", slog.LevelWarn, "reading the battery", "err", err)
	}
	if st != c.bat {
		c.bat = st
		c.needDynamic(func(p Painter, layer int) bool { return p.Battery(layer) })
	}
}

// ---- events ----

func (c *core) onInput(ev input.Event, now time.Time) {
	switch ev.Kind {
	case input.Touches:
		asleep := c.level == 0
		c.activity(now)
		if c.lay == nil {
			return
		}
		refs := c.env.Tracker.Handle(ev.Touches, input.View{Layout: c.lay, Shown: c.sw.Shown(), Shift: c.offset(), Asleep: asleep, Base: input.BaseLayer(&c.sw)})
		for _, r := range refs {
			if r.Layer == c.sw.Shown() && !slices.Contains(c.need, r.Button) {
				c.need = append(c.need, r.Button)
			}
		}
	case input.Fn:
		c.activity(now)
		t := ev.Time
		if t.IsZero() {
			t = now
		}
		if c.sw.Fn(ev.Down, t) {
			c.needAll = true
		}
	case input.Lid:
		c.lid = ev.Down
		if !c.lid {
			c.activity(now)
		}
	case input.Activity:
		c.activity(now)
	case input.DigitizerGone:
		c.log.Warn("digitizer gone; waiting for it to come back", "device", ev.Device)
		c.env.Tracker.ReleaseAll()
		c.needAll = true
	case input.DigitizerAdded:
		c.log.Info("digitizer", "device", ev.Device)
	case input.KeyboardGone:
		c.log.Info("keyboard gone", "device", ev.Device)
	}
	c.flush(now)
}

func (c *core) activity(now time.Time) {
	c.lastActivity = now
	c.readMeter() // the user may have just changed the display's brightness
}

func (c *core) onConfigChanged(now time.Time) {
	c.loadConfig(now, false)
	c.flush(now)
}

func (c *core) onUevent(e uevent.Event, now time.Time) {
	switch e.Subsystem {
	case "drm":
		if e.Action == "remove" && c.disp != nil && isCard(e.DevPath) {
			c.lostDisplay(fmt.Errorf("%s removed", e.DevPath))
		}
		if c.disp == nil {
			c.retryDelay, c.afterEvent = 0, true
		}
		c.openDisplay(now)
	case "backlight":
		if e.Action == "remove" {
			c.dropBacklights(path.Base(e.DevPath))
		}
		c.openLight()
		c.openMeter()
		c.readMeter()
	case "power_supply":
		c.readBattery(now)
	}
	c.flush(now)
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
	if !c.retryAt.IsZero() && !now.Before(c.retryAt) {
		c.openDisplay(now)
	}
	c.flush(now)
}

// ---- output ----

func (c *core) offset() (p image.Point) {
	if c.shift != nil {
		return c.shift.Offset()
	}
	return p
}

// needDynamic asks for a redraw of the dynamic buttons of the shown layer
// when pred holds for it.
func (c *core) needDynamic(pred func(Painter, int) bool) {
	if c.painter == nil {
		return
	}
	layer := c.sw.Shown()
	if !pred(c.painter, layer) {
		return
	}
	for _, b := range c.painter.Dynamic(layer) {
		if !slices.Contains(c.need, b) {
			c.need = append(c.need, b)
		}
	}
}

// wantLevel is the brightness for now: lid, idle, adaptive curve.
func (c *core) wantLevel(now time.Time) int {
	idle := now.Sub(c.lastActivity)
	switch {
	case c.lid || idle >= c.env.Timing.Off:
		return 0
	case idle >= c.env.Timing.Dim:
		return 1
	}
	active := 128
	if c.cfg != nil {
		active = c.cfg.ActiveBrightness
		if c.cfg.AdaptiveBrightness && c.meter != nil {
			active = backlight.Adaptive(active, c.mainV, c.meter.Max())
		}
	}
	return active
}

// flush brings the outside in line with the state: time-driven changes,
// brightness, then the frame.
func (c *core) flush(now time.Time) {
	lvl := c.wantLevel(now)
	waking := c.level == 0 && lvl > 0
	if lvl != c.level {
		c.level = lvl
		if c.light != nil {
			if _, err := c.light.Set(lvl); errors.Is(err, syscall.ENODEV) {
				c.dropBacklights(path.Base(c.light.Dir())) // gone before its uevent
			} else if err != nil {
				c.logOnce("lightset", slog.LevelWarn, "setting the Touch Bar backlight", "err", err)
			} else {
				c.forget("lightset")
			}
		}
	}
	if c.level == 0 {
		return // dark: draw nothing now, everything on waking
	}
	if waking {
		c.needAll = true
		if c.shift != nil {
			c.shift.Resume(now)
		}
	}
	if c.banner != "" && !now.Before(c.bannerUntil) {
		c.banner = ""
		c.needAll = true
	}
	if c.shift != nil && c.shift.Advance(now) {
		c.needAll = true
	}
	if c.painter != nil {
		layer := c.sw.Shown()
		if !c.batNext.IsZero() && c.painter.Battery(layer) && !now.Before(c.batNext.Add(-batterySlack)) {
			c.readBattery(now)
		}
		if res := c.painter.Resolution(layer); res > 0 && !c.clockNext.IsZero() && !now.Before(c.clockNext) {
			c.needDynamic(func(Painter, int) bool { return true })
		}
	}
	c.draw(now)
}

// batterySlack lets a battery re-read ride on an earlier wake-up (a clock
// tick) instead of waking on its own.
const batterySlack = 10 * time.Second

func (c *core) scene(now time.Time) *Scene {
	return &Scene{
		Layer:   c.sw.Shown(),
		Pressed: c.env.Tracker.Pressed,
		Now:     now,
		Battery: c.bat,
		Shift:   c.offset(),
		Banner:  c.banner,
	}
}

func (c *core) draw(now time.Time) {
	if c.disp == nil || c.painter == nil || (!c.needAll && len(c.need) == 0) {
		return
	}
	s := c.scene(now)
	var f *render.Frame
	if c.needAll {
		f = c.painter.DrawAll(s)
	} else {
		f = c.painter.DrawButtons(s, c.need...)
	}
	c.needAll, c.need = false, c.need[:0]
	if res := c.painter.Resolution(s.Layer); res > 0 {
		c.clockNext = now.Truncate(res).Add(res)
	} else {
		c.clockNext = time.Time{}
	}
	if err := c.disp.Present(f); err != nil {
		if c.env.IsGone != nil && c.env.IsGone(err) {
			c.lostDisplay(err)
			return
		}
		c.logOnce("present", slog.LevelError, "drawing", "err", err)
		return
	}
	c.forget("present")
	c.frames++
	if !c.shownOnDisp {
		c.shownOnDisp = true
		c.log.Info("bar drawn")
	}
}

// deadline is when the state changes by itself next (zero: never).
func (c *core) deadline(now time.Time) time.Time {
	var d time.Time
	add := func(t time.Time) {
		if !t.IsZero() && (d.IsZero() || t.Before(d)) {
			d = t
		}
	}
	if !c.lid {
		switch idle := now.Sub(c.lastActivity); {
		case idle < c.env.Timing.Dim:
			add(c.lastActivity.Add(c.env.Timing.Dim))
		case idle < c.env.Timing.Off:
			add(c.lastActivity.Add(c.env.Timing.Off))
		}
	}
	if c.disp == nil {
		add(c.retryAt)
	}
	if c.level == 0 || c.disp == nil || c.painter == nil {
		return d // nothing on screen changes
	}
	if c.banner != "" {
		add(c.bannerUntil)
	}
	if c.shift != nil {
		add(c.shift.Deadline())
	}
	layer := c.sw.Shown()
	if c.painter.Resolution(layer) > 0 {
		add(c.clockNext)
	}
	if c.painter.Battery(layer) {
		add(c.batNext)
	}
	return d
}
