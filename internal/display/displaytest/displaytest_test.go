package displaytest

import (
	"errors"
	"image"
	"os"
	"testing"

	"tiny-dfr/internal/render"
)

func TestAppliesOnlyDamage(t *testing.T) {
	t.Parallel()
	d := New(100, 60)
	f := render.NewFrame(100, 60)
	for i := range f.Pix {
		f.Pix[i] = 0xaa
	}
	f.Damage = []image.Rectangle{image.Rect(0, 10, 64, 20)}
	if err := d.Present(f); err != nil {
		t.Fatal(err)
	}
	s := d.Screen()
	if got := s.At(3, 15); got.R != 0xaa {
		t.Errorf("damaged pixel = %v, want 0xaa", got)
	}
	if got := s.At(3, 25); got.R != 0 {
		t.Errorf("undamaged pixel = %v, want black", got)
	}
	if d.Count() != 1 || len(d.Presents()[0].Damage) != 1 {
		t.Errorf("presents = %+v", d.Presents())
	}
	f.Damage[0] = image.Rect(0, 0, 1, 1) // the record is a copy
	if d.Presents()[0].Damage[0] != image.Rect(0, 10, 64, 20) {
		t.Error("recorded damage aliases the frame's")
	}
}

func TestErrorsAndClose(t *testing.T) {
	t.Parallel()
	d := New(100, 60)
	boom := errors.New("boom")
	d.Err = boom
	if err := d.Present(render.NewFrame(100, 60)); !errors.Is(err, boom) {
		t.Errorf("Present = %v, want boom", err)
	}
	if err := d.Present(render.NewFrame(50, 60)); err == nil {
		t.Error("a frame of another size was accepted")
	}
	if err := d.Close(); err != nil || !d.Closed() {
		t.Fatal("close")
	}
	if err := d.Present(render.NewFrame(100, 60)); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Present after Close = %v, want os.ErrClosed", err)
	}
	if d.Count() != 0 {
		t.Errorf("Count = %d, want 0", d.Count())
	}
}
