package drm

import (
	"errors"
	"image"
	"os"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/render"
)

// openFake opens a display on one fake card.
func openFake(t *testing.T, c *fakeCard) (*Display, *fakeKernel) {
	t.Helper()
	k := newFakeKernel(t, map[string]*fakeCard{"card0": c})
	d, err := Open(k.options())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, k
}

// pattern fills a frame with a pixel pattern unique per position.
func pattern(f *render.Frame, seed byte) {
	for y := range f.Height {
		for x := range f.Width {
			p := f.Pix[y*f.Stride+4*x:]
			p[0], p[1], p[2], p[3] = byte(x)+seed, byte(y), byte(y>>8)+seed, 0
		}
	}
}

// checkBuffer compares the card's buffer with f inside rs and with zero
// outside them; the padding columns (never shown) may hold either.
func checkBuffer(t *testing.T, d *Display, f *render.Frame, rs ...image.Rectangle) {
	t.Helper()
	bad := 0
	for y := range d.height {
		for x := range d.width {
			in := false
			for _, r := range rs {
				in = in || image.Pt(x, y).In(r)
			}
			got := d.buf[y*int(d.pitch)+4*x : y*int(d.pitch)+4*x+4]
			want := []byte{0, 0, 0, 0}
			if in {
				want = f.Pix[y*f.Stride+4*x : y*f.Stride+4*x+4]
			}
			pad := x >= int(d.mode.hdisplay) &&
				(slices.Equal(got, f.Pix[y*f.Stride+4*x:y*f.Stride+4*x+4]) || slices.Equal(got, []byte{0, 0, 0, 0}))
			if !slices.Equal(got, want) && !pad && bad < 5 {
				bad++
				t.Errorf("buffer pixel (%d, %d) = %v, want %v (damaged %v)", x, y, got, want, in)
			}
		}
	}
}

func clip(r image.Rectangle) clipRect {
	return clipRect{x1: uint16(r.Min.X), y1: uint16(r.Min.Y), x2: uint16(r.Max.X), y2: uint16(r.Max.Y)}
}

func TestPresentDamage(t *testing.T) {
	t.Parallel()
	for name, align := range map[string]int{"pitch = stride": 0, "pitch > stride": 512} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := portrait(60, 2008)
			c.pitchAlign = align
			d, _ := openFake(t, c)
			f := render.NewFrame(d.Size())
			pattern(f, 1)
			button := f.BarRect(image.Rect(100, 0, 250, 60)) // landscape button → panel rows 100..250
			rows := image.Rect(0, 500, 64, 520)              // full width: one copy when strides match
			padding := image.Rect(60, 600, 64, 700)          // never shown
			f.Damage = []image.Rectangle{button, rows, padding, image.Rect(70, 0, 80, 10) /* outside */}
			if err := d.Present(f); err != nil {
				t.Fatal(err)
			}
			checkBuffer(t, d, f, button, rows)
			want := [][]clipRect{{clip(button), clip(image.Rect(0, 500, 60, 520))}}
			if !slices.EqualFunc(c.dirty, want, slices.Equal) {
				t.Errorf("dirty clips %v, want %v", c.dirty, want)
			}
		})
	}
}

func TestPresentNoDamage(t *testing.T) {
	t.Parallel()
	c := portrait(60, 2008)
	d, _ := openFake(t, c)
	f := render.NewFrame(d.Size())
	pattern(f, 1)
	if err := d.Present(f); err != nil {
		t.Fatal(err)
	}
	f.Damage = []image.Rectangle{image.Rect(10, 10, 10, 20), image.Rect(-5, -5, 0, 0)}
	if err := d.Present(f); err != nil {
		t.Fatal(err)
	}
	if len(c.dirty) != 0 {
		t.Errorf("DIRTYFB called %d times for empty damage", len(c.dirty))
	}
	checkBuffer(t, d, f)
}

func TestPresentManyClips(t *testing.T) {
	t.Parallel()
	c := portrait(60, 2008)
	d, _ := openFake(t, c)
	f := render.NewFrame(d.Size())
	pattern(f, 3)
	var rs []image.Rectangle
	for i := range 300 {
		rs = append(rs, image.Rect(1, 2+5*i, 3, 4+5*i))
	}
	f.Damage = rs
	if err := d.Present(f); err != nil {
		t.Fatal(err)
	}
	checkBuffer(t, d, f, rs...)
	want := [][]clipRect{{{x1: 1, y1: 2, x2: 3, y2: 4 + 5*299}}}
	if !slices.EqualFunc(c.dirty, want, slices.Equal) {
		t.Errorf("dirty clips %v, want one bounding clip %v", c.dirty, want)
	}
}

func TestPresentClipsRejected(t *testing.T) {
	t.Parallel()
	c := portrait(60, 2008)
	c.rejectClips = true
	d, _ := openFake(t, c)
	f := render.NewFrame(d.Size())
	pattern(f, 1)
	r := image.Rect(0, 0, 60, 100)
	f.Damage = []image.Rectangle{r}
	for range 2 {
		if err := d.Present(f); err != nil {
			t.Fatal(err)
		}
	}
	checkBuffer(t, d, f, r)
	if len(c.dirty) != 2 || c.dirty[0] != nil || c.dirty[1] != nil {
		t.Errorf("dirty clips %v, want two whole-buffer flushes", c.dirty)
	}
}

