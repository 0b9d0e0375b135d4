package render

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"tiny-dfr/internal/layouts"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// checkGolden compares img with testdata/name pixel for pixel (or rewrites it
// with -update). On a difference it says how many pixels differ and where.
func checkGolden(t *testing.T, name string, img *image.RGBA) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		w, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(w, img); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	r, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	defer r.Close()
	want, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != img.Bounds() {
		t.Fatalf("%s: size %v, want %v", name, img.Bounds(), want.Bounds())
	}
	// amd64 is exact; other architectures may fuse multiply-adds in the
	// rasterisers' float maths, so they allow a tiny difference.
	tol := uint32(0)
	if runtime.GOARCH != "amd64" {
		tol = 2
	}
	differ := func(a, b uint32) bool { return a>>8 > b>>8+tol || b>>8 > a>>8+tol }
	var diffs []string
	n := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			gr, gg, gb, _ := img.At(x, y).RGBA()
			wr, wg, wb, _ := want.At(x, y).RGBA()
			if differ(gr, wr) || differ(gg, wg) || differ(gb, wb) {
				n++
				if len(diffs) < 10 {
					diffs = append(diffs, fmt.Sprintf("(%d,%d) got %02x%02x%02x want %02x%02x%02x",
						x, y, gr>>8, gg>>8, gb>>8, wr>>8, wg>>8, wb>>8))
				}
			}
		}
	}
	if n > 0 {
		t.Errorf("%s: %d pixels differ (go test -update rewrites; look at the PNG first):\n%s",
			name, n, strings.Join(diffs, "\n"))
	}
}

// TestGoldenDefaultLayers renders the default layers with the third button
// pressed, outlines on.
func TestGoldenDefaultLayers(t *testing.T) {
	t.Parallel()
	for _, length := range []int{2008, 2170} {
		r := newTestRenderer(t, defaultConfig(), length, 60, true)
		for layer, name := range map[int]string{layouts.Primary: "fkeys", layouts.Media: "media"} {
			st := &State{Layer: layer, Pressed: func(_, i int) bool { return i == 2 }}
			checkGolden(t, fmt.Sprintf("%s-%d.png", name, length), r.DrawAll(st).Landscape())
		}
	}
}

// TestGoldenIcons draws every embedded icon at 48×48, white on black, eight
// to a row (the sheet was checked by eye).
func TestGoldenIcons(t *testing.T) {
	t.Parallel()
	checkGolden(t, "icons.png", iconSheet(t))
}
