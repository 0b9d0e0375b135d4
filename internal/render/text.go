package render

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"math"
	"unicode"

	"github.com/go-text/typesetting/di"
	gtfont "github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// A text is shaped once, when the layout is built (labels) or when its
// words change (a clock's minute): the shaper (go-text/typesetting, the
// HarfBuzz algorithm) joins Arabic, forms Indic conjuncts, applies the
// font's ligatures and kerning and runs right-to-left text right to left;
// runes the FontTemplate font lacks come from the font fontconfig names for
// them (see fallback.go). Glyph outlines are drawn as x/image's font.Drawer
// draws them, so a label in one font without ligatures or marks is the
// same to the bit as before shaping.

// shapedGlyph is one glyph placed on the line: its pen position (26.6,
// y down from the baseline) and its font.
type shapedGlyph struct {
	font *Font
	id   gtfont.GID
	x, y fixed.Int26_6
}

// shapedText is a line of text laid out at one size.
type shapedText struct {
	glyphs []shapedGlyph
	size   fixed.Int26_6
	ink    image.Rectangle // ink box relative to the pen's start on the baseline
	colour bool            // some glyph is a colour bitmap
}

// textShaper shapes and draws text with a primary font and the fallbacks
// found for the runes it lacks. Not safe for concurrent use.
type textShaper struct {
	primary *Font
	fb      *fallbacks // nil: no fallback (primary only)
	hb      shaping.HarfbuzzShaper
	seg     shaping.Segmenter
	buf     sfnt.Buffer
	rast    vector.Rasterizer
	runes   []rune
	segs    sfnt.Segments // the glyph being drawn, 26.6 pixels, y down
	glyphs  []shapedGlyph // the last shapedText's glyphs
	gm      image.Alpha   // one glyph's coverage, while mask runs
	// outlines are glyph outlines already read (a clock's few glyphs
	// are not parsed again each minute); at most maxOutlines.
	outlines map[outlineKey]sfnt.Segments
}

// outlineKey names a glyph outline at a size.
type outlineKey struct {
	font *Font
	id   gtfont.GID
	size fixed.Int26_6
}

// maxOutlines bounds the outlines a shaper keeps: past it they are
// forgotten all at once (a clock's glyphs come back at its next tick).
const maxOutlines = 256

// outline is the outline of g's glyph at size (26.6 pixels, y down,
// origin at the pen), read once; nil: none. The slice is the cache's.
func (t *textShaper) outline(g shapedGlyph, size fixed.Int26_6) sfnt.Segments {
	k := outlineKey{g.font, g.id, size}
	if segs, ok := t.outlines[k]; ok {
		return segs
	}
	if g.font.f == nil {
		t.gtSegments(g, size)
	} else {
		segs, err := g.font.f.LoadGlyph(&t.buf, sfnt.GlyphIndex(g.id), scaleOf(size), nil)
		if err != nil {
			segs = nil
		}
		t.segs = append(t.segs[:0], segs...)
	}
	var segs sfnt.Segments
	if len(t.segs) > 0 {
		segs = append(segs, t.segs...)
	}
	if t.outlines == nil {
		t.outlines = map[outlineKey]sfnt.Segments{}
	}
	if len(t.outlines) >= maxOutlines {
		clear(t.outlines)
	}
	t.outlines[k] = segs
	return segs
}

// gtSegments puts the outline of a glyph x/image cannot read (a font it
// does not parse, as WenQuanYi Zen Hei) into t.segs, read by the shaper's
// parser and scaled to size pixels an em as sfnt scales.
func (t *textShaper) gtSegments(g shapedGlyph, size fixed.Int26_6) {
	t.segs = t.segs[:0]
	o, ok := g.font.gt.GlyphDataOutline(g.id)
	if !ok {
		return
	}
	k := float64(size) / float64(max(g.font.gt.Upem(), 1))
	p := func(q gtfont.SegmentPoint) fixed.Point26_6 {
		return fixed.Point26_6{X: fixed.Int26_6(math.Round(float64(q.X) * k)), Y: fixed.Int26_6(math.Round(-float64(q.Y) * k))}
	}
	for _, sg := range o.Segments {
		var s sfnt.Segment
		switch sg.Op {
		case ot.SegmentOpMoveTo:
			s.Op = sfnt.SegmentOpMoveTo
		case ot.SegmentOpLineTo:
			s.Op = sfnt.SegmentOpLineTo
		case ot.SegmentOpQuadTo:
			s.Op = sfnt.SegmentOpQuadTo
		case ot.SegmentOpCubeTo:
			s.Op = sfnt.SegmentOpCubeTo
		}
		for i := range sg.Args {
			s.Args[i] = p(sg.Args[i])
		}
		t.segs = append(t.segs, s)
	}
}

