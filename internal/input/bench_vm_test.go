package input

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkVMTouchToKey measures, in the guest, a touch injected on the
// fake digitizer until its key down is read from our virtual keyboard, and
// beside it the kernel's own round trip without us: a key written to the
// same uinput keyboard and read back. Taps alternate with baseline writes.
// Metrics in µs: touch-p50/p99, kernel-p50/p99 and share-p50 (the
// difference of the medians: our part of the path).
func BenchmarkVMTouchToKey(b *testing.B) {
	br := newBar(b)
	var touch, kernel []time.Duration
	for i := 0; b.Loop(); i++ {
		button := i % 12
		code := fCodes[button]
		x := br.x(0, button)

		t0 := time.Now()
		br.touchDown(0, x)
		br.keys(1)
		touch = append(touch, time.Since(t0))
		br.touchUp(0)
		br.keys(1)

		t0 = time.Now()
		if err := br.kbd.Press([]uint16{code}); err != nil {
			b.Fatal(err)
		}
		br.keys(1)
		kernel = append(kernel, time.Since(t0))
		if err := br.kbd.Release([]uint16{code}); err != nil {
			b.Fatal(err)
		}
		br.keys(1)
	}
	tp50, tp99 := quantiles(touch)
	kp50, kp99 := quantiles(kernel)
	b.ReportMetric(tp50, "touch-p50-µs")
	b.ReportMetric(tp99, "touch-p99-µs")
	b.ReportMetric(kp50, "kernel-p50-µs")
	b.ReportMetric(kp99, "kernel-p99-µs")
	b.ReportMetric(tp50-kp50, "share-p50-µs")
}

// quantiles returns the median and 99th percentile in µs.
func quantiles(d []time.Duration) (p50, p99 float64) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) float64 { return float64(s[int(q*float64(len(s)-1))].Nanoseconds()) / 1e3 }
	return at(0.5), at(0.99)
}
