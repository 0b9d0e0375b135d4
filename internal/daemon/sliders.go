// Sliders: their backends, the levels fingers set, and levels changed
// elsewhere.

package daemon

import (
	"errors"
	"log/slog"
	"math"
	"slices"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/sliders"
	"tiny-dfr/internal/uevent"
)

// Slider kinds, as indexes of core.sl.
const (
	slBrightness = iota
	slKeyboard
	slTouchBar
	slVolume
	slKinds
)

func sliderIndex(kind string) int {
	switch kind {
	case config.SliderBrightness:
		return slBrightness
	case config.SliderKeyboard:
		return slKeyboard
	case config.SliderTouchBar:
		return slTouchBar
	case config.SliderVolume:
		return slVolume
	}
	return -1
}

var sliderKinds = [slKinds]string{config.SliderBrightness, config.SliderKeyboard, config.SliderTouchBar, config.SliderVolume}

// sliderState is one kind of slider: every slider of the kind shows it.
// The touchbar kind has no backend: it is the Touch Bar light the core
// drives (its level is core.level), live while that light is open.
type sliderState struct {
	tried   bool            // Env.OpenSlider was asked
	b       sliders.Backend // nil: inert (drawn dimmed)
	level   float64         // shown
	seen    float64         // last read from the backend
	want    float64         // set by a finger, not yet written
	pending bool
}

// sliderPoll is how often the levels of the sliders shown are read again
// while the bar is lit and not idle (a change made elsewhere shows within
// it; LED brightness changes send no uevent).
const sliderPoll = time.Second

// openSliders opens the backends of the slider kinds lay uses that were
// not asked for yet (Run opened them before the privilege drop); a
// missing one is logged once and its sliders are inert.
func (c *core) openSliders(lay *layouts.Layout) {
	for l := range lay.Layers {
		for _, b := range lay.Layers[l].Buttons {
			a, ok := b.Action.(layouts.SliderAction)
			if !ok {
				continue
			}
			k := sliderIndex(a.Kind)
			if k < 0 || c.sl[k].tried {
				continue
			}
			c.sl[k].tried = true
			c.openSlider(k)
		}
	}
}

func (c *core) openSlider(k int) {
	kind := sliderKinds[k]
	if k == slVolume {
		// Served by the session companion: live once it reports a level.
		if c.srv == nil {
			c.logOnce("slider "+kind, slog.LevelInfo, "slider inert: no session companion", "slider", kind)
		}
		return
	}
	if k == slTouchBar {
		if c.light == nil {
			c.logOnce("slider "+kind, slog.LevelInfo, "slider inert: no Touch Bar backlight", "slider", kind)
		}
		return
	}
	if c.env.OpenSlider == nil {
		c.logOnce("slider "+kind, slog.LevelInfo, "slider inert: no backend", "slider", kind)
		return
	}
	b, err := c.env.OpenSlider(kind)
	if err != nil {
		level := slog.LevelWarn
		if errors.Is(err, sliders.ErrNotFound) || errors.Is(err, sliders.ErrCompanion) {
			level = slog.LevelInfo
		}
		c.logOnce("slider "+kind, level, "slider inert", "slider", kind, "err", err)
		return
	}
	c.forget("slider " + kind)
	c.sl[k].b = b
	c.readSlider(k)
}

// closeSlider makes kind k inert (its device went away); an "add" uevent
// of its subsystem opens it again.
func (c *core) closeSlider(k int, err error) {
	s := &c.sl[k]
	if s.b == nil {
		return
	}
	c.log.Info("slider inert", "slider", sliderKinds[k], "err", err)
	s.b.Close()
	s.b, s.pending = nil, false
	c.needSliders(k)
}

// readSlider reads kind k's level from its backend; a change is redrawn.
func (c *core) readSlider(k int) {
	s := &c.sl[k]
	if s.b == nil {
		return
	}
	v, err := s.b.Level()
	if errors.Is(err, sliders.ErrGone) {
		c.closeSlider(k, err)
		return
	}
	if err != nil {
		c.logOnce("sliderread "+sliderKinds[k], slog.LevelWarn, "reading a slider's level", "slider", sliderKinds[k], "err", err)
		return
	}
	c.forget("sliderread " + sliderKinds[k])
	if v != s.seen || v != s.level {
		s.seen, s.level = v, v
		c.needSliders(k)
	}
}

// sliderLevel is Scene.Level: the level of a slider button and whether
// its backend is live.
func (c *core) sliderLevel(layer, button int) (float64, bool) {
	if c.lay == nil {
		return 0, false
	}
	b := c.lay.Button(layer, button)
	if b == nil {
		return 0, false
	}
	a, ok := b.Action.(layouts.SliderAction)
	k := sliderIndex(a.Kind)
	if !ok || k < 0 {
		return 0, false
	}
	if k == slTouchBar {
		if c.light == nil || c.light.Max() <= 0 {
			return 0, false
		}
		return math.Max(0, math.Min(float64(c.level)/float64(c.light.Max()), 1)), true
	}
	return c.sl[k].level, c.sl[k].b != nil
}

