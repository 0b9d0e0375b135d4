package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/vector"
	"image/draw"
)

// This file is a small SVG renderer for icons: filled shapes (path, rect,
// circle, ellipse, polygon, polyline) in groups with transforms, solid fills
// and opacities. Strokes, gradients, clips, masks and text are not drawn.
// A shape without a fill colour is painted in the current colour, white on
// the bar, so Material icons (black by default) come out white.

// affine is the matrix [a c e; b d f].
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, d: 1}

func (m affine) mul(n affine) affine { // m × n: apply n first
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

func (m affine) apply(p point) point {
	return point{m.a*p.x + m.c*p.y + m.e, m.b*p.x + m.d*p.y + m.f}
}

// svgShape is one filled outline with its paint.
type svgShape struct {
	ops     []pathOp // in SVG user space of the root
	current bool     // paint with the current colour
	col     color.NRGBA
	opacity float64
}

// svgImage is a parsed icon.
type svgImage struct {
	viewBox     [4]float64 // min-x, min-y, width, height
	shapes      []svgShape
	unsupported []string // elements or features that were skipped
	elements    int      // elements read
	segments    int      // path segments kept
}

type svgStyle struct {
	fill        string // "" = inherit (root: current colour)
	fillOpacity float64
	opacity     float64
	m           affine
	hidden      bool
}

// parseSVG reads an SVG document.
func parseSVG(data []byte) (*svgImage, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	img := &svgImage{}
	stack := []svgStyle{{fillOpacity: 1, opacity: 1, m: identity}}
	skip := 0 // depth inside defs, clipPath, … whose content is not drawn
	root := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("svg: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if img.elements++; img.elements > maxSVGElements {
				return nil, fmt.Errorf("svg: over %d elements: %w", maxSVGElements, errTooComplex)
			}
			if skip > 0 {
				skip++
				continue
			}
			parent := stack[len(stack)-1]
			st := parent
			st.opacity = parent.opacity
			attrs := map[string]string{}
			for _, a := range t.Attr {
				attrs[a.Name.Local] = a.Value
			}
			applyStyle(&st, attrs)
			name := t.Name.Local
			if !root {
				if name != "svg" {
					return nil, fmt.Errorf("svg: root element is <%s>", name)
				}
				root = true
				if err := img.setViewport(attrs); err != nil {
					return nil, err
				}
				stack = append(stack, st)
				continue
			}
			switch name {
			case "defs", "clipPath", "mask", "symbol", "linearGradient", "radialGradient", "pattern",
				"title", "desc", "metadata", "style", "text", "filter", "marker":
				if name == "style" || name == "text" || name == "filter" || name == "mask" || name == "clipPath" {
					img.unsupported = append(img.unsupported, name)
				}
				skip = 1
				continue
			}
			stack = append(stack, st)
			if st.hidden {
				continue
			}
			ops, err := shapeOps(name, attrs, maxSVGSegments-img.segments)
			if err != nil {
				return nil, err
			}
			if img.segments += len(ops); img.segments > maxSVGSegments {
				return nil, fmt.Errorf("svg: over %d path segments: %w", maxSVGSegments, errTooComplex)
			}
			if ops == nil {
				continue
			}
			if st.fill == "none" {
				continue
			}
			sh := svgShape{opacity: st.opacity * st.fillOpacity}
			if st.fill == "" || strings.EqualFold(st.fill, "currentColor") {
				sh.current = true
			} else if c, ok := parseColor(st.fill); ok {
				sh.col = c
			} else {
				img.unsupported = append(img.unsupported, "fill "+st.fill)
				sh.current = true
			}
			for i := range ops {
				for k := range ops[i].pts {
					ops[i].pts[k] = st.m.apply(ops[i].pts[k])
				}
			}
			sh.ops = ops
			img.shapes = append(img.shapes, sh)
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if !root {
		return nil, errors.New("svg: no <svg> element")
	}
	return img, nil
}

func (img *svgImage) setViewport(attrs map[string]string) error {
	if vb, ok := attrs["viewBox"]; ok {
		f := strings.FieldsFunc(vb, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
		if len(f) == 4 {
			for i := range f {
				v, err := strconv.ParseFloat(f[i], 64)
				if err != nil {
					return fmt.Errorf("svg: viewBox: %w", err)
				}
				img.viewBox[i] = v
			}
		}
	}
	if img.viewBox[2] <= 0 || img.viewBox[3] <= 0 {
		w, _ := parseLength(attrs["width"])
		h, _ := parseLength(attrs["height"])
		if w <= 0 || h <= 0 {
			w, h = 24, 24
		}
		img.viewBox = [4]float64{0, 0, w, h}
	}
	return nil
}

func applyStyle(st *svgStyle, attrs map[string]string) {
	props := map[string]string{}
	for _, k := range []string{"fill", "fill-opacity", "opacity", "display", "visibility", "transform"} {
		if v, ok := attrs[k]; ok {
			props[k] = v
		}
	}
	for decl := range strings.SplitSeq(attrs["style"], ";") {
		k, v, ok := strings.Cut(decl, ":")
		if ok {
			props[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	if v, ok := props["fill"]; ok && v != "inherit" {
		st.fill = strings.TrimSpace(v)
	}
	if v, ok := props["fill-opacity"]; ok {
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			st.fillOpacity = math.Max(0, math.Min(1, f))
		}
	}
	if v, ok := props["opacity"]; ok {
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			st.opacity *= math.Max(0, math.Min(1, f))
		}
	}
	if props["display"] == "none" || props["visibility"] == "hidden" {
		st.hidden = true
	}
	if v, ok := props["transform"]; ok {
		st.m = st.m.mul(parseTransform(v))
	}
}

// parseTransform reads a transform list; unknown parts are ignored.
func parseTransform(s string) affine {
	m := identity
	for {
		s = strings.TrimLeft(s, " ,\t\n")
		open := strings.IndexByte(s, '(')
		end := strings.IndexByte(s, ')')
		if open < 0 || end < open {
			return m
		}
		name := strings.TrimSpace(s[:open])
		var a []float64
		for f := range strings.FieldsFuncSeq(s[open+1:end], func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' }) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return m
			}
			a = append(a, v)
		}
		s = s[end+1:]
		var t affine
		switch {
		case name == "matrix" && len(a) == 6:
			t = affine{a[0], a[1], a[2], a[3], a[4], a[5]}
		case name == "translate" && len(a) >= 1:
			t = identity
			t.e = a[0]
			if len(a) > 1 {
				t.f = a[1]
			}
		case name == "scale" && len(a) >= 1:
			t = affine{a: a[0], d: a[0]}
			if len(a) > 1 {
				t.d = a[1]
			}
		case name == "rotate" && len(a) >= 1:
			sin, cos := math.Sincos(a[0] * math.Pi / 180)
			t = affine{a: cos, b: sin, c: -sin, d: cos}
			if len(a) == 3 {
				t = affine{a: 1, d: 1, e: a[1], f: a[2]}.mul(t).mul(affine{a: 1, d: 1, e: -a[1], f: -a[2]})
			}
		case name == "skewX" && len(a) == 1:
			t = affine{a: 1, d: 1, c: math.Tan(a[0] * math.Pi / 180)}
		case name == "skewY" && len(a) == 1:
			t = affine{a: 1, d: 1, b: math.Tan(a[0] * math.Pi / 180)}
		default:
			t = identity
		}
		m = m.mul(t)
	}
}

func parseLength(s string) (float64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "px"))
	return strconv.ParseFloat(s, 64)
}

