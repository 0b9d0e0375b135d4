package vmtest

import (
	"bytes"
	"image/color"
	"testing"
)

func TestDecodePPM(t *testing.T) {
	t.Parallel()
	data := append([]byte("P6\n# comment\n2 1\n255\n"), 1, 2, 3, 250, 251, 252)
	img, err := decodePPM(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 2 || b.Dy() != 1 {
		t.Fatalf("bounds %v", b)
	}
	if got := img.RGBAAt(0, 0); got != (color.RGBA{1, 2, 3, 255}) {
		t.Errorf("pixel 0 = %v", got)
	}
	if got := img.RGBAAt(1, 0); got != (color.RGBA{250, 251, 252, 255}) {
		t.Errorf("pixel 1 = %v", got)
	}
}

func TestDecodePPMErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "P5\n1 1\n255\n\x00", "P6\n1 1\n65535\n\x00\x00", "P6\n2 2\n255\n\x00\x00\x00", "P6\nx 1\n255\n", "P6\n99999999999 1\n255\n"} {
		if _, err := decodePPM(bytes.NewReader([]byte(in))); err == nil {
			t.Errorf("decodePPM(%q) succeeded", in)
		}
	}
}
