package render

// Our SVG renderer (svg.go, svgpath.go) against exact answers: analytic
// areas and centroids of arcs, transforms and viewBoxes, and a plausible
// coverage for every embedded icon. This file once also drew each case
// with github.com/fyne-io/oksvg + rasterx to choose between the two; that
// choice is made and recorded in docs/dependencies.md, and the comparison
// was dropped so that the module requires no test-only SVG library.

import (
	"fmt"
	"image"
	"math"
	"testing"

	"tiny-dfr/internal/assets"
)

const cmpSide = 48

// ownAlpha rasterises with our renderer into a w×h coverage mask.
func ownAlpha(tb testing.TB, data []byte, w, h int) *image.Alpha {
	tb.Helper()
	svg, err := parseSVG(data)
	if err != nil {
		tb.Fatalf("our parser: %v", err)
	}
	rgba := unbounded(svg, w, h)
	a := image.NewAlpha(rgba.Bounds())
	for i := range a.Pix {
		a.Pix[i] = rgba.Pix[4*i+3]
	}
	return a
}

// maskCoverage is the covered area in px² and its centroid.
func maskCoverage(a *image.Alpha) (area, cx, cy float64) {
	b := a.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			v := float64(a.AlphaAt(x, y).A) / 255
			area += v
			cx += v * (float64(x) + 0.5)
			cy += v * (float64(y) + 0.5)
		}
	}
	if area > 0 {
		cx, cy = cx/area, cy/area
	}
	return area, cx, cy
}

// TestSVGIconsCoverage: every embedded icon draws something and stays in
// its tile.
func TestSVGIconsCoverage(t *testing.T) {
	for _, name := range assets.IconNames() {
		data, ok := assets.Icon(name)
		if !ok {
			t.Fatalf("icon %s listed but not found", name)
		}
		oa, _, _ := maskCoverage(ownAlpha(t, data, cmpSide, cmpSide))
		if oa < 50 || oa > cmpSide*cmpSide*0.9 {
			t.Errorf("%s: our coverage %.1f px² is implausible for a 48×48 icon", name, oa)
		}
	}
}

// analyticCase is an SVG whose covered area (px² at 48×48) and centroid
// are known exactly.
type analyticCase struct {
	name       string
	svg        string
	area       float64
	cx, cy     float64
	centroidOK bool // centroid is known (false: only the area is)
}

func svgDoc(viewBox, body string) string {
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="` + viewBox + `">` + body + `</svg>`
}

func analyticCases() []analyticCase {
	pi := math.Pi
	// A 24-unit viewBox scales by 2 into 48 px: r = 10 units is 20 px.
	circle := 400 * pi
	rot := func(cx, cy, r, deg float64) (float64, float64) {
		s, c := math.Sincos(deg * pi / 180)
		return cx + r*c, cy + r*s
	}
	ex1, ey1 := rot(12, 12, 10, 30)
	ex2, ey2 := rot(12, 12, -10, 30)
	// Quarter and three-quarter pies: centre (12,12), r 10, from (22,12).
	// Centroid of a circular sector of half-angle α about its bisector:
	// 2 r sin α / (3 α).
	sector := func(alpha, bisectorDeg float64) (float64, float64) {
		d := 2 * 20 * math.Sin(alpha) / (3 * alpha)
		s, c := math.Sincos(bisectorDeg * pi / 180)
		return 24 + d*c, 24 + d*s
	}
	qx, qy := sector(pi/4, -45)     // quarter from 0° to -90° (y down: up-right)
	tqx, tqy := sector(3*pi/4, 135) // three quarters from 0° through 90°, 180° to 270°
	return []analyticCase{
		{name: "circle, two arcs, viewBox 0 0 24 24",
			svg:  svgDoc("0 0 24 24", `<path d="M2 12A10 10 0 0 1 22 12A10 10 0 0 1 2 12z"/>`),
			area: circle, cx: 24, cy: 24, centroidOK: true},
		{name: "circle, relative arcs, compact flags",
			svg:  svgDoc("0 0 24 24", `<path d="M2 12a10 10 0 0120 0a10 10 0 01-20 0z"/>`),
			area: circle, cx: 24, cy: 24, centroidOK: true},
		{name: "circle, implicit repeated arc (as in search.svg)",
			svg:  svgDoc("0 0 24 24", `<path d="M2 12a10 10 0 0 1 20 0 10 10 0 0 1-20 0z"/>`),
			area: circle, cx: 24, cy: 24, centroidOK: true},
		{name: "circle element",
			svg:  svgDoc("0 0 24 24", `<circle cx="12" cy="12" r="10"/>`),
			area: circle, cx: 24, cy: 24, centroidOK: true},
		{name: "Material Symbols viewBox 0 -960 960 960",
			svg:  svgDoc("0 -960 960 960", `<path d="M80-480a400 400 0 0 1 800 0a400 400 0 0 1-800 0z"/>`),
			area: circle, cx: 24, cy: 24, centroidOK: true},
		{name: "viewBox origin 100 200",
			svg:  svgDoc("100 200 24 24", `<path d="M102 212a10 10 0 0 1 20 0a10 10 0 0 1-20 0z"/>`),
			area: circle, cx: 24, cy: 24, centroidOK: true},
		{name: "viewBox 0 0 48 24 (meet: scale 1, centred)",
			svg:  svgDoc("0 0 48 24", `<path d="M14 12a10 10 0 0 1 20 0a10 10 0 0 1-20 0z"/>`),
			area: 100 * pi, cx: 24, cy: 24, centroidOK: true},
		{name: "ellipse rx10 ry5 rotated 30°, arcs",
			svg: svgDoc("0 0 24 24", fmt.Sprintf(`<path d="M%g %gA10 5 30 0 1 %g %gA10 5 30 0 1 %g %gz"/>`,
				ex1, ey1, ex2, ey2, ex1, ey1)),
			area: 200 * pi, cx: 24, cy: 24, centroidOK: true},
		{name: "ellipse rotated 30° by transform",
			svg:  svgDoc("0 0 24 24", `<ellipse transform="rotate(30 12 12)" cx="12" cy="12" rx="10" ry="5"/>`),
			area: 200 * pi, cx: 24, cy: 24, centroidOK: true},
		{name: "radii too small (scaled up, F.6.6)",
			svg:  svgDoc("0 0 24 24", `<path d="M2 12A1 1 0 0 1 22 12A1 1 0 0 1 2 12z"/>`),
			area: circle, cx: 24, cy: 24, centroidOK: true},
		{name: "quarter pie, large=0 sweep=0",
			svg:  svgDoc("0 0 24 24", `<path d="M12 12L22 12A10 10 0 0 0 12 2z"/>`),
			area: circle / 4, cx: qx, cy: qy, centroidOK: true},
		{name: "three-quarter pie, large=1 sweep=1",
			svg:  svgDoc("0 0 24 24", `<path d="M12 12L22 12A10 10 0 1 1 12 2z"/>`),
			area: 3 * circle / 4, cx: tqx, cy: tqy, centroidOK: true},
		{name: "ring (evenodd-free, opposite winding)",
			svg: svgDoc("0 0 24 24", `<path d="M2 12a10 10 0 0 1 20 0a10 10 0 0 1-20 0z`+
				`M7 12a5 5 0 0 0 10 0a5 5 0 0 0-10 0z"/>`),
			area: circle - 100*pi, cx: 24, cy: 24, centroidOK: true},
		{name: "square rotated 45° about centre",
			svg:  svgDoc("0 0 24 24", `<rect transform="rotate(45 12 12)" x="6" y="6" width="12" height="12"/>`),
			area: 576, cx: 24, cy: 24, centroidOK: true},
	}
}

