package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
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

	once map[string]bool // things logged once until they change

	shownOnDisp bool // a frame reached the open display
	builds      int  // painters built (the older ones' memory is garbage)

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
	if c.adaptive() {
		c.readMeter() // not read while it was off
	}
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
	if c.builds > 0 && c.env.Trim != nil {
		// The old layout's pictures (megabytes) are garbage already: free
		// them first, so that the new ones reuse their memory instead of
		// both being resident at once.
		c.env.Trim()
	}
	c.builds++
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
	if c.env.Trim != nil {
		c.env.Trim() // building left garbage
	}
}

// ---- events ----

func (c *core) onInput(ev input.Event, now time.Time) {
	switch ev.Kind {
	case input.Touches:
		asleep := c.level == 0
		c.lastActivity = now
		// A finger sends frames at the panel's rate: re-read the display
		// brightness at most every meterGap (other activity reads it at once).
		if c.adaptive() && (now.Sub(c.meterAt) >= meterGap || now.Before(c.meterAt)) {
			c.meterAt = now
			c.readMeter()
		}
		if c.lay == nil {
			return
		}
		c.track(ev.Touches, asleep)
	case input.Fn:
		c.activity(now)
		t := ev.Time
		if t.IsZero() {
			t = now
		}
		if c.sw.Fn(ev.Down, t) {
			c.needAll = true
		}
		if c.lay != nil {
			c.track(nil, false) // a swap releases the keys held now
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

// track hands touches (none: only the view changed) to the Tracker and
// asks for the buttons whose look changed on the shown layer.
func (c *core) track(ts []input.Touch, asleep bool) {
	refs := c.env.Tracker.Handle(ts, input.View{Layout: c.lay, Shown: c.sw.Shown(), Shift: c.offset(), Asleep: asleep, Base: input.BaseLayer(&c.sw)})
	for _, r := range refs {
		if r.Layer == c.sw.Shown() && !slices.Contains(c.need, r.Button) {
			c.need = append(c.need, r.Button)
		}
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
	// (A counter, not the old painter: holding that here would keep the old
	// pictures alive while the new ones are built.)
	builds := c.builds
	c.loadConfig(now, false)
	c.flush(now)
	if c.builds == builds && c.env.Trim != nil {
		c.env.Trim() // parsing and the banner left garbage (a rebuild trimmed already)
	}
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