func attrNum(attrs map[string]string, k string) float64 {
	v, _ := parseLength(attrs[k])
	return v
}

// shapeOps returns the outline of a drawable element, nil for other elements.
// At most limit segments are made: beyond, the error wraps errTooComplex.
func shapeOps(name string, attrs map[string]string, limit int) ([]pathOp, error) {
	switch name {
	case "path":
		ops, err := parsePathMax(attrs["d"], max(1, limit))
		if err != nil && (len(ops) == 0 || errors.Is(err, errTooComplex)) {
			return nil, err
		}
		// Like browsers, draw what parsed before the error.
		return ops, nil
	case "rect":
		x, y, w, h := attrNum(attrs, "x"), attrNum(attrs, "y"), attrNum(attrs, "width"), attrNum(attrs, "height")
		if w <= 0 || h <= 0 {
			return []pathOp{}, nil
		}
		rx, ry := attrNum(attrs, "rx"), attrNum(attrs, "ry")
		if _, ok := attrs["ry"]; !ok {
			ry = rx
		}
		if _, ok := attrs["rx"]; !ok {
			rx = ry
		}
		rx, ry = math.Min(rx, w/2), math.Min(ry, h/2)
		if rx <= 0 || ry <= 0 {
			return polygonOps([]point{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}), nil
		}
		d := fmt.Sprintf("M%g %gH%gA%g %g 0 0 1 %g %gV%gA%g %g 0 0 1 %g %gH%gA%g %g 0 0 1 %g %gV%gA%g %g 0 0 1 %g %gz",
			x+rx, y, x+w-rx, rx, ry, x+w, y+ry, y+h-ry, rx, ry, x+w-rx, y+h, x+rx, rx, ry, x, y+h-ry, y+ry, rx, ry, x+rx, y)
		return parsePath(d)
	case "circle", "ellipse":
		cx, cy := attrNum(attrs, "cx"), attrNum(attrs, "cy")
		rx, ry := attrNum(attrs, "r"), attrNum(attrs, "r")
		if name == "ellipse" {
			rx, ry = attrNum(attrs, "rx"), attrNum(attrs, "ry")
		}
		if rx <= 0 || ry <= 0 {
			return []pathOp{}, nil
		}
		d := fmt.Sprintf("M%g %gA%g %g 0 0 1 %g %gA%g %g 0 0 1 %g %gz", cx-rx, cy, rx, ry, cx+rx, cy, rx, ry, cx-rx, cy)
		return parsePath(d)
	case "polygon", "polyline":
		var pts []point
		f := strings.FieldsFunc(attrs["points"], func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
		if len(f) > 2*limit {
			return nil, fmt.Errorf("svg: %s of over %d points: %w", name, limit, errTooComplex)
		}
		for i := 0; i+1 < len(f); i += 2 {
			x, err1 := strconv.ParseFloat(f[i], 64)
			y, err2 := strconv.ParseFloat(f[i+1], 64)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("svg: bad points %q", attrs["points"])
			}
			pts = append(pts, point{x, y})
		}
		return polygonOps(pts), nil
	}
	return nil, nil
}