// gtBounds is glyphBounds of a glyph x/image cannot read: its outline's box.
func (t *textShaper) gtBounds(g shapedGlyph, size fixed.Int26_6) (image.Rectangle, bool) {
	if g.font.gt == nil {
		return image.Rectangle{}, false
	}
	segs := t.outline(g, size)
	if len(segs) == 0 {
		return image.Rectangle{}, false
	}
	b := segs.Bounds().Add(fixed.Point26_6{X: g.x, Y: g.y})
	r := image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil())
	return r, !r.Empty()
}

// fontmap resolves a rune to the go-text face that draws it.
type fontmap struct{ t *textShaper }

func (m fontmap) ResolveFace(r rune) *gtfont.Face {
	return m.t.fontFor(r).gt
}

// fontFor is the font that draws r: the primary font when it has r (or r
// draws nothing), else a fallback, else the primary (its .notdef).
func (t *textShaper) fontFor(r rune) *Font {
	if t.fb != nil && emojiPresentation(r) {
		if f := t.fb.colourEmoji(r); f != nil {
			return f
		}
	}
	if t.primary.has(r) || t.fb == nil || invisible(r) {
		return t.primary
	}
	if f := t.fb.lookup(r); f != nil {
		return f
	}
	return t.primary
}

// emojiPresentation tells the runes drawn as emoji by default (the
// pictographic blocks of Unicode's Emoji_Presentation): they come from a
// colour emoji font when one is installed and drawable, even when the
// FontTemplate font has a monochrome glyph.
func emojiPresentation(r rune) bool {
	return r >= 0x1f300 && r <= 0x1f64f || r >= 0x1f680 && r <= 0x1f6ff ||
		r >= 0x1f900 && r <= 0x1f9ff || r >= 0x1fa70 && r <= 0x1faff || r >= 0x1f1e6 && r <= 0x1f1ff
}

// invisible tells runes that draw nothing (controls, spaces, joiners):
// they never need a fallback.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Cf, r)
}

// shape lays s out at size pixels. The glyphs are the shaper's: valid
// until the next shape.
func (t *textShaper) shape(s string, size float64) shapedText {
	out := shapedText{size: fixed.Int26_6(0.5 + size*64), glyphs: t.glyphs[:0]}
	defer func() { t.glyphs = out.glyphs }()
	if s == "" || t.primary == nil || t.primary.gt == nil {
		return out
	}
	t.runes = t.runes[:0]
	for _, r := range s {
		t.runes = append(t.runes, r)
	}
	in := shaping.Input{Text: t.runes, RunStart: 0, RunEnd: len(t.runes), Direction: di.DirectionLTR,
		Face: t.primary.gt, Size: out.size, Script: language.Latin, Language: language.DefaultLanguage()}
	runs := t.seg.Split(in, fontmap{t})
	// Visual order of the runs on one line: the paragraph runs in the
	// direction of its first strong character; right-to-left runs in a
	// left-to-right paragraph are reversed in place, and the other way
	// round.
	order := make([]int, len(runs))
	for i := range order {
		order[i] = i
	}
	rtl := func(i int) bool { return runs[i].Direction.Progression() == di.TowardTopLeft }
	paraRTL := firstStrongRTL(t.runes)
	if paraRTL {
		for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
			order[i], order[j] = order[j], order[i]
		}
	}
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && rtl(order[j]) != paraRTL {
			j++
		}
		for a, b := i, j-1; a < b; a, b = a+1, b-1 {
			order[a], order[b] = order[b], order[a]
		}
		i = j + 1
	}
	var pen fixed.Int26_6
	first := true
	for _, ri := range order {
		run := runs[ri]
		f := t.fontOf(run.Face)
		o := t.hb.Shape(run)
		for _, g := range o.Glyphs {
			sg := shapedGlyph{font: f, id: g.GlyphID, x: pen + g.XOffset, y: -g.YOffset}
			out.glyphs = append(out.glyphs, sg)
			if b, ok := t.glyphBounds(sg, out.size); ok {
				if first {
					out.ink, first = b, false
				} else {
					out.ink = out.ink.Union(b)
				}
			}
			if f.colour(g.GlyphID) {
				out.colour = true
			}
			pen += g.Advance
		}
	}
	return out
}

