package render

import (
	"image"
	"testing"

	"tiny-dfr/internal/layouts"
)

func benchRenderer(b *testing.B) *Renderer {
	return newTestRenderer(b, defaultConfig(), 2008, 60, true)
}

func BenchmarkFullFKeys2008(b *testing.B) {
	r := benchRenderer(b)
	dst := make([]byte, len(r.frame.Pix))
	st := &State{Layer: layouts.Primary}
	b.ReportAllocs()
	for b.Loop() {
		f := r.DrawAll(st)
		copy(dst, f.Pix)
	}
}

func BenchmarkFullMedia2008(b *testing.B) {
	r := benchRenderer(b)
	dst := make([]byte, len(r.frame.Pix))
	st := &State{Layer: layouts.Media}
	b.ReportAllocs()
	for b.Loop() {
		f := r.DrawAll(st)
		copy(dst, f.Pix)
	}
}

// BenchmarkPressOne redraws one pressed button and copies its damage into
// a second buffer, as a display does.
func BenchmarkPressOne(b *testing.B) {
	r := benchRenderer(b)
	dst := make([]byte, len(r.frame.Pix))
	st := &State{Layer: layouts.Primary, Pressed: func(_, i int) bool { return i == 4 }}
	r.DrawAll(st)
	b.ReportAllocs()
	for b.Loop() {
		f := r.DrawButtons(st, 4)
		for _, d := range f.Damage {
			copy(dst[d.Min.Y*f.Stride:d.Max.Y*f.Stride], f.Pix[d.Min.Y*f.Stride:d.Max.Y*f.Stride])
		}
	}
}

func BenchmarkCopyFrame(b *testing.B) {
	f := NewFrame(2008, 60)
	dst := make([]byte, len(f.Pix))
	b.SetBytes(int64(len(f.Pix)))
	for b.Loop() {
		copy(dst, f.Pix)
	}
}

func BenchmarkNewRenderer(b *testing.B) {
	lay := layouts.Build(defaultConfig(), 2008, 60)
	opts := testOptions(b, true)
	b.ReportAllocs()
	for b.Loop() {
		New(lay, opts)
	}
}

// BenchmarkFullShifted is a full F-key frame with a vertical pixel shift
// (rows copied one by one).
func BenchmarkFullShifted(b *testing.B) {
	r := benchRenderer(b)
	dst := make([]byte, len(r.frame.Pix))
	st := &State{Layer: layouts.Primary, Shift: image.Pt(3, -2)}
	b.ReportAllocs()
	for b.Loop() {
		f := r.DrawAll(st)
		copy(dst, f.Pix)
	}
}

// BenchmarkBanner redraws a full frame under the error banner.
func BenchmarkBanner(b *testing.B) {
	r := benchRenderer(b)
	dst := make([]byte, len(r.frame.Pix))
	st := &State{Banner: "config.toml:3:7: expected a key name, found junk"}
	b.ReportAllocs()
	for b.Loop() {
		f := r.DrawAll(st)
		copy(dst, f.Pix)
	}
}
