package vmtest

import (
	"bufio"
	"fmt"
	"image"
	"io"
)

// decodePPM decodes a binary (P6, maxval 255) PPM, the format of QMP
// screendump, into an opaque RGBA image.
func decodePPM(r io.Reader) (*image.RGBA, error) {
	br := bufio.NewReader(r)
	var hdr [4]int // magic check, width, height, maxval
	magic := make([]byte, 2)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != "P6" {
		return nil, fmt.Errorf("vmtest: ppm: not a P6 file")
	}
	for i := 1; i < 4; i++ {
		v, err := ppmInt(br)
		if err != nil {
			return nil, fmt.Errorf("vmtest: ppm header: %w", err)
		}
		hdr[i] = v
	}
	w, h, maxval := hdr[1], hdr[2], hdr[3]
	if w <= 0 || h <= 0 || w > 1<<14 || h > 1<<14 || maxval != 255 {
		return nil, fmt.Errorf("vmtest: ppm: unsupported %dx%d maxval %d", w, h, maxval)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	row := make([]byte, 3*w)
	for y := 0; y < h; y++ {
		if _, err := io.ReadFull(br, row); err != nil {
			return nil, fmt.Errorf("vmtest: ppm row %d: %w", y, err)
		}
		px := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			px[4*x], px[4*x+1], px[4*x+2], px[4*x+3] = row[3*x], row[3*x+1], row[3*x+2], 0xff
		}
	}
	return img, nil
}

// ppmInt skips whitespace and comments, then reads a decimal number and
// the single whitespace byte after it.
func ppmInt(br *bufio.Reader) (int, error) {
	c, err := br.ReadByte()
	for ; err == nil; c, err = br.ReadByte() {
		if c == '#' {
			if _, err = br.ReadString('\n'); err != nil {
				return 0, err
			}
			continue
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			break
		}
	}
	if err != nil {
		return 0, err
	}
	n, digits := 0, 0
	for ; err == nil && c >= '0' && c <= '9'; c, err = br.ReadByte() {
		if n > 1<<20 {
			return 0, fmt.Errorf("number too large")
		}
		n = n*10 + int(c-'0')
		digits++
	}
	if digits == 0 {
		return 0, fmt.Errorf("expected a number, got %q", c)
	}
	return n, err
}
