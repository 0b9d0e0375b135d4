package render

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"tiny-dfr/internal/assets"
)

func TestParsePathSyntax(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d   string
		n   int   // ops
		end point // end of the last drawing op
	}{
		{"M1.5.5L2 2", 2, point{2, 2}},
		{"m1 1l1-2 3 4", 3, point{5, 3}},
		{"M0 0H10V5h-2v-1z", 6, point{8, 4}},
		{"M1e1 2E-1L-1e+1,0", 2, point{-10, 0}},
		{"M0 0a1 1 0 01 2 0", 3, point{2, 0}},               // compact flags
		{"M2 0a.996.996 0 0 0-1.992 0", 3, point{0.008, 0}}, // compact numbers
		{"M0 0C1 1 2 2 3 3S5 5 6 6", 3, point{6, 6}},
		{"M0 0Q1 1 2 0T4 0", 3, point{4, 0}},
		{"M0 0 1 1 2 2", 3, point{2, 2}}, // implicit lineto after moveto
	}
	for _, tt := range tests {
		ops, err := parsePath(tt.d)
		if err != nil {
			t.Errorf("%q: %v", tt.d, err)
			continue
		}
		last := ops[len(ops)-1]
		if last.kind == 'Z' {
			last = ops[len(ops)-2]
		}
		end := last.pts[0]
		if last.kind == 'C' {
			end = last.pts[2]
		}
		if len(ops) != tt.n || math.Abs(end.x-tt.end.x) > 1e-9 || math.Abs(end.y-tt.end.y) > 1e-9 {
			t.Errorf("%q: %d ops ending at %v, want %d ending at %v", tt.d, len(ops), end, tt.n, tt.end)
		}
	}
	for _, bad := range []string{"L1 1", "M1", "M0 0 X", "M0 0A1 1 0 2 0 1 1", "M0 0L1"} {
		if _, err := parsePath(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// coverage sums the alpha of an icon drawn w×w, in pixels.
func coverage(t *testing.T, svg string, w int) float64 {
	t.Helper()
	img, err := decodeIcon([]byte(svg), false, w, w)
	if err != nil {
		t.Fatal(err)
	}
	s := 0.0
	for i := 3; i < len(img.Pix); i += 4 {
		s += float64(img.Pix[i]) / 255
	}
	return s
}

func TestSVGCoverage(t *testing.T) {
	t.Parallel()
	const hdr = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">`
	tests := []struct {
		name string
		svg  string
		want float64 // pixels at 48×48 (scale 2)
	}{
		{"half rect", hdr + `<rect width="12" height="24"/></svg>`, 48 * 24},
		{"arc circle", hdr + `<path d="M2 12a10 10 0 1 0 20 0a10 10 0 1 0-20 0z"/></svg>`, math.Pi * 400},
		{"circle element", hdr + `<circle cx="12" cy="12" r="10"/></svg>`, math.Pi * 400},
		{"ring by winding", hdr + `<path d="M2 12a10 10 0 1 0 20 0a10 10 0 1 0-20 0zm5 0a5 5 0 1 1 10 0a5 5 0 1 1-10 0z"/></svg>`, math.Pi * 300},
		{"rotated arc ellipse", hdr + `<path d="M7 12A10 5 90 1 0 17 12A10 5 90 1 0 7 12z"/></svg>`, math.Pi * 20 * 10},
		{"viewBox offset", `<svg viewBox="10 10 24 24"><rect x="10" y="10" width="12" height="24"/></svg>`, 48 * 24},
		{"no viewBox", `<svg width="24" height="24"><rect width="6" height="24"/></svg>`, 12 * 48},
		{"group transform", hdr + `<g transform="translate(12 0) scale(0.5 1)"><rect width="12" height="24"/></g></svg>`, 12 * 48},
		{"fill none and hidden", hdr + `<rect width="24" height="24" fill="none"/><rect width="24" height="24" style="display:none"/><rect width="12" height="24"/></svg>`, 48 * 24},
		{"opacity", hdr + `<rect width="12" height="24" fill-opacity=".5"/></svg>`, 48 * 12},
		{"defs skipped", hdr + `<defs><rect width="24" height="24"/></defs><rect width="12" height="24"/></svg>`, 48 * 24},
		{"polygon", hdr + `<polygon points="0,0 24,0 0,24"/></svg>`, 48 * 48 / 2},
		{"rounded rect", hdr + `<rect width="24" height="24" rx="4"/></svg>`, 48*48 - (4-math.Pi)*64},
	}
	for _, tt := range tests {
		if got := coverage(t, tt.svg, 48); math.Abs(got-tt.want) > 0.01*tt.want+2 {
			t.Errorf("%s: coverage %.1f px, want %.1f", tt.name, got, tt.want)
		}
	}
}

func TestSVGColours(t *testing.T) {
	t.Parallel()
	img, err := decodeIcon([]byte(`<svg viewBox="0 0 4 1"><rect width="1" height="1"/><rect x="1" width="1" height="1" fill="#f00"/><rect x="2" width="1" height="1" style="fill: rgb(0, 255, 0)"/><rect x="3" width="1" height="1" fill="currentColor"/></svg>`), false, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []color.RGBA{{255, 255, 255, 255}, {255, 0, 0, 255}, {0, 255, 0, 255}, {255, 255, 255, 255}}
	for x, w := range want {
		if got := img.RGBAAt(x, 0); got != w {
			t.Errorf("pixel %d = %v, want %v", x, got, w)
		}
	}
}

func TestSVGErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "<html/>", "<svg", `<svg viewBox="0 0 24 24"></svg>`, "\x89PNG"} {
		if _, err := decodeIcon([]byte(bad), false, 48, 48); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// A path that breaks half way draws what parsed, like browsers.
	if got := coverage(t, `<svg viewBox="0 0 24 24"><path d="M0 0H12V24H0zL"/></svg>`, 48); math.Abs(got-48*24) > 2 {
		t.Errorf("partial path coverage %.1f", got)
	}
}

// TestEmbeddedIconsHoles checks shapes that need nonzero winding and arcs:
// the search lens and the low-brightness sun are hollow in the middle.
func TestEmbeddedIconsHoles(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		hole, ink [2]int // pixels at 48×48
	}{
		{"search", [2]int{19, 19}, [2]int{8, 19}},
		{"brightness_low", [2]int{24, 24}, [2]int{24, 6}},
		{"mic_off", [2]int{2, 40}, [2]int{24, 24}},
	} {
		b, _ := assets.Icon(tt.name)
		img, err := decodeIcon(b, false, 48, 48)
		if err != nil {
			t.Fatal(err)
		}
		if a := img.RGBAAt(tt.hole[0], tt.hole[1]).A; a != 0 {
			t.Errorf("%s: hole pixel %v has alpha %d", tt.name, tt.hole, a)
		}
		if a := img.RGBAAt(tt.ink[0], tt.ink[1]).A; a != 255 {
			t.Errorf("%s: ink pixel %v has alpha %d", tt.name, tt.ink, a)
		}
	}
}

// BenchmarkSVGManyShapes rasterises 1000 one-unit squares into the largest
// icon box (each shape costs its own box, not the icon's area).
func BenchmarkSVGManyShapes(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`<svg viewBox="0 0 1000 1000">`)
	for i := range 1000 {
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="1" height="1"/>`, i, i)
	}
	sb.WriteString(`</svg>`)
	data := []byte(sb.String())
	for b.Loop() {
		if _, err := decodeIcon(data, false, 1024, 1024); err != nil {
			b.Fatal(err)
		}
	}
}

// Shapes rasterised in their own boxes land where they belong, including
// ones cut by the image's edges.
func TestSVGShapeBoxes(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	sb.WriteString(`<svg viewBox="0 0 600 600">`)
	for i := 0; i < 600; i += 7 {
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="1" height="1"/>`, i, 599-i)
	}
	sb.WriteString(`<rect x="-5" y="-5" width="8" height="9"/><rect x="597" y="595" width="10" height="10"/></svg>`)
	img, err := decodeIcon([]byte(sb.String()), false, 600, 600)
	if err != nil {
		t.Fatal(err)
	}
	alpha := func(x, y int) uint8 { return img.Pix[img.PixOffset(x, y)+3] }
	for i := 0; i < 600; i += 7 {
		if alpha(i, 599-i) != 255 || (i+1 < 600 && alpha(i+1, 599-i) != 0) || (i > 0 && alpha(i, 600-i) != 0) {
			t.Fatalf("square %d: alpha %d, right %d", i, alpha(i, 599-i), alpha(i+1, 599-i))
		}
	}
	if alpha(0, 0) != 255 || alpha(2, 3) != 255 || alpha(3, 0) != 0 || alpha(0, 4) != 0 {
		t.Error("corner square cut by the top left edges is wrong")
	}
	if alpha(599, 599) != 255 || alpha(597, 595) != 255 || alpha(596, 599) != 0 {
		t.Error("corner square cut by the bottom right edges is wrong")
	}
}
