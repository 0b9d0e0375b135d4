// The session companion: command buttons, widgets and per-app layers.

package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/session"
	"tiny-dfr/internal/uevent"
)

// Companion is the daemon's end of the session companion (session.Server):
// what the loop calls. Its methods never block on the companion.
type Companion interface {
	// Run asks the companion to run command for button id; false: no
	// companion is served.
	Run(id uint32, command string) bool
	// SetWidgets declares the widgets of the layout shown.
	SetWidgets(ws []session.Widget)
	// SetPaused stops (true: the bar is dark) or restarts the widgets.
	SetPaused(paused bool)
	// SetSessionUsers is the config's SessionUsers (systems without logind).
	SetSessionUsers(names []string)
	Connected() bool
	// SetVolumeWatch asks the companion to report the volume (on: a
	// volume slider is shown and the bar lit) or to watch nothing.
	SetVolumeWatch(on bool)
	// SetVolume asks the companion to set the volume (0..1); false: no
	// companion is served.
	SetVolume(level float64) bool
	// SetMediaWatch tells whether the layout has a media widget: the
	// companion watches the players while it has one and is not paused.
	SetMediaWatch(on bool)
	// MediaControl asks the companion to act on the player it reported;
	// false: not sent (no companion, or it is not watching).
	MediaControl(op session.MediaOp) bool
}

// maxWidgetText bounds a widget's kept text (the protocol's bound).
const maxWidgetText = 512

// onSession takes an event of the companion server.
func (c *core) onSession(ev session.Event, now time.Time) {
	switch ev.Kind {
	case session.Connected:
		c.log.Info("session companion served", "uid", ev.UID, "desktop", ev.Desktop)
		c.companion = true
		c.needAll = true
	case session.Disconnected:
		c.log.Info("session companion gone", "uid", ev.UID)
		c.companion = false
		c.needAll = true
		c.focusApp = ""
		c.media = render.WidgetLook{}
		c.applyFocus()
		c.volumeGone()
	case session.WidgetOutput:
		c.widgetOutput(ev)
	case session.Media:
		c.mediaOutput(ev)
	case session.Started:
		c.log.Debug("command started", "id", ev.ID)
	case session.Ended:
		c.log.Debug("command ended", "id", ev.ID, "code", ev.Code)
	case session.Volume:
		c.volumeReport(ev)
	case session.Focus:
		if len(ev.AppID) > maxAppID {
			ev.AppID = ev.AppID[:maxAppID]
		}
		c.focusApp = ev.AppID
		c.applyFocus()
	}
	c.flush(now)
	if ev.Kind == session.WidgetOutput {
		c.painterWarnings()
	}
}

// painterWarnings logs what the painter found drawing widgets (an icon
// that did not load: once per button).
func (c *core) painterWarnings() {
	p, ok := c.painter.(interface{ Diagnostics() []config.Diagnostic })
	if !ok {
		return
	}
	for _, d := range p.Diagnostics() {
		c.log.Warn(d.Msg, "at", d.Pos.String())
	}
}

// maxAppID bounds the focused app's id (the protocol's bound).
const maxAppID = 256

// widgetAt is the widget face of button (layer, b) of the layout shown.
func (c *core) widgetAt(layer, b int) (layouts.WidgetFace, bool) {
	if c.lay == nil {
		return layouts.WidgetFace{}, false
	}
	btn := c.lay.Button(layer, b)
	if btn == nil {
		return layouts.WidgetFace{}, false
	}
	f, ok := btn.Face.(layouts.WidgetFace)
	return f, ok
}