// firstStrongRTL tells whether the first strongly directional rune of s
// is right-to-left (Hebrew, Arabic, Syriac, Thaana, N'Ko…).
func firstStrongRTL(s []rune) bool {
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Hebrew, unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Nko, unicode.Samaritan, unicode.Mandaic):
			return true
		case unicode.IsLetter(r):
			return false
		}
	}
	return false
}

// fontOf maps a go-text face back to its Font.
func (t *textShaper) fontOf(f *gtfont.Face) *Font {
	if f == t.primary.gt || t.fb == nil {
		return t.primary
	}
	if ff := t.fb.byFace[f]; ff != nil {
		return ff
	}
	return t.primary
}

// scale is the sfnt scale (ppem in 26.6) of size pixels at 72 dpi, as
// opentype.NewFace computes it.
func scaleOf(size fixed.Int26_6) fixed.Int26_6 { return size }

// glyphBounds is the ink box of a glyph at its position, in whole pixels,
// as font.BoundString measures it.
func (t *textShaper) glyphBounds(g shapedGlyph, size fixed.Int26_6) (image.Rectangle, bool) {
	if bm, ok := g.font.bitmap(g.id); ok {
		r := bitmapRect(g, bm, size)
		return r, !r.Empty()
	}
	if g.font.f == nil {
		return t.gtBounds(g, size)
	}
	b, _, err := g.font.f.GlyphBounds(&t.buf, sfnt.GlyphIndex(g.id), scaleOf(size), font.HintingNone)
	if err != nil {
		return image.Rectangle{}, false
	}
	b = b.Add(fixed.Point26_6{X: g.x, Y: g.y})
	r := image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil())
	return r, !r.Empty()
}

// bitmapRect is where a colour bitmap glyph goes: its extents (font
// units, y up) scaled to size pixels an em.
func bitmapRect(g shapedGlyph, bm *colourGlyph, size fixed.Int26_6) image.Rectangle {
	k := float64(size) / 64 / float64(bm.upem)
	x := float64(g.x)/64 + float64(bm.ext.XBearing)*k
	y := float64(g.y)/64 - float64(bm.ext.YBearing)*k
	w, h := float64(bm.ext.Width)*k, -float64(bm.ext.Height)*k
	return image.Rect(int(math.Round(x)), int(math.Round(y)), int(math.Round(x+w)), int(math.Round(y+h)))
}

