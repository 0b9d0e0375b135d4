// Devices: the display, the backlights and the battery, which come and go.

package daemon

import (
	"errors"
	"io/fs"
	"log/slog"
	"path"
	"time"
)

// openDisplay opens the Touch Bar display unless one is open, and asks for
// the bar's layout for it.
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
	c.dispGen++
	c.requestBuild(false, now)
}

// lostDisplay forgets a display that vanished (T2 suspend unloads the
// driver); a uevent brings it back.
func (c *core) lostDisplay(err error) {
	c.log.Warn("display gone; waiting for it to come back", "err", err)
	c.bar.ReleaseAll()
	if c.disp != nil {
		c.disp.Close()
	}
	c.disp, c.lay, c.painter = nil, nil, nil
	c.dispGen++
	c.trim() // the painter's pictures
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
