package drm

import (
	"os"
	"testing"

	"tiny-dfr/internal/vmtest"
)

// Benchmarks of the real display: they run in the QEMU guest (started by
// TestGuestBench) and skip elsewhere.

// benchDisplay opens the real display for a benchmark.
func benchDisplay(b *testing.B) *Display {
	b.Helper()
	if !vmtest.InGuest() {
		if _, err := os.Stat("/dev/dri/card0"); err != nil {
			b.Skip("no /dev/dri/card0: runs in the QEMU guest (TestGuestBench)")
		}
	}
	d, err := Open(Options{})
	if err != nil {
		if vmtest.InGuest() {
			b.Fatal(err)
		}
		b.Skip(err)
	}
	b.Cleanup(func() { d.Close() })
	return d
}

// BenchmarkPresentFull presents a whole frame: copy and full DIRTYFB.
func BenchmarkPresentFull(b *testing.B) {
	d := benchDisplay(b)
	l, h := d.Size()
	f, _ := scene(l, h, -1)
	b.SetBytes(int64(len(f.Pix)))
	for b.Loop() {
		if err := d.Present(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPresentButton presents one button's damage, as a press does.
func BenchmarkPresentButton(b *testing.B) {
	d := benchDisplay(b)
	l, h := d.Size()
	f, _ := scene(l, h, 2)
	for b.Loop() {
		if err := d.Present(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCopyFull is Present's own part of a whole frame: the damage copy
// into the buffer, without the DIRTYFB.
func BenchmarkCopyFull(b *testing.B) {
	d := benchDisplay(b)
	l, h := d.Size()
	f, _ := scene(l, h, -1)
	b.SetBytes(int64(len(f.Pix)))
	for b.Loop() {
		d.copyDamage(f)
	}
}

// BenchmarkMemcpyFrame is the floor: one plain copy of a whole frame into
// the same mapped buffer.
func BenchmarkMemcpyFrame(b *testing.B) {
	d := benchDisplay(b)
	l, h := d.Size()
	f, _ := scene(l, h, -1)
	b.SetBytes(int64(len(f.Pix)))
	for b.Loop() {
		copy(d.buf, f.Pix)
	}
}