func polygonOps(pts []point) []pathOp {
	ops := make([]pathOp, 0, len(pts)+1)
	for i, p := range pts {
		k := byte('L')
		if i == 0 {
			k = 'M'
		}
		ops = append(ops, pathOp{kind: k, pts: [3]point{p}})
	}
	return append(ops, pathOp{kind: 'Z'})
}

// rasterize draws the icon into a w×h premultiplied RGBA image, scaled to
// fit and centred (preserveAspectRatio xMidYMid meet), current colour cur.
// Each shape costs its box's area and 16 per line it is drawn with; an
// icon that would cost more than is left of work is not drawn: the error
// wraps errTooComplex.
func (img *svgImage) rasterize(w, h int, cur color.NRGBA, work *int64) (*image.RGBA, error) {
	vb := img.viewBox
	s := math.Min(float64(w)/vb[2], float64(h)/vb[3])
	ox := (float64(w)-vb[2]*s)/2 - vb[0]*s
	oy := (float64(h)-vb[3]*s)/2 - vb[1]*s
	m := affine{a: s, d: s, e: ox, f: oy}
	// The rasteriser needs finite coordinates of sane size.
	lim := float64(4 * (w + h + 256))
	f := func(v float64) float32 {
		if math.IsNaN(v) {
			return 0
		}
		return float32(math.Max(-lim, math.Min(lim, v)))
	}
	// The whole cost is known before drawing: an icon over the budget
	// is refused without drawing any of it.
	full := image.Rect(0, 0, w, h)
	boxes := make([]image.Rectangle, len(img.shapes))
	var cost int64
	for i, sh := range img.shapes {
		boxes[i] = shapeBox(sh.ops, m, f).Intersect(full)
		if !boxes[i].Empty() {
			cost += int64(boxes[i].Dx())*int64(boxes[i].Dy()) + 16*shapeLines(sh.ops, m)
		}
	}
	if err := spend(work, cost); err != nil {
		return nil, err
	}
	dst := image.NewRGBA(full)
	z := vector.NewRasterizer(w, h)
	for i, sh := range img.shapes {
		// Rasterise the shape in its own box (whole pixels, within the
		// image): the rasteriser's cost is its area, so 1000 small shapes
		// in a 1024 px icon took 10 s. Shifting by whole pixels is exact
		// in float32 here (0 ≤ value − shift ≤ value), so the coverage is
		// unchanged.
		box := boxes[i]
		if box.Empty() {
			continue
		}
		kx, ky := float32(box.Min.X), float32(box.Min.Y)
		g := func(v float64) float32 { return f(v) - kx }
		gy := func(v float64) float32 { return f(v) - ky }
		z.Reset(box.Dx(), box.Dy())
		z.DrawOp = draw.Over
		open := false
		var at, start point // current point and subpath start, in pixels
		for _, op := range sh.ops {
			p0, p1, p2 := m.apply(op.pts[0]), m.apply(op.pts[1]), m.apply(op.pts[2])
			switch op.kind {
			case 'M':
				if open {
					z.ClosePath()
				}
				z.MoveTo(g(p0.x), gy(p0.y))
				open, at, start = true, p0, p0
			case 'L':
				z.LineTo(g(p0.x), gy(p0.y))
				at = p0
			case 'C':
				cubeTo(z, g, gy, at, p0, p1, p2)
				at = p2
			case 'Z':
				if open {
					z.ClosePath()
				}
				open, at = false, start
			}
		}
		if open {
			z.ClosePath()
		}
		c := sh.col
		if sh.current {
			c = cur
		}
		c.A = uint8(math.Round(float64(c.A) * sh.opacity))
		z.Draw(dst, box, image.NewUniform(c), image.Point{})
	}
	return dst, nil
}

