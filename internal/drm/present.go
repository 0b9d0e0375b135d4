package drm

import (
	"errors"
	"fmt"
	"image"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/render"
)

// Present shows f: it copies f's damaged rectangles into the scanout buffer
// and flushes exactly those to the panel (DIRTYFB with them as clips). A
// frame without damage costs nothing. f must have the display's buffer size
// (render.NewFrame(d.Size())). Device loss is an error wrapping ErrGone.
func (d *Display) Present(f *render.Frame) error {
	if d.closed {
		return d.closedErr("present")
	}
	if err := d.check(f); err != nil {
		return err
	}
	return d.flush(d.copyDamage(f))
}

// check refuses a frame that does not fit the buffer.
func (d *Display) check(f *render.Frame) error {
	switch {
	case f == nil:
		return errors.New("drm: present: nil frame")
	case f.Width != d.width || f.Height != d.height:
		return fmt.Errorf("drm: present: frame %dx%d does not fit buffer %dx%d", f.Width, f.Height, d.width, d.height)
	case f.Stride < 4*f.Width || len(f.Pix) < f.Stride*f.Height:
		return fmt.Errorf("drm: present: frame stride %d with %d bytes is short for %dx%d", f.Stride, len(f.Pix), f.Width, f.Height)
	}
	return nil
}

// copyDamage copies the damaged rectangles of f, clipped to the visible
// part of the buffer (the padding columns past the mode width are never
// shown), into the buffer and returns them as clips. The slice is reused by
// the next call.
func (d *Display) copyDamage(f *render.Frame) []clipRect {
	d.clips = d.clips[:0]
	bounds := image.Rect(0, 0, int(d.mode.hdisplay), d.height)
	for _, r := range f.Damage {
		r = r.Intersect(bounds)
		if r.Empty() {
			continue
		}
		d.copyRect(f, r)
		d.clips = append(d.clips, clipRect{x1: uint16(r.Min.X), y1: uint16(r.Min.Y), x2: uint16(r.Max.X), y2: uint16(r.Max.Y)})
	}
	return d.clips
}

// copyRect copies one rectangle: whole rows in one copy when it spans the
// visible width and the strides match (the padding columns are never
// shown), else row by row.
func (d *Display) copyRect(f *render.Frame, r image.Rectangle) {
	pitch := int(d.pitch)
	if r.Min.X == 0 && r.Max.X >= int(d.mode.hdisplay) && f.Stride == pitch {
		copy(d.buf[r.Min.Y*pitch:r.Max.Y*pitch], f.Pix[r.Min.Y*pitch:r.Max.Y*pitch])
		return
	}
	x0, x1 := 4*r.Min.X, 4*r.Max.X
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(d.buf[y*pitch+x0:y*pitch+x1], f.Pix[y*f.Stride+x0:y*f.Stride+x1])
	}
}

// flush tells the driver which clips of the buffer changed. A driver that
// rejects clips (EINVAL) gets the whole buffer from then on; one without a
// dirty hook (ENOSYS) needs no flush at all.
func (d *Display) flush(clips []clipRect) error {
	if len(clips) == 0 || d.dirty == dirtyNone {
		return nil
	}
	if d.dirty == dirtyFull {
		clips = nil // no clips: the whole framebuffer
	} else if len(clips) > modeFBDirtyMaxClips {
		d.clips = append(d.clips[:0], boundingClip(clips))
		clips = d.clips
	}
	err := d.sys.dirtyFB(d.fd, d.fbID, clips, &d.dirtyArg)
	if err != nil && d.dirty == dirtyClips && errors.Is(err, unix.EINVAL) {
		d.log.Debug("drm: dirtyfb clips refused, flushing the whole buffer", "card", d.card, "err", err)
		d.dirty = dirtyFull
		err = d.sys.dirtyFB(d.fd, d.fbID, nil, &d.dirtyArg)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOSYS):
		d.dirty = dirtyNone
		return nil
	}
	return wrap(err, "dirty fb %d", d.fbID)
}

// boundingClip is the smallest clip holding all of clips.
func boundingClip(clips []clipRect) clipRect {
	b := clips[0]
	for _, c := range clips[1:] {
		b.x1, b.y1 = min(b.x1, c.x1), min(b.y1, c.y1)
		b.x2, b.y2 = max(b.x2, c.x2), max(b.y2, c.y2)
	}
	return b
}