// widgetOutput keeps a widget's new output and redraws its button when
// its layer is shown. Ids not of the layout shown are dropped; a colour
// that is not one is dropped and logged once per widget.
func (c *core) widgetOutput(ev session.Event) {
	id := ev.ID
	layer, b := int(id>>16), int(id&0xffff)
	f, ok := c.widgetAt(layer, b)
	if !ok || f.ID != id || f.Media {
		return
	}
	look := render.WidgetLook{Text: clipBytes(ev.Text, maxWidgetText), Icon: clipBytes(ev.Icon, session.MaxIcon)}
	if ev.Color != "" {
		col, ok := config.ParseColor(ev.Color)
		if ok {
			look.Color = col
		} else {
			c.logOnce(fmt.Sprintf("widget-color %d", id), slog.LevelWarn, "widget output: not a colour (want #rgb, #rgba, #rrggbb or #rrggbbaa); ignored",
				"layer", layer, "button", b, "color", ev.Color)
		}
	}
	if old, ok := c.widgetOut[id]; ok && old == look {
		return
	}
	if c.widgetOut == nil {
		c.widgetOut = map[uint32]render.WidgetLook{}
	}
	c.widgetOut[id] = look
	c.redrawWidget(layer, b)
}

// clipBytes cuts s to n bytes (the protocol's bounds; Decode keeps them).
func clipBytes(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// redrawWidget redraws button b when layer is shown.
func (c *core) redrawWidget(layer, b int) {
	if layer == c.sw.Shown() && !slices.Contains(c.need, b) {
		c.need = append(c.need, b)
	}
}

// mediaOutput keeps what is playing and redraws the media widgets shown.
func (c *core) mediaOutput(ev session.Event) {
	m := render.WidgetLook{Text: clipBytes(ev.Title, session.MaxTitle), Sub: clipBytes(ev.Artist, session.MaxArtist)}
	switch ev.Status {
	case session.MediaStopped:
		m.Media = render.MediaStopped
	case session.MediaPaused:
		m.Media = render.MediaPaused
	case session.MediaPlaying:
		m.Media = render.MediaPlaying
	default:
		m = render.WidgetLook{}
	}
	if m == c.media {
		return
	}
	c.media = m
	layer, bs := c.shownButtons()
	for i, btn := range bs {
		if f, ok := btn.Face.(layouts.WidgetFace); ok && f.Media {
			c.redrawWidget(layer, i)
		}
	}
}

// widgetLook is render.State.Widget: what a widget shows now.
func (c *core) widgetLook(layer, button int) render.WidgetLook {
	if f, ok := c.widgetAt(layer, button); ok && f.Media {
		return c.media
	}
	return c.widgetOut[layouts.WidgetID(layer, button)]
}

// mediaTap hands a tap on a media widget to the companion: play/pause of
// the player it reported. With no player (drawn dimmed) it does nothing.
func (c *core) mediaTap(r input.Ref) {
	if c.srv == nil || !c.companion || c.media.Media == render.MediaNone {
		c.log.Debug("media button: no player", "layer", r.Layer, "button", r.Button)
		return
	}
	if !c.srv.MediaControl(session.MediaPlayPause) {
		c.log.Debug("media button: not sent to the session companion", "layer", r.Layer, "button", r.Button)
	}
}

// sessionLayout tells the companion the widgets of a new layout and
// forgets the texts of widgets it no longer has.
func (c *core) sessionLayout(lay *layouts.Layout) {
	ws := lay.Widgets()
	keep := make(map[uint32]bool, len(ws))
	sw := make([]session.Widget, 0, len(ws))
	media := false
	for _, w := range ws {
		if w.Media {
			media = true
			continue
		}
		keep[w.ID] = true
		sw = append(sw, session.Widget{ID: w.ID, Command: w.Command, Interval: w.Interval})
	}
	for id := range c.widgetOut {
		if !keep[id] {
			delete(c.widgetOut, id)
		}
	}
	if c.srv != nil {
		c.srv.SetWidgets(sw)
		c.srv.SetMediaWatch(media)
	}
	c.applyFocus()
}

// sessionConfig passes a config's SessionUsers on.
func (c *core) sessionConfig(cfg *config.Config) {
	if c.srv != nil {
		c.srv.SetSessionUsers(cfg.SessionUsers)
	}
}

// setPaused stops the widgets while the bar is dark (nothing is polled
// then) and starts them when it lights.
func (c *core) setPaused(dark bool) {
	if c.srv == nil || dark == c.paused {
		return
	}
	c.paused = dark
	c.srv.SetPaused(dark)
}

// runCommand hands a command button's lift to the companion; without one
// the tap does nothing.
func (c *core) runCommand(r input.Ref, command string) {
	if c.srv == nil || !c.companion {
		c.log.Debug("command button: no session companion", "layer", r.Layer, "button", r.Button)
		return
	}
	if !c.srv.Run(layouts.WidgetID(r.Layer, r.Button), command) {
		c.log.Warn("command not sent to the session companion", "layer", r.Layer, "button", r.Button)
	}
}

// applyFocus makes the focused app's layer (the first matching app rule
// of the config) the resting layer; none: the normal base layer.
func (c *core) applyFocus() {
	layer, ok := -1, false
	if c.focusApp != "" && c.cfg != nil && c.lay != nil {
		for _, r := range c.cfg.AppRules() {
			if config.MatchApp(r.App, c.focusApp) {
				layer = c.lay.Index(r.Layer)
				ok = layer >= 0 && layer < len(c.lay.Layers)
				break
			}
		}
	}
	if cur, had := c.sw.App(); had == ok && (!ok || cur == layer) {
		return
	}
	if c.sw.SetApp(layer, ok) {
		c.needAll, c.looks = true, true
	}
}

// companionVolume is the volume slider's backend while the companion
// reports an available level: Level is what it reported, Set hands the
// level to it (at most once a frame: takeLevels).
type companionVolume struct{ c *core }

func (v companionVolume) Kind() string                 { return config.SliderVolume }
func (v companionVolume) Level() (float64, error)      { return v.c.sl[slVolume].level, nil }
func (v companionVolume) Concerns(e uevent.Event) bool { return false }
func (v companionVolume) Close() error                 { return nil }
func (v companionVolume) Set(x float64) error {
	if v.c.srv == nil || !v.c.srv.SetVolume(x) {
		return errNoCompanion
	}
	return nil
}

var errNoCompanion = errors.New("no session companion")

// volumeReport takes the companion's volume: an available one makes the
// volume sliders live at its level (a muted sink shows 0: what is heard),
// an unavailable one (no audio server) inert.
func (c *core) volumeReport(ev session.Event) {
	s := &c.sl[slVolume]
	if !ev.Available || !c.companion {
		c.volumeGone()
		return
	}
	level := min(max(ev.Level, 0), 1)
	if ev.Muted || level != level {
		level = 0
	}
	if s.b == nil {
		s.b = companionVolume{c}
		c.needSliders(slVolume)
	}
	if level != s.level {
		s.level, s.seen = level, level
		c.needSliders(slVolume)
	}
}

// volumeGone makes the volume sliders inert (the companion left or has no
// audio server): drawn dimmed, a finger on them sends nothing.
func (c *core) volumeGone() {
	s := &c.sl[slVolume]
	if s.b == nil {
		return
	}
	s.b, s.pending = nil, false
	c.needSliders(slVolume)
}

// volumeWatch tells the companion whether the volume is to be watched:
// while a volume slider is on the layer shown and the bar is lit. Dark,
// or on another layer, nothing is polled.
func (c *core) volumeWatch() {
	if c.srv == nil {
		return
	}
	on := c.level > 0 && c.disp != nil && c.shownHasSlider(slVolume)
	if on == c.volWatch {
		return
	}
	c.volWatch = on
	c.srv.SetVolumeWatch(on)
}

// shownHasSlider tells whether the shown layer has a slider of kind k.
func (c *core) shownHasSlider(k int) bool {
	_, bs := c.shownButtons()
	for _, b := range bs {
		if a, ok := b.Action.(layouts.SliderAction); ok && sliderIndex(a.Kind) == k {
			return true
		}
	}
	return false
}
