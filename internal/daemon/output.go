// Output: brightness, frames, and when the state changes by itself next.

package daemon

import (
	"errors"
	"image"
	"log/slog"
	"path"
	"slices"
	"syscall"
	"time"

	"tiny-dfr/internal/backlight"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/render"
)

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
	if c.override >= 0 {
		return c.override // the touchbar slider's, until the bar dims
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
//
// Then it gives the Bar the view the bar shows now and whether every touch
// must wake the loop (syncBar).
func (c *core) flush(now time.Time) {
	c.flushOnce(now)
	c.syncBar(now)
}

func (c *core) flushOnce(now time.Time) {
	if c.override >= 0 && (c.lid || now.Sub(c.lastActivity) >= c.env.Timing.Dim) {
		c.override = -1 // the touchbar slider's level holds until the bar dims
	}
	lvl := c.wantLevel(now)
	waking := c.level == 0 && lvl > 0
	if lvl != c.level {
		c.needSliders(slTouchBar)
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
	c.setPaused(c.level == 0)
	c.volumeWatch()
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
	c.pollSliders(now)
	c.draw(now)
}

// batterySlack lets a battery re-read ride on an earlier wake-up (a clock
// tick) instead of waking on its own.
const batterySlack = 10 * time.Second

// scene fills the core's one Scene (no allocation per frame).
func (c *core) scene(now time.Time) *Scene {
	if c.pressed == nil {
		c.pressed = c.snapPressed
	}
	if c.levelFn == nil {
		c.levelFn = c.sliderLevel
	}
	if c.widgetFn == nil {
		c.widgetFn = c.widgetLook
	}
	c.sc = Scene{
		Level:   c.levelFn,
		Layer:   c.sw.Shown(),
		Pressed: c.pressed,
		Now:     c.local(now),
		Battery: c.bat,
		Shift:   c.offset(),
		Banner:  c.banner,
		Session: c.companion,
		Widget:  c.widgetFn,
	}
	return &c.sc
}

// local is now in the system's time zone (Env.Zone), asked again at most
// every zoneGap and only while the shown layer has a clock: a zone change
// shows within a minute and costs no wake-up.
func (c *core) local(now time.Time) time.Time {
	if c.env.Zone == nil {
		return now
	}
	if c.painter != nil && c.painter.Resolution(c.sw.Shown()) > 0 &&
		(c.zoneAt.IsZero() || now.Sub(c.zoneAt) >= zoneGap || now.Before(c.zoneAt)) {
		c.zoneAt, c.zone = now, c.env.Zone()
	}
	if c.zone == nil {
		return now
	}
	return now.In(c.zone)
}

func (c *core) draw(now time.Time) {
	if c.looks {
		c.takeLooks()
	}
	if !c.needAll && len(c.touched) > 0 {
		c.pruneTouched(c.sw.Shown()) // no wake-up for a tap that is over
	}
	if c.disp == nil || c.painter == nil || (!c.needAll && len(c.need) == 0 && len(c.touched) == 0) {
		c.drawAt = time.Time{}
		return
	}
	if due := c.frameDue(now); now.Before(due) {
		c.drawAt = due // deadline wakes the loop then
		c.looks = true // and the looks are taken again
		return
	}
	c.drawAt = time.Time{}
	s := c.scene(now)
	if !c.needAll {
		c.needTouched(s.Layer)
		if len(c.need) == 0 {
			return // pressed and lifted since the last frame: nothing changed
		}
	}
	var f *render.Frame
	if c.needAll {
		f = c.painter.DrawAll(s)
		c.drawnAll(s.Layer)
	} else {
		f = c.painter.DrawButtons(s, c.need...)
		for _, b := range c.need {
			if b >= 0 && b < len(c.drawn) {
				c.drawn[b] = c.pressed(s.Layer, b)
			}
		}
	}
	c.needAll, c.need, c.touched = false, c.need[:0], c.touched[:0]
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
	c.presentedAt = now
	c.frames++
	loopFrames.Add(1)
	if !c.shownOnDisp {
		c.shownOnDisp = true
		c.log.Info("bar drawn")
	}
}

// needTouched adds to need the touched buttons of layer whose pressed
// state differs from the one last drawn (all of them when that is not
// known), and forgets the touched ones.
func (c *core) needTouched(layer int) {
	for _, b := range c.touched {
		if c.drawnOK && b >= 0 && b < len(c.drawn) && c.drawn[b] == c.pressed(layer, b) {
			continue
		}
		if !slices.Contains(c.need, b) {
			c.need = append(c.need, b)
		}
	}
	c.touched = c.touched[:0]
}

// takeLooks takes the pressed buttons from the Bar (the frame shows them)
// and adds to touched the buttons of the shown layer whose look may have
// changed since the last take: pressed then or now.
func (c *core) takeLooks() {
	c.looks = false
	layer := c.sw.Shown()
	c.touchLayer(layer)
	c.snap = c.bar.Looks(c.snap[:0])
	c.touchLayer(layer)
	c.takeLevels()
}

// touchLayer adds the buttons of snap on layer to touched.
func (c *core) touchLayer(layer int) {
	for _, r := range c.snap {
		if r.Layer == layer && !slices.Contains(c.touched, r.Button) {
			c.touched = append(c.touched, r.Button)
		}
	}
}

// snapPressed tells whether a button looks pressed in the frame being
// drawn (Scene.Pressed).
func (c *core) snapPressed(layer, button int) bool {
	return slices.Contains(c.snap, input.Ref{Layer: layer, Button: button})
}

// pruneTouched forgets the touched buttons of layer that look as drawn.
func (c *core) pruneTouched(layer int) {
	if !c.drawnOK {
		return
	}
	if c.pressed == nil {
		c.pressed = c.snapPressed
	}
	c.touched = slices.DeleteFunc(c.touched, func(b int) bool {
		return b >= 0 && b < len(c.drawn) && c.drawn[b] == c.pressed(layer, b)
	})
}

// drawnAll records the pressed state of every button of layer after a
// full frame.
func (c *core) drawnAll(layer int) {
	c.drawn, c.drawnOK = c.drawn[:0], false
	if c.lay == nil || layer < 0 || layer >= len(c.lay.Layers) {
		return
	}
	for b := range c.lay.Layers[layer].Buttons {
		c.drawn = append(c.drawn, c.pressed(layer, b))
	}
	c.drawnOK = true
}

// frameDue is when the next frame may be presented: one Frame after the
// last one (unless the clock went back), and not before a touch's put-off
// frame (afterKeys).
func (c *core) frameDue(now time.Time) time.Time {
	due := c.drawAt
	if gap := c.env.Timing.Frame; gap > 0 && !c.presentedAt.IsZero() && !now.Before(c.presentedAt) {
		if next := c.presentedAt.Add(gap); next.After(due) {
			due = next
		}
	}
	return due
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
	if g, ok := c.sw.Deadline(); ok {
		add(g) // open groups close
	}
	if c.level == 0 || c.disp == nil || c.painter == nil {
		return d // nothing on screen changes
	}
	if c.banner != "" {
		add(c.bannerUntil)
	}
	add(c.drawAt) // a frame put off
	add(c.la.at)  // a touch's look
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
	add(c.sliderDeadline(now))
	return d
}