// mask rasterises the outline glyphs of s inside r (pen coordinates, as
// shapedText.ink), as font.Drawer.DrawString would: into dst's memory when
// dst is not nil and it is large enough (a clock's mask, reused each
// minute), else into a new mask.
func (t *textShaper) mask(dst *image.Alpha, s *shapedText, r image.Rectangle) *image.Alpha {
	if r.Empty() {
		r = image.Rectangle{}
	}
	var m *image.Alpha
	if n := r.Dx() * r.Dy(); dst != nil && cap(dst.Pix) >= n {
		*dst = image.Alpha{Pix: dst.Pix[:n], Stride: r.Dx(), Rect: r}
		clear(dst.Pix)
		m = dst
	} else {
		m = image.NewAlpha(r)
		if dst != nil {
			*dst = *m
			m = dst
		}
	}
	if r.Empty() {
		return m
	}
	gm := &t.gm
	for _, g := range s.glyphs {
		if _, ok := g.font.bitmap(g.id); ok {
			continue
		}
		segs := t.outline(g, s.size)
		if len(segs) == 0 {
			continue
		}
		dot := fixed.Point26_6{X: g.x, Y: g.y}
		db := segs.Bounds().Add(dot)
		dr := image.Rect(db.Min.X.Floor(), db.Min.Y.Floor(), db.Max.X.Ceil(), db.Max.Y.Ceil())
		if dr.Empty() || !dr.Overlaps(r) {
			continue
		}
		w, h := dr.Dx(), dr.Dy()
		bx := dot.X - fixed.Int26_6(dr.Min.X<<6)
		by := dot.Y - fixed.Int26_6(dr.Min.Y<<6)
		if cap(gm.Pix) < w*h {
			gm.Pix = make([]uint8, 2*w*h)
		}
		gm.Pix, gm.Stride, gm.Rect = gm.Pix[:w*h], w, image.Rect(0, 0, w, h)
		t.rast.Reset(w, h)
		t.rast.DrawOp = draw.Src
		pt := func(p fixed.Point26_6) (float32, float32) {
			return float32(p.X+bx) / 64, float32(p.Y+by) / 64
		}
		for _, sg := range segs {
			switch sg.Op {
			case sfnt.SegmentOpMoveTo:
				t.rast.MoveTo(pt(sg.Args[0]))
			case sfnt.SegmentOpLineTo:
				t.rast.LineTo(pt(sg.Args[0]))
			case sfnt.SegmentOpQuadTo:
				x1, y1 := pt(sg.Args[0])
				x2, y2 := pt(sg.Args[1])
				t.rast.QuadTo(x1, y1, x2, y2)
			case sfnt.SegmentOpCubeTo:
				x1, y1 := pt(sg.Args[0])
				x2, y2 := pt(sg.Args[1])
				x3, y3 := pt(sg.Args[2])
				t.rast.CubeTo(x1, y1, x2, y2, x3, y3)
			}
		}
		t.rast.Draw(gm, gm.Bounds(), image.Opaque, image.Point{})
		draw.DrawMask(m, dr, image.White, image.Point{}, gm, image.Point{}, draw.Over)
	}
	return m
}

// colourImage draws the colour bitmap glyphs of s inside r (premultiplied),
// or returns nil when s has none.
func (t *textShaper) colourImage(s *shapedText, r image.Rectangle) *image.RGBA {
	if !s.colour || r.Empty() {
		return nil
	}
	img := image.NewRGBA(r)
	for _, g := range s.glyphs {
		bm, ok := g.font.bitmap(g.id)
		if !ok {
			continue
		}
		dr := bitmapRect(g, bm, s.size)
		xdraw.CatmullRom.Scale(img, dr, bm.img, bm.img.Bounds(), draw.Over, nil)
	}
	return img
}

// colourGlyph is a decoded colour bitmap glyph (CBDT/sbix PNG).
type colourGlyph struct {
	img  image.Image
	ext  gtfont.GlyphExtents // font units, y up
	upem uint16
}

// colour tells whether glyph id of f is a colour bitmap.
func (f *Font) colour(id gtfont.GID) bool {
	_, ok := f.bitmap(id)
	return ok
}

// bitmap is f's colour bitmap of glyph id, decoded once (a PNG of at most
// 1 MiB and 1024 pixels a side).
func (f *Font) bitmap(id gtfont.GID) (*colourGlyph, bool) {
	if f == nil || f.gt == nil || !f.bitmaps {
		return nil, false
	}
	if c, ok := f.bitmapCache[id]; ok {
		return c, c != nil
	}
	var c *colourGlyph
	if gd, ok := f.gt.GlyphDataBitmap(id); ok && gd.Format == gtfont.PNG && len(gd.Data) < 1<<20 &&
		gd.Width <= 1024 && gd.Height <= 1024 {
		ext, eok := f.gt.GlyphExtents(id)
		if img, err := png.Decode(bytes.NewReader(gd.Data)); err == nil && eok && ext.Width > 0 && ext.Height < 0 {
			c = &colourGlyph{img: img, ext: ext, upem: max(f.gt.Upem(), 1)}
		}
	}
	if f.bitmapCache == nil {
		f.bitmapCache = map[gtfont.GID]*colourGlyph{}
	}
	f.bitmapCache[id] = c
	return c, c != nil
}