// takeLevels takes the levels fingers set since the last frame: one write
// per kind to its backend, then a redraw of its sliders on the shown layer.
// A touchbar slider's level overrides the adaptive or active brightness
// until the bar next dims from idle.
func (c *core) takeLevels() {
	c.lvls = c.bar.TakeLevels(c.lvls[:0])
	if len(c.lvls) == 0 || c.lay == nil {
		return
	}
	for _, l := range c.lvls {
		b := c.lay.Button(l.Ref.Layer, l.Ref.Button)
		if b == nil {
			continue
		}
		a, _ := b.Action.(layouts.SliderAction)
		if k := sliderIndex(a.Kind); k >= 0 {
			c.sl[k].want, c.sl[k].pending = l.Level, true
		}
	}
	for k := range c.sl {
		s := &c.sl[k]
		if !s.pending {
			continue
		}
		s.pending = false
		if k == slTouchBar {
			c.overrideLight(s.want)
			continue
		}
		if s.b == nil || s.want == s.level {
			continue // inert, or where it is (a finger resting on the slider)
		}
		if err := s.b.Set(s.want); errors.Is(err, sliders.ErrGone) {
			c.closeSlider(k, err)
			continue
		} else if err != nil {
			c.logOnce("sliderset "+sliderKinds[k], slog.LevelWarn, "setting a slider's level", "slider", sliderKinds[k], "err", err)
			continue
		}
		c.forget("sliderset " + sliderKinds[k])
		c.sliderWrites++
		s.level = s.want
		c.needSliders(k)
	}
}

// overrideLight sets the Touch Bar's brightness from its slider: written
// now (the level step of this flush ran already), kept until the bar dims.
func (c *core) overrideLight(x float64) {
	if c.light == nil || c.level <= 0 {
		return
	}
	v := max(1, sliders.ToRaw(x, c.light.Max()))
	c.override = v
	if v == c.level {
		return
	}
	c.level = v
	if _, err := c.light.Set(v); err != nil {
		c.logOnce("lightset", slog.LevelWarn, "setting the Touch Bar backlight", "err", err)
	} else {
		c.sliderWrites++
	}
	c.needSliders(slTouchBar)
}

// needSliders asks for a redraw of the sliders of kind k on the shown
// layer.
func (c *core) needSliders(k int) {
	_, bs := c.shownButtons()
	for i, b := range bs {
		if a, ok := b.Action.(layouts.SliderAction); ok && sliderIndex(a.Kind) == k && !slices.Contains(c.need, i) {
			c.need = append(c.need, i)
		}
	}
}

// shownButtons are the buttons of the layer shown and its index; none
// without a layout.
func (c *core) shownButtons() (layer int, bs []layouts.Button) {
	layer = c.sw.Shown()
	if c.lay == nil || layer < 0 || layer >= len(c.lay.Layers) {
		return layer, nil
	}
	return layer, c.lay.Layers[layer].Buttons
}

// shownSliders tells which kinds of slider with a backend the shown layer
// has, the ones read by polling: the volume is reported by the companion.
func (c *core) shownSliders() (kinds [slKinds]bool, any bool) {
	_, bs := c.shownButtons()
	for _, b := range bs {
		if a, ok := b.Action.(layouts.SliderAction); ok {
			if k := sliderIndex(a.Kind); k >= 0 && k != slVolume && c.sl[k].b != nil {
				kinds[k], any = true, true
			}
		}
	}
	return kinds, any
}

// pollLive tells whether the sliders shown are read again every
// sliderPoll: the bar is lit and not idle.
func (c *core) pollLive(now time.Time) bool {
	return c.level > 0 && !c.lid && now.Sub(c.lastActivity) < c.env.Timing.Dim && c.painter != nil && c.disp != nil
}

// pollSliders reads the levels of the sliders shown when a poll is due
// (at once when the shown layer changed).
func (c *core) pollSliders(now time.Time) {
	kinds, any := c.shownSliders()
	if !any || !c.pollLive(now) {
		return
	}
	layer := c.sw.Shown()
	due := c.pollAt.IsZero() || layer != c.polledLayer || !now.Before(c.pollAt.Add(-sliderSlack)) || now.Before(c.polledAt)
	if !due {
		return
	}
	c.polledLayer, c.polledAt, c.pollAt = layer, now, now.Add(sliderPoll)
	for k, on := range kinds {
		if on {
			c.readSlider(k)
		}
	}
}

// sliderSlack lets a poll ride on an earlier wake-up (a clock tick, a
// frame) instead of waking on its own.
const sliderSlack = 100 * time.Millisecond

// sliderDeadline is when the sliders shown are read next (zero: never).
func (c *core) sliderDeadline(now time.Time) time.Time {
	if _, any := c.shownSliders(); !any || !c.pollLive(now) {
		return time.Time{}
	}
	return c.pollAt
}

// sliderUevent re-reads the sliders whose device the uevent e is about;
// a removed one becomes inert, an added one of an inert kind is opened
// again.
func (c *core) sliderUevent(e uevent.Event) {
	for k := range c.sl {
		s := &c.sl[k]
		if k == slTouchBar || !s.tried {
			continue
		}
		if s.b == nil {
			if e.Action == "add" && (e.Subsystem == "backlight" || e.Subsystem == "leds") && k != slVolume {
				c.openSlider(k)
			}
			continue
		}
		if !s.b.Concerns(e) {
			continue
		}
		if e.Action == "remove" && e.DevPath != "" {
			c.closeSlider(k, errors.New(e.DevPath+" removed"))
			continue
		}
		c.readSlider(k)
	}
}
