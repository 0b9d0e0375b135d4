package render

import (
	"image"
	"image/color"
	"math"
	"strings"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/vector"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/clock"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// Options say how a Renderer looks things up.
type Options struct {
	FontTemplate string   // fontconfig pattern, e.g. ":bold"
	ShowOutlines bool     // fill idle buttons grey
	IconDirs     []string // default DefaultIconDirs()
	XDGDataDirs  []string // default from $XDG_DATA_HOME (~/.local/share) and $XDG_DATA_DIRS
	BatteryRoot  string   // unused by render itself if the caller passes State.Battery
	// Font, when set, is used instead of resolving FontTemplate (so a
	// caller can load it once, and tests stay independent of the host).
	Font *Font
	// FontPos is where FontTemplate is set, for the font's warnings.
	FontPos config.Pos
}

// State is what a frame shows besides the layout.
type State struct {
	Layer   int
	Pressed func(layer, button int) bool // nil: nothing pressed
	Now     time.Time
	Battery battery.State
	Shift   image.Point // pixel shift offset (landscape px)
	Banner  string      // non-empty: a red error banner over the bar
	// Level gives a slider's level (0–1) and whether its backend is live;
	// nil, or live false: the slider is drawn dimmed (inert). It is asked
	// each time the slider is drawn (DrawAll, or DrawButtons naming it),
	// so a level change is drawn by DrawButtons(st, i).
	Level func(layer, button int) (level float64, live bool)
	// Session tells that the session companion is served: without it,
	// command buttons and widgets are drawn dimmed (inert).
	Session bool
	// Widget gives what a widget shows now (its zero value, or nil: its
	// placeholder). It is asked each time the widget is drawn, so new
	// output is drawn by DrawButtons(st, i).
	Widget func(layer, button int) WidgetLook
}

type faceKind uint8

const (
	kindSpacer faceKind = iota
	kindStatic
	kindClock
	kindBattery
	kindSlider
	kindWidget
)

// button is a laid-out button with its two pre-drawn tiles.
type button struct {
	kind  faceKind
	left  int
	width float64
	rows  int          // ceil(width): panel rows the tile covers
	body  *image.Alpha // landscape coverage, kept for dynamic buttons only
	tiles [2][]byte    // idle, pressed; panel orientation, frame stride
	pos   config.Pos
	fill  [2]color.RGBA // idle and pressed body colours (opaque)
	ink   image.Image   // text colour; nil: white

	// A slider's tiles with the bar full (idle, pressed) and dimmed, and
	// where its bar runs in tile rows.
	full           [2][]byte
	inert          []byte
	track0, track1 float64
	drawn          sliderDrawn // what the frame shows of the slider

	clk    *clock.Format
	loc    *clock.Locale
	text   []byte  // what the clock tile shows
	clkSet bool    // text is drawn
	size   float64 // the clock's text size (shrunk to fit); 0: the labels'

	mode   layouts.BatteryMode
	bat    battery.State
	batSet bool

	// needsSession: a command button or a widget, drawn from inert
	// without a companion. A widget's text as drawn, and its placeholder.
	needsSession bool
	wLook        WidgetLook
	wSet         bool
	wDim         bool // drawn from inert though a companion is served (no player)
	placeholder  string
	media        bool   // a media widget
	theme        string // a widget's icon theme (the button's Theme)
	iconWarned   bool   // a widget icon's failure was reported

	// mask is a dynamic button's text mask, redrawn in place when its
	// text changes (a clock's minute allocates nothing).
	mask image.Alpha
}

// Renderer draws one layout. It pre-draws every button idle and pressed, so
// a frame is composed by copying rows. It is not safe for concurrent use.
type Renderer struct {
	lay    *layouts.Layout
	opts   Options
	frame  *Frame
	font   *Font
	face   font.Face
	size   float64     // label size, pixels
	text   *textShaper // shapes labels and clocks
	icons  iconLoader
	layers [][]button
	canvas []byte              // landscape RGBA scratch, stripCols wide
	strip  image.RGBA          // the canvas as an image (not allocated per strip)
	slab   []byte              // what is left of the tiles' memory
	body   []byte              // body coverage scratch, while New runs
	z      *vector.Rasterizer  // body rasteriser, while New runs
	buf    []byte              // clock text scratch
	diags  []config.Diagnostic // found while redrawing dynamic buttons

	bannerText string
	bannerMask *image.Alpha // bannerText, rasterised
	bannerAt   image.Point  // where bannerMask's origin goes

	fills [2]color.RGBA // paintInto's fill colours
	// fillIdle: paintInto fills the idle body even without outlines (a
	// widget's colour).
	fillIdle bool
	wicons   widgetIcons // the icons widgets' output named (bounded)
	epoch    uint64      // DrawAll count: a slider drawn in this epoch is in the frame
	bg       *color.RGBA // [Style] Background, opaque; nil: black
	ink      image.Image // [Style] TextColor; nil: white
	radius   float64     // corner radius
}

// New prepares a renderer for lay. Problems (missing icons, fonts) come
// back as warnings; the renderer is never nil and draws placeholders.
func New(lay *layouts.Layout, opts Options) (*Renderer, []config.Diagnostic) {
	if lay == nil {
		lay = &layouts.Layout{}
	}
	length, height := lay.Length, lay.Height
	if length <= 0 || height <= 0 {
		length, height = 1, 1
	}
	r := &Renderer{lay: lay, opts: opts, frame: NewFrame(length, height)}
	r.icons = iconLoader{dirs: opts.IconDirs, dataDirs: opts.XDGDataDirs}
	var diags []config.Diagnostic
	f := opts.Font
	if f == nil {
		var err error
		if f, err = LoadFont(opts.FontTemplate); err != nil {
			diags = append(diags, config.Diagnostic{Pos: opts.FontPos, Severity: config.Warning,
				Msg: "font: " + err.Error() + "; using " + f.Source, Err: err})
		}
	}
	r.setStyle(lay.Style)
	size := float64(LabelSize)
	if lay.Style.FontSize > 0 {
		size = float64(lay.Style.FontSize)
	}
	r.font, r.face, r.size = f, f.face(size), size
	r.text = &textShaper{primary: f, fb: newFallbacks(opts.FontTemplate, nil)}
	if r.face == nil && f.gt == nil {
		diags = append(diags, config.Diagnostic{Pos: opts.FontPos, Severity: config.Warning, Msg: "font " + f.Source + " cannot be used: labels are not drawn"})
	}
	n, widest, rows := 1, 1, 0
	for li := range lay.Layers {
		bs := lay.Layers[li].Buttons
		n += len(bs)
		for i := range bs {
			w := max(0, int(math.Ceil(bs[i].Width)))
			widest = max(widest, w)
			if drawn(bs[i].Face) {
				rows += w
			}
			if _, ok := bs[i].Face.(layouts.SliderFace); ok {
				rows += (3*w + 1) / 2 // the two full tiles and the dimmed one
			} else if layouts.NeedsSession(&bs[i]) && drawn(bs[i].Face) {
				rows += (w + 1) / 2 // the dimmed tile
			}
		}
	}
	// All tiles in one block: one object of ~2 MB instead of dozens of
	// 10–60 kB ones, each rounded up to its size class or to whole pages.
	r.slab = make([]byte, 2*rows*r.frame.Stride)
	r.frame.Damage = make([]image.Rectangle, 0, n)
	r.canvas = make([]byte, 4*stripCols*height)
	r.body = make([]byte, widest*height)
	r.buf = make([]byte, 0, 128)
	r.layers = make([][]button, len(lay.Layers))
	for li := range lay.Layers {
		bs := lay.Layers[li].Buttons
		r.layers[li] = make([]button, len(bs))
		for i := range bs {
			diags = append(diags, r.prepare(&r.layers[li][i], &bs[i])...)
		}
	}
	// The body scratch of the widest button is garbage now: dynamic
	// buttons keep their bodies. So are the icons of static buttons.
	r.body, r.z = nil, nil
	r.icons.endBuild()
	if fb := r.text.fb; fb != nil && len(fb.errs) > 0 {
		diags = append(diags, config.Diagnostic{Pos: opts.FontPos, Severity: config.Warning,
			Msg: "font fallback: " + strings.Join(fb.errs, "; ")})
	}
	return r, diags
}

// Frame is the renderer's canvas, as last drawn.
func (r *Renderer) Frame() *Frame { return r.frame }

// Diagnostics returns and forgets problems found while drawing dynamic
// buttons (a battery icon that did not load, say).
func (r *Renderer) Diagnostics() []config.Diagnostic {
	d := r.diags
	r.diags = nil
	return d
}

func (r *Renderer) prepare(b *button, lb *layouts.Button) []config.Diagnostic {
	b.left, b.width, b.pos = lb.Left, lb.Width, lb.Pos
	b.rows = max(0, int(math.Ceil(lb.Width)))
	if b.rows == 0 {
		return nil
	}
	r.colours(b, lb)
	var diags []config.Diagnostic
	switch fc := lb.Face.(type) {
	case layouts.SpacerFace, nil:
		return nil
	case layouts.TextFace:
		b.kind = kindStatic
		r.alloc(b)
		l, d := r.labelLayer(b, lb, fc.Label)
		diags = append(diags, d...)
		r.paint(b, nil, l)
		r.prepareInert(b, lb, l)
	case layouts.IconFace:
		b.kind = kindStatic
		r.alloc(b)
		l, d := r.iconLayer(b, fc.Name, fc.Theme, fc.Width, fc.Height)
		diags = append(diags, d...)
		r.paint(b, nil, l)
		r.prepareInert(b, lb, l)
	case layouts.WidgetFace:
		b.kind = kindWidget
		r.alloc(b)
		b.body = r.bodyOf(b, true)
		b.placeholder = fc.Placeholder
		b.media, b.theme = fc.Media, fc.Theme
		if b.placeholder == "" && !b.media { // a media widget shows its glyph
			b.placeholder = "…"
		}
		b.needsSession = true
		b.inert = r.allocTile(b)
		r.paintWidget(b, WidgetLook{})
	case layouts.ClockFace:
		b.kind = kindClock
		r.alloc(b)
		b.body = r.bodyOf(b, true)
		f, err := clock.Parse(fc.Format)
		if err != nil {
			diags = append(diags, config.Diagnostic{Pos: lb.Pos, Severity: config.Warning, Msg: "time format: " + err.Error()})
			f = clock.MustParse(fc.Format)
		}
		b.clk = f
		b.loc = clock.LookupLocale(fc.Locale)
		b.text = make([]byte, 0, 64)
		diags = append(diags, r.prepareClock(b, lb)...)
		r.paint(b, nil)
	case layouts.BatteryFace:
		b.kind = kindBattery
		b.mode = fc.Mode
		r.alloc(b)
		b.body = r.bodyOf(b, true)
		r.paint(b, nil)
	case layouts.SliderFace:
		b.kind = kindSlider
		r.alloc(b)
		diags = append(diags, r.prepareSlider(b, lb, fc)...)
	case layouts.CloseFace:
		b.kind = kindStatic
		r.alloc(b)
		r.paint(b, nil, r.closeLayer(b))
	default:
		diags = append(diags, config.Diagnostic{Pos: lb.Pos, Severity: config.Warning, Msg: "render: unknown kind of button"})
	}
	return diags
}

// drawn tells the faces that get tiles.
func drawn(f layouts.Face) bool {
	switch f.(type) {
	case layouts.TextFace, layouts.IconFace, layouts.ClockFace, layouts.BatteryFace,
		layouts.SliderFace, layouts.CloseFace, layouts.WidgetFace:
		return true
	}
	return false
}

// alloc gives b its two tiles from the slab.
func (r *Renderer) alloc(b *button) {
	n := b.rows * r.frame.Stride
	for i := range b.tiles {
		if len(r.slab) < n { // not counted in New: cannot happen
			r.slab = make([]byte, n)
		}
		b.tiles[i], r.slab = r.slab[:n:n], r.slab[n:]
	}
}

// bodyOf is b's body coverage: its own when it keeps one, else drawn into
// the renderer's scratch (valid until the next call), or into a new mask
// to keep when own is set. Only dynamic buttons keep theirs: static ones
// are painted once.
func (r *Renderer) bodyOf(b *button, own bool) *image.Alpha {
	if b.body != nil {
		return b.body
	}
	h := r.frame.BarHeight
	if len(r.body) < b.rows*h {
		r.body = make([]byte, b.rows*h)
	}
	m := &image.Alpha{Pix: r.body[:b.rows*h], Stride: b.rows, Rect: image.Rect(0, 0, b.rows, h)}
	if own {
		m = image.NewAlpha(m.Rect)
	}
	r.z = drawBody(m, r.z, b.width, r.radius)
	return m
}

// paint redraws both tiles of b with fill colours base (nil: the
// button's) and the given layers over the body.
func (r *Renderer) paint(b *button, base func(grey uint8) color.RGBA, layers ...layer) {
	r.paintInto(b, b.tiles, base, layers...)
}

// paintInto is paint into the given idle and pressed tiles (one may be
// nil: not drawn).
func (r *Renderer) paintInto(b *button, tiles [2][]byte, base func(grey uint8) color.RGBA, layers ...layer) {
	h := r.frame.BarHeight
	if n := 4 * stripCols * h; len(r.canvas) < n {
		r.canvas = make([]byte, n)
	}
	body := r.bodyOf(b, false)
	var fills [2]*color.RGBA
	for i, grey := range [2]uint8{IdleGrey, PressedGrey} {
		if i == 1 || r.opts.ShowOutlines || r.fillIdle {
			r.fills[i] = b.fill[i]
			if base != nil {
				r.fills[i] = base(grey)
			}
			fills[i] = &r.fills[i]
		}
	}
	// The layers are drawn a strip of columns at a time: a small canvas
	// instead of one as large as the button.
	for x := 0; x < b.rows; x += stripCols {
		w := min(stripCols, b.rows-x)
		canvas := &r.strip
		*canvas = image.RGBA{Pix: r.canvas[:4*w*h], Stride: 4 * w, Rect: image.Rect(x, 0, x+w, h)}
		drawLayers(canvas, layers)
		for i := range fills {
			if tiles[i] != nil {
				composeTile(tiles[i], r.frame.Stride, body, fills[i], canvas, r.bg)
			}
		}
	}
}

// maxInk is the widest text mask kept whole, in pixels: wider than any bar.
const maxInk = 4096

// stripCols is the width of the canvas layers are drawn on.
const stripCols = 32

// textLayer centres a label in the button, shifted by (dx, dy).
func (r *Renderer) textLayer(b *button, s string, dx, dy int) layer {
	return r.sizedTextLayer(b, s, 0)
}

// sizedTextLayer centres s at size pixels (0: the labels' size).
func (r *Renderer) sizedTextLayer(b *button, s string, size float64) layer {
	if r.text.primary == nil || r.text.primary.gt == nil {
		return r.plainTextLayer(b, s, 0, 0)
	}
	if size <= 0 {
		size = r.size
	}
	st := r.text.shape(s, size)
	return r.shapedLayer(b, &st, 0, 0)
}

// shapedLayer centres shaped text in the button, shifted by (dx, dy).
func (r *Renderer) shapedLayer(b *button, st *shapedText, dx, dy int) layer {
	ink := st.ink
	ox := int(math.Round(b.width/2 - float64(ink.Min.X+ink.Max.X)/2))
	oy := int(math.Round(float64(r.frame.BarHeight)/2 - float64(ink.Min.Y+ink.Max.Y)/2))
	// Only the button's columns show: a label wider than the button (the
	// config sets it) must not size the mask.
	if ink.Dx() > maxInk {
		ink = ink.Intersect(image.Rect(-ox-dx, ink.Min.Y, -ox-dx+b.rows, ink.Max.Y))
	}
	var dst *image.Alpha
	if b.body != nil { // a dynamic button: its text changes at run time
		dst = &b.mask
	}
	return layer{mask: r.text.mask(dst, st, ink), img: r.text.colourImage(st, ink), at: image.Pt(ox+dx, oy+dy), col: b.ink}
}

// plainTextLayer is textLayer without the shaper (a font it cannot read).
func (r *Renderer) plainTextLayer(b *button, s string, dx, dy int) layer {
	ink := textInk(r.face, s)
	ox := int(math.Round(b.width/2 - float64(ink.Min.X+ink.Max.X)/2))
	oy := int(math.Round(float64(r.frame.BarHeight)/2 - float64(ink.Min.Y+ink.Max.Y)/2))
	if ink.Dx() > maxInk {
		// Only the button's columns show: a huge label (the config sets
		// it) must not size the mask. (Short texts keep their whole ink
		// box: paintBattery centres by it.)
		ink = ink.Intersect(image.Rect(-ox-dx, ink.Min.Y, -ox-dx+b.rows, ink.Max.Y))
	}
	return layer{mask: textMaskIn(r.face, s, ink), at: image.Pt(ox+dx, oy+dy), col: b.ink}
}

// iconLayer centres an icon in the button.
func (r *Renderer) iconLayer(b *button, name, theme string, w, h int) (layer, []config.Diagnostic) {
	if w <= 0 {
		w = layouts.DefaultIconSize
	}
	if h <= 0 {
		h = layouts.DefaultIconSize
	}
	res := r.icons.load(name, theme, w, h)
	var diags []config.Diagnostic
	for _, m := range res.warn {
		diags = append(diags, config.Diagnostic{Pos: b.pos, Severity: config.Warning, Msg: m})
	}
	if res.err != nil {
		diags = append(diags, config.Diagnostic{Pos: b.pos, Severity: config.Warning, Msg: res.err.Error()})
	}
	ox := int(math.Round((b.width - float64(w)) / 2))
	oy := int(math.Round(float64(r.frame.BarHeight-h) / 2))
	return layer{img: res.img, at: image.Pt(ox, oy)}, diags
}

func (r *Renderer) layer(i int) []button {
	if i < 0 || i >= len(r.layers) {
		return nil
	}
	return r.layers[i]
}

// Layers is the number of layers the renderer draws.
func (r *Renderer) Layers() int { return len(r.layers) }

// Dynamic lists the clock and battery buttons of a layer: those to redraw
// on clock ticks and battery changes.
func (r *Renderer) Dynamic(layer int) []int {
	var out []int
	for i, b := range r.layer(layer) {
		if b.kind == kindClock || b.kind == kindBattery {
			out = append(out, i)
		}
	}
	return out
}

// Resolution is the finest clock tick on a layer: time.Second when a clock
// shows seconds, time.Minute for other clocks, 0 without clocks.
func (r *Renderer) Resolution(layer int) time.Duration {
	var res time.Duration
	for _, b := range r.layer(layer) {
		if b.kind == kindClock {
			if d := b.clk.Resolution(); res == 0 || d < res {
				res = d
			}
		}
	}
	return res
}

// update redraws a dynamic button's tiles (button i) when what it shows
// changed.
func (r *Renderer) update(b *button, st *State, i int) {
	switch b.kind {
	case kindWidget:
		var look WidgetLook
		if st.Widget != nil {
			look = st.Widget(st.Layer, i)
		}
		if b.wSet && look == b.wLook {
			return
		}
		r.paintWidget(b, look)
	case kindClock:
		r.buf = b.clk.Append(r.buf[:0], st.Now, b.loc)
		if b.clkSet && string(r.buf) == string(b.text) {
			return
		}
		b.clkSet = true
		b.text = append(b.text[:0], r.buf...)
		r.paint(b, nil, r.sizedTextLayer(b, string(b.text), b.size))
	case kindBattery:
		if b.batSet && b.bat == st.Battery {
			return
		}
		b.bat, b.batSet = st.Battery, true
		r.paintBattery(b)
	}
}

func (r *Renderer) pressed(st *State, i int) int {
	if st.Pressed != nil && st.Pressed(st.Layer, i) {
		return 1
	}
	return 0
}

// DrawAll draws the whole frame of st.Layer; Damage is the whole panel.
func (r *Renderer) DrawAll(st *State) *Frame {
	f := r.frame
	f.Damage = append(f.Damage[:0], image.Rect(0, 0, f.Width, f.Height))
	r.epoch++ // every slider's rows are drawn anew
	if st.Banner != "" {
		r.drawBanner(st.Banner)
		return f
	}
	bs := r.layer(st.Layer)
	row := 0
	for i := range bs {
		b := &bs[i]
		if b.kind == kindSpacer || b.rows == 0 {
			continue
		}
		r.update(b, st, i)
		start := b.left + st.Shift.X
		fillRows(f, row, start, r.bg)
		r.blitButton(f, b, st, i, start)
		row = max(row, start+b.rows)
	}
	fillRows(f, row, f.Height, r.bg)
	return f
}

// DrawButtons redraws only the given buttons of st.Layer (pressed or idle,
// clocks and batteries brought up to date); Damage lists their rectangles.
// Under a banner nothing changes.
func (r *Renderer) DrawButtons(st *State, buttons ...int) *Frame {
	f := r.frame
	f.Damage = f.Damage[:0]
	if st.Banner != "" {
		return f
	}
	bs := r.layer(st.Layer)
	for _, i := range buttons {
		if i < 0 || i >= len(bs) {
			continue
		}
		b := &bs[i]
		if b.kind == kindSpacer || b.rows == 0 {
			continue
		}
		r.update(b, st, i)
		start := b.left + st.Shift.X
		from, to := r.blitButton(f, b, st, i, start)
		d := image.Rect(0, from, f.Width, to).Intersect(image.Rect(0, 0, f.Width, f.Height))
		if !d.Empty() {
			f.Damage = append(f.Damage, d)
		}
	}
	return f
}

// sliderDrawn is what a slider last put in the frame.
type sliderDrawn struct {
	epoch          uint64 // Renderer.epoch then; 0: never
	split, pressed int
	live           bool
	start, dy      int
}

// blitButton copies button i's tile for st into the frame at row start
// and returns the rows it changed, [from, to). A slider's is its full tile
// up to the level and its empty one after; when the frame already shows
// the slider (same look, place and epoch) only the rows between the old
// and the new level are copied, so a drag step costs what the finger
// moved, not the slider's width.
func (r *Renderer) blitButton(f *Frame, b *button, st *State, i, start int) (from, to int) {
	p := r.pressed(st, i)
	if b.needsSession && (!st.Session || b.wDim) {
		blit(f, b.inert, b.rows, start, st.Shift.Y)
		return start, start + b.rows
	}
	if b.kind != kindSlider {
		blit(f, b.tiles[p], b.rows, start, st.Shift.Y)
		return start, start + b.rows
	}
	level, live := 0.0, false
	if st.Level != nil {
		level, live = st.Level(st.Layer, i)
	}
	if !live {
		blit(f, b.inert, b.rows, start, st.Shift.Y)
		b.drawn = sliderDrawn{epoch: r.epoch, live: false, pressed: p, start: start, dy: st.Shift.Y}
		return start, start + b.rows
	}
	if !(level > 0) { // NaN too
		level = 0
	}
	level = min(level, 1)
	split := int(math.Round(b.track0 + level*(b.track1-b.track0)))
	split = max(0, min(b.rows, split))
	stride := r.frame.Stride
	now := sliderDrawn{epoch: r.epoch, split: split, pressed: p, live: true, start: start, dy: st.Shift.Y}
	old := b.drawn
	b.drawn = now
	if old.epoch == now.epoch && old.live && old.pressed == p && old.start == start && old.dy == now.dy {
		lo, hi := min(old.split, split), max(old.split, split)
		if split > old.split {
			blit(f, b.full[p][lo*stride:hi*stride], hi-lo, start+lo, st.Shift.Y)
		} else {
			blit(f, b.tiles[p][lo*stride:hi*stride], hi-lo, start+lo, st.Shift.Y)
		}
		return start + lo, start + hi
	}
	blit(f, b.full[p][:split*stride], split, start, st.Shift.Y)
	blit(f, b.tiles[p][split*stride:], b.rows-split, start+split, st.Shift.Y)
	return start, start + b.rows
}
