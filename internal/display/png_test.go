package display

import (
	"errors"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"tiny-dfr/internal/render"
)

func TestPNGWritesLandscape(t *testing.T) {
	t.Parallel()
	f := render.NewFrame(100, 60)
	// Landscape (x=10, y=5) is panel (col 54, row 10).
	f.Pix[10*f.Stride+4*54+2] = 0xff // red
	path := filepath.Join(t.TempDir(), "bar.png")
	d := &PNG{Path: path}
	if err := d.Present(f); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, 100, 60) {
		t.Fatalf("bounds %v, want 100x60", img.Bounds())
	}
	if rr, g, b, _ := img.At(10, 5).RGBA(); rr>>8 != 0xff || g != 0 || b != 0 {
		t.Errorf("pixel (10,5) = %x %x %x, want red", rr, g, b)
	}
	if rr, _, _, _ := img.At(5, 10).RGBA(); rr != 0 {
		t.Errorf("pixel (5,10) not black")
	}
}

func TestPNGBadPath(t *testing.T) {
	t.Parallel()
	d := &PNG{Path: filepath.Join(t.TempDir(), "missing", "bar.png")}
	if err := d.Present(render.NewFrame(10, 10)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Present = %v, want ErrNotExist", err)
	}
}
