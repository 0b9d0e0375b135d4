package render

import (
	"fmt"
	"math"
	"strconv"
)

// A pathOp is one segment of an outline in absolute user coordinates:
// move, line, cubic (quadratics and arcs become cubics) or close.
type pathOp struct {
	kind byte // 'M', 'L', 'C', 'Z'
	pts  [3]point
}

type point struct{ x, y float64 }

// pathParser reads SVG path data ("d" attribute).
type pathParser struct {
	s                string
	i                int
	ops              []pathOp
	cur, start, ctrl point
	lastCmd          byte
	limit            int  // most ops kept (0: no limit)
	over             bool // more ops than limit
}

// parsePath turns SVG path data into absolute segments.
func parsePath(d string) ([]pathOp, error) { return parsePathMax(d, 0) }

// parsePathMax is parsePath keeping at most limit segments (0: no limit):
// beyond them it stops with errTooComplex.
func parsePathMax(d string, limit int) ([]pathOp, error) {
	p := &pathParser{s: d, limit: limit}
	if err := p.run(); err != nil {
		return p.ops, err
	}
	return p.ops, nil
}

func (p *pathParser) skipSep() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r', '\f', ',':
			p.i++
		default:
			return
		}
	}
}

// number reads one number; SVG allows "1.5.5" (two numbers) and "1-2".
func (p *pathParser) number() (float64, error) {
	p.skipSep()
	j := p.i
	if j < len(p.s) && (p.s[j] == '+' || p.s[j] == '-') {
		j++
	}
	digits, dot := false, false
	for j < len(p.s) {
		c := p.s[j]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' && !dot:
			dot = true
		default:
			goto exp
		}
		j++
	}
exp:
	if !digits {
		return 0, fmt.Errorf("svg path: number expected at offset %d", p.i)
	}
	if j < len(p.s) && (p.s[j] == 'e' || p.s[j] == 'E') {
		k := j + 1
		if k < len(p.s) && (p.s[k] == '+' || p.s[k] == '-') {
			k++
		}
		if k < len(p.s) && p.s[k] >= '0' && p.s[k] <= '9' {
			for k < len(p.s) && p.s[k] >= '0' && p.s[k] <= '9' {
				k++
			}
			j = k
		}
	}
	v, err := strconv.ParseFloat(p.s[p.i:j], 64)
	if err != nil {
		return 0, fmt.Errorf("svg path: %w", err)
	}
	p.i = j
	return v, nil
}

// flag reads an arc flag, which may be written without a separator ("a1 1 0 01 1 1").
func (p *pathParser) flag() (bool, error) {
	p.skipSep()
	if p.i < len(p.s) && (p.s[p.i] == '0' || p.s[p.i] == '1') {
		p.i++
		return p.s[p.i-1] == '1', nil
	}
	return false, fmt.Errorf("svg path: arc flag expected at offset %d", p.i)
}

func (p *pathParser) numbers(dst []float64) error {
	for k := range dst {
		v, err := p.number()
		if err != nil {
			return err
		}
		dst[k] = v
	}
	return nil
}

// moreNumbers reports whether another argument set follows (implicit repeat).
func (p *pathParser) moreNumbers() bool {
	p.skipSep()
	if p.i >= len(p.s) {
		return false
	}
	c := p.s[p.i]
	return c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')
}

func (p *pathParser) add(kind byte, pts ...point) {
	if p.limit > 0 && len(p.ops) >= p.limit {
		p.over = true
		return
	}
	op := pathOp{kind: kind}
	copy(op.pts[:], pts)
	p.ops = append(p.ops, op)
}

