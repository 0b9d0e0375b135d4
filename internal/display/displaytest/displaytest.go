package displaytest

import (
	"errors"
	"fmt"
	"image"
	"os"
	"sync"

	"tiny-dfr/internal/render"
)

// Present is one recorded call.
type Present struct {
	Damage []image.Rectangle // copied
}

// Display is the fake. Err, when set, is returned by the next Present (and
// that frame is not applied). It is safe for concurrent use.
type Display struct {
	mu       sync.Mutex
	screen   *render.Frame
	presents []Present
	closed   bool
	Err      error
}

// New returns a black fake screen for a bar of the given landscape size.
func New(length, barHeight int) *Display {
	return &Display{screen: render.NewFrame(length, barHeight)}
}

// Present copies the damaged rectangles of f onto the fake screen.
func (d *Display) Present(f *render.Frame) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return fmt.Errorf("displaytest: present: %w", os.ErrClosed)
	}
	if err := d.Err; err != nil {
		d.Err = nil
		return err
	}
	if f == nil {
		return errors.New("displaytest: nil frame")
	}
	if d.screen == nil || f.Width != d.screen.Width || f.Height != d.screen.Height || f.Stride != d.screen.Stride {
		return fmt.Errorf("displaytest: frame %dx%d does not fit the screen", f.Width, f.Height)
	}
	s := d.screen
	bounds := image.Rect(0, 0, s.Width, s.Height)
	for _, r := range f.Damage {
		r = r.Intersect(bounds)
		for row := r.Min.Y; row < r.Max.Y; row++ {
			o := row*s.Stride + 4*r.Min.X
			copy(s.Pix[o:o+4*r.Dx()], f.Pix[o:o+4*r.Dx()])
		}
	}
	d.presents = append(d.presents, Present{Damage: append([]image.Rectangle(nil), f.Damage...)})
	return nil
}

// Close marks the display closed; later presents fail with os.ErrClosed.
func (d *Display) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return nil
}

// Closed reports whether Close was called.
func (d *Display) Closed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// Presents returns the recorded presents, oldest first.
func (d *Display) Presents() []Present {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Present(nil), d.presents...)
}

// Count is the number of successful presents.
func (d *Display) Count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.presents)
}

// Screen returns a copy of what the fake screen shows.
func (d *Display) Screen() *render.Frame {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := *d.screen
	c.Pix = append([]byte(nil), d.screen.Pix...)
	c.Damage = nil
	return &c
}

// Landscape is what the fake screen shows, as people see it.
func (d *Display) Landscape() *image.RGBA {
	return d.Screen().Landscape()
}
