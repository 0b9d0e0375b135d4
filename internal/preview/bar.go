package preview

import (
	"fmt"
	"io"
	"strings"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// contact is one pointer or finger on the bar. Like a touch on the real bar
// it stays with the button (and layer) it started on: moving off releases
// the keys, moving back presses them again.
type contact struct {
	layer, button int  // -1: started on nothing
	on            bool // keys currently down
}

// bar is the preview's state, free of any Wayland: the layout shown, the
// layer, what is pressed. Every method runs on the one event-loop goroutine.
type bar struct {
	out io.Writer // where "press F1" lines go

	cfg      *config.Config
	lay      *layouts.Layout
	sw       layouts.Switcher
	toggled  bool
	view     int                // a layer chosen with Tab (-1: none)
	contacts map[int32]*contact // pointer is pointerID, fingers their touch id
	dirty    bool
	// levels of the sliders, by layer and button: the preview has no
	// backends, so a slider starts at half and follows the pointer.
	levels map[[2]int]float64
}

// pointerID keys the pointer among the contacts (touch ids are ≥ 0).
const pointerID = -1

func newBar(out io.Writer, cfg *config.Config, length, height int) *bar {
	b := &bar{out: out, contacts: map[int32]*contact{}}
	b.setConfig(cfg, length, height)
	return b
}

// setConfig lays out a new config. Held keys are released first and the
// layer resets, as in the daemon.
func (b *bar) setConfig(cfg *config.Config, length, height int) {
	b.releaseAll()
	b.cfg = cfg
	b.lay = layouts.Build(cfg, length, height)
	b.sw = layouts.Switcher{MediaDefault: cfg.MediaLayerDefault,
		DoublePress: time.Duration(cfg.DoublePressSwitchLayers) * time.Millisecond}
	b.toggled = false
	b.view = -1
	b.levels = map[[2]int]float64{}
	b.dirty = true
}

// level is a slider's level for the renderer: always live.
func (b *bar) level(l, i int) (float64, bool) {
	if v, ok := b.levels[[2]int{l, i}]; ok {
		return v, true
	}
	return 0.5, true
}

// cycle shows the next layer (Tab): every layer of the config in turn,
// groups with their ×.
func (b *bar) cycle() {
	n := len(b.lay.Layers)
	if n == 0 {
		return
	}
	b.view = (b.shown() + 1) % n
	b.dirty = true
}

// shown is the layer on screen: the Switcher's (Shift plays Fn), flipped
// by the toggle.
func (b *bar) shown() int {
	if b.view >= 0 {
		return b.view
	}
	l := b.sw.Shown()
	if b.toggled && l <= layouts.Media {
		l = 1 - l
	}
	return l
}

// fn records Shift going down or up.
func (b *bar) fn(down bool, at time.Time) {
	if down && b.view >= 0 {
		b.view = -1
		b.dirty = true
	}
	if b.sw.Fn(down, at) {
		b.dirty = true
	}
}

// toggle flips the shown layer.
func (b *bar) toggle() {
	b.toggled = !b.toggled
	b.view = -1
	b.dirty = true
}

// pressed tells the renderer whether button i of layer l is held.
func (b *bar) pressed(l, i int) bool {
	for _, c := range b.contacts {
		if c.on && c.layer == l && c.button == i {
			return true
		}
	}
	return false
}

// down starts contact id at bar position (x, y).
func (b *bar) down(id int32, x, y float64) {
	if _, ok := b.contacts[id]; ok {
		b.up(id)
	}
	l := b.shown()
	c := &contact{layer: l, button: b.lay.Hit(l, x, y)}
	b.contacts[id] = c
	if c.button >= 0 {
		b.set(c, true)
		b.act(c, x)
	}
}

// act does what a layer, group, × or slider button does on touch. (The
// preview has no group timeout: a group stays until × or Fn.)
func (b *bar) act(c *contact, x float64) {
	btn := b.lay.Button(c.layer, c.button)
	if btn == nil {
		return
	}
	switch btn.Action.(type) {
	case layouts.SliderAction:
		b.levels[[2]int{c.layer, c.button}] = btn.SliderLevel(x)
		b.dirty = true
	case layouts.LayerAction, layouts.GroupAction, layouts.CloseAction:
		if b.view >= 0 { // Tab's layer: act from the switcher's state
			b.view = -1
		}
		b.sw.Act(btn.Action, time.Now())
		b.dirty = true
	}
}

// move follows contact id to (x, y).
func (b *bar) move(id int32, x, y float64) {
	c, ok := b.contacts[id]
	if !ok || c.button < 0 {
		return
	}
	if btn := b.lay.Button(c.layer, c.button); btn != nil {
		if _, slider := btn.Action.(layouts.SliderAction); slider {
			// A slider keeps the touch until lift, wherever it goes.
			b.levels[[2]int{c.layer, c.button}] = btn.SliderLevel(x)
			b.dirty = true
			return
		}
	}
	b.set(c, b.lay.Hit(c.layer, x, y) == c.button)
}

// up ends contact id, releasing its keys.
func (b *bar) up(id int32) {
	c, ok := b.contacts[id]
	if !ok {
		return
	}
	b.set(c, false)
	delete(b.contacts, id)
}

// releaseAll ends every contact (touch cancel, focus loss, reload).
func (b *bar) releaseAll() {
	for id := range b.contacts {
		b.up(id)
	}
}

// set presses or releases c's button, printing the keys.
func (b *bar) set(c *contact, on bool) {
	if c.on == on {
		return
	}
	c.on = on
	b.dirty = true
	btn := b.lay.Button(c.layer, c.button)
	if btn == nil {
		return
	}
	ka, ok := btn.Action.(layouts.KeyAction)
	if !ok || len(ka.Codes) == 0 {
		return
	}
	verb := "release"
	if on {
		verb = "press"
	}
	fmt.Fprintf(b.out, "%s %s\n", verb, chord(ka.Codes))
}

// chord names key codes as "LeftCtrl+LeftAlt+F1".
func chord(codes []uint16) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = config.KeyName(c)
		if names[i] == "" {
			names[i] = fmt.Sprintf("key%d", c)
		}
	}
	return strings.Join(names, "+")
}
