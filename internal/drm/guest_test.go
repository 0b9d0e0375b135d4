package drm

import (
	"image"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/vmtest"
)

// Host side of the guest tests: boot the guest with a portrait virtio-gpu
// display, run this package's TestVM* there, and answer "screen N" by
// comparing the QMP screendump with scene(N) drawn here on the host.
//
// The 2008 run also runs the display benchmarks in the guest and checks each
// reported. DRM_VM_BENCHTIME sets their -test.benchtime (default 20x: a quick
// check; for figures use e.g. DRM_VM_BENCHTIME=2s DRM_VM_BENCHCOUNT=5 and
// go test -v -run TestGuest2008).

func TestGuest2008(t *testing.T) { runGuest(t, 2008, true) }
func TestGuest2170(t *testing.T) { runGuest(t, 2170, false) }

// guestBenchmarks are the benchmarks the guest must report.
func guestBenchmarks() []string {
	return []string{"BenchmarkPresentFull", "BenchmarkPresentButton", "BenchmarkCopyFull", "BenchmarkMemcpyFrame"}
}

func runGuest(t *testing.T, yres int, bench bool) {
	shots, runs := 0, 1
	cfg := vmtest.Config{
		Packages: []string{"."},
		Run:      "^TestVM",
		YRes:     yres,
		Env:      map[string]string{"DRM_TEST_YRES": strconv.Itoa(yres)},
		OnAsk: func(g *vmtest.Guest, req string) string {
			arg, ok := strings.CutPrefix(req, "screen ")
			pressed, err := strconv.Atoi(arg)
			if !ok || err != nil {
				return "bad request " + req
			}
			img, err := g.Screendump()
			if err != nil {
				return "screendump: " + err.Error()
			}
			shots++
			f, lay := scene(yres, 64, pressed)
			if diff := compareScreen(img, f); diff != "" {
				return diff
			}
			if yres >= layouts.EscLength && whitePixels(img, f.BarRect(lay.Layers[layouts.Primary].Buttons[0].Bounds(64))) == 0 {
				return "no label in the first (esc) button"
			}
			return "ok"
		},
	}
	if bench {
		benchtime := orDefault(os.Getenv("DRM_VM_BENCHTIME"), "20x")
		count := orDefault(os.Getenv("DRM_VM_BENCHCOUNT"), "1")
		if n, err := strconv.Atoi(count); err == nil && n > 0 {
			runs = n // -test.count repeats the guest tests too
		}
		cfg.Bench = "^(" + strings.Join(guestBenchmarks(), "|") + ")$"
		cfg.Args = []string{"-test.benchtime=" + benchtime, "-test.count=" + count, "-test.benchmem"}
		if os.Getenv("DRM_VM_BENCHTIME") != "" {
			cfg.Timeout = 15 * time.Minute // measuring runs; the host test's -timeout still bounds it
		}
	}
	res := vmtest.Run(t, cfg)
	if t.Skipped() || t.Failed() {
		return
	}
	if want := 6 * runs; shots != want {
		t.Errorf("host took %d screendumps, want %d", shots, want)
	}
	if !bench {
		return
	}
	for _, name := range guestBenchmarks() {
		found := false
		for _, line := range res.Benchmarks {
			found = found || strings.HasPrefix(line, name)
		}
		if !found {
			t.Errorf("guest reported no %s; benchmarks: %q", name, res.Benchmarks)
		}
	}
}

// whitePixels counts the white pixels (label ink) of img inside panel
// rectangle r.
func whitePixels(img *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c := img.RGBAAt(x, y); c.R == 0xff && c.G == 0xff && c.B == 0xff {
				n++
			}
		}
	}
	return n
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