func TestPresentNoDirtyHook(t *testing.T) {
	t.Parallel()
	c := portrait(60, 2008)
	c.noDirty = true
	d, _ := openFake(t, c)
	f := render.NewFrame(d.Size())
	pattern(f, 1)
	f.Damage = []image.Rectangle{image.Rect(0, 0, 60, 2008)}
	for range 2 {
		if err := d.Present(f); err != nil {
			t.Fatal(err)
		}
	}
	checkBuffer(t, d, f, f.Damage[0])
	if d.dirty != dirtyNone {
		t.Errorf("dirty mode %d, want none after ENOSYS", d.dirty)
	}
}

func TestPresentBadFrame(t *testing.T) {
	t.Parallel()
	d, _ := openFake(t, portrait(60, 2008))
	short := render.NewFrame(2008, 60)
	short.Pix = short.Pix[:len(short.Pix)-1]
	thin := render.NewFrame(2008, 60)
	thin.Stride = 4
	for name, f := range map[string]*render.Frame{
		"nil": nil, "other length": render.NewFrame(2170, 60), "other height": render.NewFrame(2008, 120),
		"short pix": short, "thin stride": thin,
	} {
		if f != nil {
			f.Damage = []image.Rectangle{image.Rect(0, 0, 64, 2170)}
		}
		if err := d.Present(f); err == nil || isGone(err) {
			t.Errorf("%s: Present = %v, want an error (not ErrGone)", name, err)
		}
	}
}

// TestPresentGone: device loss is ErrGone with the errno kept; Close still
// cleans up; opening again works once the card is back.
func TestPresentGone(t *testing.T) {
	t.Parallel()
	for _, errno := range []unix.Errno{unix.ENODEV, unix.EIO} {
		t.Run(errno.Error(), func(t *testing.T) {
			t.Parallel()
			c := portrait(60, 2008)
			d, k := openFake(t, c)
			f := render.NewFrame(d.Size())
			f.Damage = []image.Rectangle{image.Rect(0, 0, 60, 10)}
			c.fail = map[uint]error{ioctlModeDirtyFB: errno, ioctlModeRmFB: errno, ioctlModeDestroyDumb: errno, ioctlDropMaster: errno}
			err := d.Present(f)
			if !errors.Is(err, ErrGone) || !errors.Is(err, errno) {
				t.Fatalf("Present = %v, want ErrGone and %v", err, errno)
			}
			if err := d.Close(); err != nil {
				t.Errorf("Close of a gone display = %v, want nil", err)
			}
			if k.openFDs() != 0 || c.mapped {
				t.Errorf("after Close: %d fds open, mapped %v", k.openFDs(), c.mapped)
			}
			c.fail = nil // the driver is back
			c.fbs, c.dumbs = nil, nil
			d2, err := Open(k.options())
			if err != nil {
				t.Fatalf("Open again: %v", err)
			}
			if err := d2.Present(f); err != nil {
				t.Error(err)
			}
			d2.Close()
		})
	}
}

func TestPresentOtherErrorNotGone(t *testing.T) {
	t.Parallel()
	c := portrait(60, 2008)
	d, _ := openFake(t, c)
	c.fail = map[uint]error{ioctlModeDirtyFB: unix.EACCES}
	f := render.NewFrame(d.Size())
	f.Damage = []image.Rectangle{image.Rect(0, 0, 60, 10)}
	err := d.Present(f)
	if err == nil || errors.Is(err, ErrGone) || !errors.Is(err, unix.EACCES) {
		t.Errorf("Present = %v, want EACCES and not ErrGone", err)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	c := portrait(60, 2008)
	d, k := openFake(t, c)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"munmap", "remove fb", "destroy dumb", "drop master", "close"}
	if !slices.Equal(c.events, want) {
		t.Errorf("release order %v, want %v", c.events, want)
	}
	if h := c.held(); len(h) > 0 || k.openFDs() != 0 {
		t.Errorf("after Close the card holds %v, %d fds open", h, k.openFDs())
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if !slices.Equal(c.events, want) {
		t.Errorf("second Close released again: %v", c.events)
	}
	f := render.NewFrame(d.Size())
	f.Damage = []image.Rectangle{image.Rect(0, 0, 1, 1)}
	if err := d.Present(f); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Present after Close = %v, want os.ErrClosed", err)
	}
}

// TestPresentAllocs: a button press's present allocates nothing.
func TestPresentAllocs(t *testing.T) {
	c := portrait(60, 2008)
	c.quiet = true
	d, _ := openFake(t, c)
	f := render.NewFrame(d.Size())
	f.Damage = []image.Rectangle{f.BarRect(image.Rect(100, 0, 250, 60)), image.Rect(0, 0, 64, 2008)}
	if n := testing.AllocsPerRun(50, func() {
		if err := d.Present(f); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Present allocates %v times a call, want 0", n)
	}
}
