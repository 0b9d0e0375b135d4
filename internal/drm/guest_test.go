package drm

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"tiny-dfr/internal/vmtest"
)

// Host side of the guest tests: boot the guest with a portrait virtio-gpu
// display, run this package's TestVM* there, and answer "screen N" by
// comparing the QMP screendump with scene(N) drawn here on the host.

func TestGuest2008(t *testing.T) { runGuest(t, 2008) }
func TestGuest2170(t *testing.T) { runGuest(t, 2170) }

func runGuest(t *testing.T, yres int) {
	shots := 0
	vmtest.Run(t, vmtest.Config{
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
			f, _ := scene(yres, 64, pressed)
			if diff := compareScreen(img, f); diff != "" {
				return diff
			}
			return "ok"
		},
	})
	if want := 5; shots != want && !t.Failed() && !t.Skipped() {
		t.Errorf("host took %d screendumps, want %d", shots, want)
	}
}

// TestGuestBench runs the display benchmarks in the guest and checks each
// reported. DRM_VM_BENCHTIME sets -test.benchtime (default 20x: a quick
// check; use e.g. 2s, and DRM_VM_BENCHCOUNT=5, for figures).
func TestGuestBench(t *testing.T) {
	benchtime := os.Getenv("DRM_VM_BENCHTIME")
	if benchtime == "" {
		benchtime = "20x"
	}
	count := os.Getenv("DRM_VM_BENCHCOUNT")
	if count == "" {
		count = "1"
	}
	res := vmtest.Run(t, vmtest.Config{
		Packages: []string{"."},
		Run:      "^$",
		Bench:    "^Benchmark(PresentFull|PresentButton|CopyFull|MemcpyFrame)$",
		Args:     []string{"-test.benchtime=" + benchtime, "-test.count=" + count, "-test.benchmem"},
	})
	for _, name := range []string{"BenchmarkPresentFull", "BenchmarkPresentButton", "BenchmarkCopyFull", "BenchmarkMemcpyFrame"} {
		found := false
		for _, line := range res.Benchmarks {
			found = found || strings.HasPrefix(line, name)
		}
		if !found && !t.Skipped() {
			t.Errorf("guest reported no %s; benchmarks: %q", name, res.Benchmarks)
		}
	}
}