// shapeLines is how many lines rasterize draws a shape with.
func shapeLines(ops []pathOp, m affine) int64 {
	var n int64
	var at, start point
	for _, op := range ops {
		switch op.kind {
		case 'M':
			n++ // the close of the subpath before
			at = m.apply(op.pts[0])
			start = at
		case 'L':
			n++
			at = m.apply(op.pts[0])
		case 'C':
			p0, p1, p2 := m.apply(op.pts[0]), m.apply(op.pts[1]), m.apply(op.pts[2])
			n += int64(cubicSteps(at, p0, p1, p2))
			at = p2
		case 'Z':
			n++
			at = start
		}
	}
	return n + 1
}

// shapeBox is the whole-pixel box holding a shape's points (clamped by f)
// and control points, which hold its curves.
func shapeBox(ops []pathOp, m affine, f func(float64) float32) image.Rectangle {
	minX, minY := float32(math.Inf(1)), float32(math.Inf(1))
	maxX, maxY := float32(math.Inf(-1)), float32(math.Inf(-1))
	for _, op := range ops {
		n := 1
		switch op.kind {
		case 'Z':
			n = 0
		case 'C':
			n = 3
		}
		for _, p := range op.pts[:n] {
			p = m.apply(p)
			x, y := f(p.x), f(p.y)
			minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
		}
	}
	if minX > maxX {
		return image.Rectangle{}
	}
	return image.Rect(int(math.Floor(float64(minX))), int(math.Floor(float64(minY))),
		int(math.Ceil(float64(maxX))), int(math.Ceil(float64(maxY))))
}

// cubeTo flattens the cubic Bézier a→b→c→d into lines within 0.01 px of the
// curve. (vector.Rasterizer.CubeTo uses too few segments at icon sizes: a
// circle lost 1.1 % of its area; see docs/dependencies.md.) Uniform
// subdivision into n pieces strays at most ¾·max|second difference|/n².
func cubeTo(z *vector.Rasterizer, f, fy func(float64) float32, a, b, c, d point) {
	n := cubicSteps(a, b, c, d)
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		w0, w1, w2, w3 := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
		z.LineTo(f(w0*a.x+w1*b.x+w2*c.x+w3*d.x), fy(w0*a.y+w1*b.y+w2*c.y+w3*d.y))
	}
}

// cubicSteps is how many lines cubeTo draws a→b→c→d with.
func cubicSteps(a, b, c, d point) int {
	dev := math.Max(math.Hypot(a.x-2*b.x+c.x, a.y-2*b.y+c.y), math.Hypot(b.x-2*c.x+d.x, b.y-2*c.y+d.y))
	n := int(math.Ceil(math.Sqrt(75 * dev)))
	return max(1, min(n, 256)) // NaN or huge: capped (f clamps the points)
}