// ownAreaTol is the relative area error allowed to our renderer. Arcs
// become cubics within 3e-4 of the radius and x/image/vector covers exact
// areas, but vector.Rasterizer.CubeTo flattens coarsely: a 90° cubic of
// radius 20 px becomes 6 chords, so a circle loses 1.1 % (the area of the
// inscribed 24-gon, chord sagitta 0.17 px), one of radius 10 px 1.6 %.
// Flattening the cubics ourselves to 0.05 px would allow 0.2 % here.
const ownAreaTol = 0.002

// TestSVGAnalytic: each analytic case within ownAreaTol of the exact area
// and 0.1 px of the exact centroid.
func TestSVGAnalytic(t *testing.T) {
	for _, c := range analyticCases() {
		oa, ox, oy := maskCoverage(ownAlpha(t, []byte(c.svg), cmpSide, cmpSide))
		t.Logf("| %s | %.1f | %.1f (%+.2f%%) c(%.2f,%.2f) |", c.name, c.area, oa, 100*(oa-c.area)/c.area, ox-c.cx, oy-c.cy)
		if math.Abs(oa-c.area) > ownAreaTol*c.area {
			t.Errorf("%s: our area %.2f px², want %.2f", c.name, oa, c.area)
		}
		if c.centroidOK && math.Hypot(ox-c.cx, oy-c.cy) > 0.1 {
			t.Errorf("%s: our centroid (%.3f, %.3f), want (%.3f, %.3f)", c.name, ox, oy, c.cx, c.cy)
		}
	}
}

// benchIcon is the icon the single-icon benchmarks draw.
const benchIcon = "volume_up"

func benchIconData(b *testing.B) [][]byte {
	b.Helper()
	var all [][]byte
	for _, n := range assets.IconNames() {
		d, _ := assets.Icon(n)
		all = append(all, d)
	}
	return all
}

// The benchmarks parse and rasterise, as loading an icon does.
func BenchmarkIconOwn(b *testing.B) {
	data, _ := assets.Icon(benchIcon)
	b.ReportAllocs()
	for b.Loop() {
		svg, err := parseSVG(data)
		if err != nil {
			b.Fatal(err)
		}
		unbounded(svg, cmpSide, cmpSide)
	}
}

func BenchmarkAllIconsOwn(b *testing.B) {
	all := benchIconData(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range all {
			svg, err := parseSVG(data)
			if err != nil {
				b.Fatal(err)
			}
			unbounded(svg, cmpSide, cmpSide)
		}
	}
}
