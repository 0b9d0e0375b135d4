package preview

import (
	"fmt"
	"image"
	"io"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// drawer draws one layer of a laid-out bar as people see it (landscape).
type drawer interface {
	draw(layer int, pressed func(l, b int) bool, now time.Time, bat battery.State) *image.RGBA
	// resolution is how often a clock on the bar changes (0: no clock).
	resolution() time.Duration
}

// newDrawerFunc prepares a drawer for a layout; its diagnostics (a missing
// icon, an unknown font) are warnings shown in the status strip.
type newDrawerFunc func(lay *layouts.Layout, cfg *config.Config) (drawer, []config.Diagnostic)

// preview ties the config, the bar state, the renderer and the window.
type preview struct {
	opts      Options
	stdout    io.Writer
	stderr    io.Writer
	newDrawer newDrawerFunc

	bar    *bar
	drawer drawer
	win    *window
	status []statusLine
	bat    battery.State
	canvas *image.RGBA // the window at scale 1
}

func newPreview(opts Options, stdout, stderr io.Writer) *preview {
	return &preview{opts: opts, stdout: stdout, stderr: stderr, newDrawer: renderDrawer,
		canvas: image.NewRGBA(image.Rect(0, 0, opts.Length, BarHeight+statusHeight))}
}

// load (re)reads the config. With errors in the user file the last good
// layout stays (at start: the base's) and the errors show in the window.
func (p *preview) load() {
	cfg, diags := config.Load(p.opts.Base, p.opts.Config)
	for _, d := range diags {
		fmt.Fprintln(p.stderr, d.Error())
	}
	if config.HasErrors(diags) && p.bar != nil {
		p.status = p.statusLines(diags, "the last good layout is shown")
		p.bar.dirty = true
		return
	}
	dr, rdiags := p.newDrawer(layouts.Build(cfg, p.opts.Length, BarHeight), cfg)
	for _, d := range rdiags {
		fmt.Fprintln(p.stderr, d.Error())
	}
	if p.bar == nil {
		p.bar = newBar(p.stdout, cfg, p.opts.Length, BarHeight)
	} else {
		p.bar.setConfig(cfg, p.opts.Length, BarHeight)
	}
	p.drawer = dr
	if ls, ok := dr.(interface {
		setLevel(func(l, b int) (float64, bool))
	}); ok {
		ls.setLevel(p.bar.level)
	}
	p.bat, _ = battery.Read(p.opts.BatteryRoot)
	note := ""
	if config.HasErrors(diags) {
		note = "the base layout is shown"
	}
	p.status = p.statusLines(append(diags, rdiags...), note)
}

// statusLines says which file is shown and its first problem.
func (p *preview) statusLines(diags []config.Diagnostic, note string) []statusLine {
	lines := []statusLine{{text: p.opts.Config + " | Shift: Fn layer | Space or right click: toggle layer | Tab: next layer | click or touch a button: its keys print in the terminal"}}
	var first *config.Diagnostic
	n := 0
	for i := range diags {
		if first == nil || diags[i].Severity > first.Severity {
			first = &diags[i]
		}
		n++
	}
	if first != nil {
		t := first.Error()
		if n > 1 {
			t += fmt.Sprintf(" (+%d more)", n-1)
		}
		if note != "" {
			t += " - " + note
		}
		lines = append(lines, statusLine{text: t, err: first.Severity == config.Error})
	}
	return lines
}

// paint redraws the window if something changed and it may draw.
func (p *preview) paint() error {
	if p.bar == nil || !p.bar.dirty || p.win == nil || !p.win.canDraw() {
		return nil
	}
	p.bar.dirty = false
	layer := p.bar.shown()
	img := p.drawer.draw(layer, p.bar.pressed, p.opts.Now(), p.bat)
	lines := p.status
	if len(lines) > 0 {
		lines = append([]statusLine{{text: p.layerName(layer) + " layer | " + lines[0].text}}, lines[1:]...)
	}
	compose(p.canvas, img, lines)
	return p.win.present(p.canvas)
}

func (p *preview) layerName(l int) string {
	if p.bar != nil && l >= 0 && l < len(p.bar.lay.Layers) {
		return p.bar.lay.Layers[l].Name
	}
	if l == layouts.Media {
		return "media"
	}
	return "primary"
}

// tick is a clock step: the time and battery may show something new.
func (p *preview) tick() {
	p.bat, _ = battery.Read(p.opts.BatteryRoot)
	if p.bar != nil {
		p.bar.dirty = true
	}
}

// untilTick is the time to the next clock step: the next second when a
// clock shows seconds, else the next minute (which also refreshes the
// battery).
func (p *preview) untilTick() time.Duration {
	step := time.Minute
	if p.drawer != nil {
		if r := p.drawer.resolution(); r > 0 && r < step {
			step = r
		}
	}
	now := p.opts.Now()
	return now.Truncate(step).Add(step).Sub(now)
}