func (p *pathParser) run() error {
	var a [7]float64
	for {
		p.skipSep()
		if p.over {
			return fmt.Errorf("svg path: over %d segments: %w", p.limit, errTooComplex)
		}
		if p.i >= len(p.s) {
			return nil
		}
		cmd := p.s[p.i]
		p.i++
		rel := cmd >= 'a'
		up := cmd &^ 0x20
		if p.lastCmd == 0 && up != 'M' {
			return fmt.Errorf("svg path: must start with a moveto, not %q", cmd)
		}
		if up == 'Z' {
			p.add('Z')
			p.cur, p.ctrl = p.start, p.start
			p.lastCmd = 'Z'
			continue
		}
		first := true
		for first || p.moreNumbers() {
			var base point
			if rel {
				base = p.cur
			}
			switch up {
			case 'M':
				if err := p.numbers(a[:2]); err != nil {
					return err
				}
				pt := point{base.x + a[0], base.y + a[1]}
				if first {
					p.add('M', pt)
					p.start = pt
				} else {
					p.add('L', pt)
				}
				p.cur, p.ctrl = pt, pt
			case 'L', 'T':
				if err := p.numbers(a[:2]); err != nil {
					return err
				}
				pt := point{base.x + a[0], base.y + a[1]}
				if up == 'T' {
					c := p.cur
					if p.lastCmd == 'Q' || p.lastCmd == 'T' {
						c = point{2*p.cur.x - p.ctrl.x, 2*p.cur.y - p.ctrl.y}
					}
					p.quad(c, pt)
				} else {
					p.add('L', pt)
					p.cur, p.ctrl = pt, pt
				}
			case 'H':
				if err := p.numbers(a[:1]); err != nil {
					return err
				}
				pt := point{base.x + a[0], p.cur.y}
				if !rel {
					pt.x = a[0]
				}
				p.add('L', pt)
				p.cur, p.ctrl = pt, pt
			case 'V':
				if err := p.numbers(a[:1]); err != nil {
					return err
				}
				pt := point{p.cur.x, base.y + a[0]}
				if !rel {
					pt.y = a[0]
				}
				p.add('L', pt)
				p.cur, p.ctrl = pt, pt
			case 'C':
				if err := p.numbers(a[:6]); err != nil {
					return err
				}
				c1 := point{base.x + a[0], base.y + a[1]}
				c2 := point{base.x + a[2], base.y + a[3]}
				pt := point{base.x + a[4], base.y + a[5]}
				p.add('C', c1, c2, pt)
				p.cur, p.ctrl = pt, c2
			case 'S':
				if err := p.numbers(a[:4]); err != nil {
					return err
				}
				c1 := p.cur
				if p.lastCmd == 'C' || p.lastCmd == 'S' {
					c1 = point{2*p.cur.x - p.ctrl.x, 2*p.cur.y - p.ctrl.y}
				}
				c2 := point{base.x + a[0], base.y + a[1]}
				pt := point{base.x + a[2], base.y + a[3]}
				p.add('C', c1, c2, pt)
				p.cur, p.ctrl = pt, c2
			case 'Q':
				if err := p.numbers(a[:4]); err != nil {
					return err
				}
				p.quad(point{base.x + a[0], base.y + a[1]}, point{base.x + a[2], base.y + a[3]})
			case 'A':
				if err := p.numbers(a[:3]); err != nil {
					return err
				}
				large, err := p.flag()
				if err != nil {
					return err
				}
				sweep, err := p.flag()
				if err != nil {
					return err
				}
				if err := p.numbers(a[3:5]); err != nil {
					return err
				}
				pt := point{base.x + a[3], base.y + a[4]}
				p.arc(a[0], a[1], a[2], large, sweep, pt)
				p.cur, p.ctrl = pt, pt
			default:
				return fmt.Errorf("svg path: unknown command %q", cmd)
			}
			p.lastCmd = up
			first = false
		}
	}
}

// quad adds a quadratic Bézier as the equivalent cubic.
func (p *pathParser) quad(c, pt point) {
	c1 := point{p.cur.x + 2.0/3*(c.x-p.cur.x), p.cur.y + 2.0/3*(c.y-p.cur.y)}
	c2 := point{pt.x + 2.0/3*(c.x-pt.x), pt.y + 2.0/3*(c.y-pt.y)}
	p.add('C', c1, c2, pt)
	p.cur, p.ctrl = pt, c
}

// arc adds an elliptical arc (SVG 1.1 appendix F.6.5, endpoint to centre
// parameterisation) as cubics of at most 90° each.
func (p *pathParser) arc(rx, ry, phiDeg float64, large, sweep bool, end point) {
	start := p.cur
	if start == end {
		return
	}
	rx, ry = math.Abs(rx), math.Abs(ry)
	if rx == 0 || ry == 0 {
		p.add('L', end)
		return
	}
	phi := phiDeg * math.Pi / 180
	sin, cos := math.Sincos(phi)
	dx, dy := (start.x-end.x)/2, (start.y-end.y)/2
	x1 := cos*dx + sin*dy
	y1 := -sin*dx + cos*dy
	if l := x1*x1/(rx*rx) + y1*y1/(ry*ry); l > 1 {
		s := math.Sqrt(l)
		rx, ry = rx*s, ry*s
	}
	num := rx*rx*ry*ry - rx*rx*y1*y1 - ry*ry*x1*x1
	den := rx*rx*y1*y1 + ry*ry*x1*x1
	co := 0.0
	if den != 0 && num > 0 {
		co = math.Sqrt(num / den)
	}
	if large == sweep {
		co = -co
	}
	cx1 := co * rx * y1 / ry
	cy1 := -co * ry * x1 / rx
	cx := cos*cx1 - sin*cy1 + (start.x+end.x)/2
	cy := sin*cx1 + cos*cy1 + (start.y+end.y)/2
	angle := func(ux, uy, vx, vy float64) float64 {
		return math.Atan2(ux*vy-uy*vx, ux*vx+uy*vy)
	}
	theta1 := angle(1, 0, (x1-cx1)/rx, (y1-cy1)/ry)
	dtheta := angle((x1-cx1)/rx, (y1-cy1)/ry, (-x1-cx1)/rx, (-y1-cy1)/ry)
	if !sweep && dtheta > 0 {
		dtheta -= 2 * math.Pi
	} else if sweep && dtheta < 0 {
		dtheta += 2 * math.Pi
	}
	n := int(math.Ceil(math.Abs(dtheta) / (math.Pi / 2)))
	if n < 1 {
		n = 1
	}
	step := dtheta / float64(n)
	k := 4.0 / 3 * math.Tan(step/4)
	at := func(t float64) (point, point) { // point and derivative direction on the ellipse
		st, ct := math.Sincos(t)
		px, py := rx*ct, ry*st
		tx, ty := -rx*st, ry*ct
		return point{cos*px - sin*py + cx, sin*px + cos*py + cy}, point{cos*tx - sin*ty, sin*tx + cos*ty}
	}
	t := theta1
	for i := 0; i < n; i++ {
		p0, d0 := at(t)
		p3, d3 := at(t + step)
		if i == n-1 {
			p3 = end
		}
		p.add('C', point{p0.x + k*d0.x, p0.y + k*d0.y}, point{p3.x - k*d3.x, p3.y - k*d3.y}, p3)
		t += step
	}
}
