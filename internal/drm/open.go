package drm

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/render"
)

// Open finds the Touch Bar card among Dir's card* nodes and sets it up: DRM
// master, a mode on its portrait connector, a mapped XRGB8888 dumb buffer
// being scanned out. When no card fits, the error is a *NoCardError giving
// each card's reason.
func Open(opts Options) (*Display, error) {
	dir := opts.Dir
	if dir == "" {
		dir = DefaultDir
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := opts.sys
	if s == nil {
		s = realSys()
	}
	names, err := cardNames(dir)
	if err != nil {
		return nil, &NoCardError{Dir: dir, Err: err}
	}
	nc := &NoCardError{Dir: dir}
	for _, name := range names {
		d, err := openCard(s, log, filepath.Join(dir, name))
		if err != nil {
			log.Debug("drm: card skipped", "card", name, "err", err)
			nc.Cards = append(nc.Cards, &CardError{Card: name, Err: err})
			continue
		}
		m := d.Mode()
		log.Debug("drm: display opened", "card", d.card, "mode", fmt.Sprintf("%dx%d@%d", m.Width, m.Height, m.Refresh),
			"atomic", d.atomic, "pitch", d.pitch)
		return d, nil
	}
	return nil, nc
}

// cardNames lists the cardN entries of dir in numeric order.
func cardNames(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutPrefix(e.Name(), "card"); ok {
			if _, err := strconv.Atoi(n); err == nil {
				names = append(names, e.Name())
			}
		}
	}
	sort.Slice(names, func(i, j int) bool {
		a, _ := strconv.Atoi(names[i][4:])
		b, _ := strconv.Atoi(names[j][4:])
		return a < b
	})
	return names, nil
}

// openCard opens one card and makes it the display, or says why not. The
// errors carry no "drm:" prefix: they become a CardError.
func openCard(s *sys, log *slog.Logger, path string) (*Display, error) {
	fd, err := s.open(path)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	d := &Display{sys: s, log: log, card: path, fd: fd}
	if s.fstat != nil {
		if rdev, err := s.fstat(fd); err == nil {
			d.rdev = rdev
		}
	}
	if err := d.setup(); err != nil {
		d.release()
		return nil, err
	}
	return d, nil
}

// setup takes master, finds the portrait output, makes the buffer and sets
// the mode.
func (d *Display) setup() error {
	s, fd := d.sys, d.fd
	if err := s.setMaster(fd); err != nil {
		switch {
		case errors.Is(err, unix.EBUSY):
			return fmt.Errorf("%w (set master: %w)", ErrBusy, err)
		case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
			return fmt.Errorf("cannot become DRM master (not root?): %w", err)
		}
		return fmt.Errorf("set master: %w", err)
	}
	d.master = true
	universal := s.setClientCap(fd, clientCapUniversalPlanes, 1) == nil
	atomic := universal && s.setClientCap(fd, clientCapAtomic, 1) == nil

	res, err := s.getResources(fd)
	if err != nil {
		return fmt.Errorf("get resources: %w", err)
	}
	conn, mode, err := findStrip(s, fd, res)
	if err != nil {
		return err
	}
	d.connID, d.mode = conn.id, mode
	crtc, crtcIndex, err := pickCRTC(s, fd, res, conn)
	if err != nil {
		return err
	}
	d.crtcID = crtc
	if atomic {
		d.planeID, err = primaryPlane(s, fd, crtcIndex)
		if err != nil {
			if isGone(err) {
				return err
			}
			d.log.Debug("drm: no primary plane, legacy modeset", "card", d.card, "err", err)
		}
	}
	if err := d.makeBuffer(); err != nil {
		return err
	}
	return d.modeset()
}

// findStrip returns the first connected connector whose preferred (else
// first) mode is a portrait strip, height ≥ 30 × width.
func findStrip(s *sys, fd int, res resources) (connector, modeInfo, error) {
	var seen []string
	for _, id := range res.connectors {
		c, err := s.getConnector(fd, id)
		if err != nil {
			return connector{}, modeInfo{}, fmt.Errorf("get connector %d: %w", id, err)
		}
		if !c.connected || len(c.modes) == 0 {
			seen = append(seen, fmt.Sprintf("connector %d disconnected", id))
			continue
		}
		m := preferredMode(c.modes)
		if isStrip(m) {
			return c, m, nil
		}
		seen = append(seen, fmt.Sprintf("connector %d %dx%d", id, m.hdisplay, m.vdisplay))
	}
	if len(seen) == 0 {
		seen = append(seen, "no connectors")
	}
	return connector{}, modeInfo{}, fmt.Errorf("%w (no connected portrait strip: %s)", ErrNotTouchBar, strings.Join(seen, ", "))
}

// preferredMode is the mode flagged preferred, else the first (modes is
// not empty).
func preferredMode(modes []modeInfo) modeInfo {
	for _, m := range modes {
		if m.typ&modeTypePreferred != 0 {
			return m
		}
	}
	return modes[0]
}

// isStrip says whether m is a Touch Bar's portrait strip: height ≥ 30 ×
// width.
func isStrip(m modeInfo) bool {
	return m.hdisplay > 0 && int(m.vdisplay) >= 30*int(m.hdisplay)
}

// pickCRTC returns the CRTC driving conn now, else the first one an encoder
// of conn can drive, with its index in res.crtcs.
func pickCRTC(s *sys, fd int, res resources, conn connector) (id uint32, index int, err error) {
	if conn.encoderID != 0 {
		enc, err := s.getEncoder(fd, conn.encoderID)
		if err != nil && isGone(err) {
			return 0, 0, fmt.Errorf("get encoder %d: %w", conn.encoderID, err)
		}
		if err == nil && enc.crtc_id != 0 {
			for i, c := range res.crtcs {
				if c == enc.crtc_id {
					return c, i, nil
				}
			}
		}
	}
	var last error
	for _, eid := range conn.encoders {
		enc, err := s.getEncoder(fd, eid)
		if err != nil {
			last = fmt.Errorf("get encoder %d: %w", eid, err)
			if isGone(err) {
				return 0, 0, last
			}
			continue
		}
		for i, c := range res.crtcs {
			if enc.possible_crtcs&(1<<i) != 0 {
				return c, i, nil
			}
		}
	}
	if last != nil {
		return 0, 0, fmt.Errorf("no crtc for connector %d: %w", conn.id, last)
	}
	return 0, 0, fmt.Errorf("no crtc for connector %d", conn.id)
}

// primaryPlane returns the primary plane that can show on the CRTC at
// crtcIndex.
func primaryPlane(s *sys, fd int, crtcIndex int) (uint32, error) {
	ids, err := s.getPlaneResources(fd)
	if err != nil {
		return 0, fmt.Errorf("get plane resources: %w", err)
	}
	for _, id := range ids {
		p, err := s.getPlane(fd, id)
		if err != nil {
			return 0, fmt.Errorf("get plane %d: %w", id, err)
		}
		if p.possible_crtcs&(1<<crtcIndex) == 0 {
			continue
		}
		props, err := objectProps(s, fd, id, modeObjectPlane)
		if err != nil {
			return 0, err
		}
		if t, ok := props["type"]; ok && t.value == planeTypePrimary {
			return id, nil
		}
	}
	return 0, fmt.Errorf("no primary plane for crtc index %d", crtcIndex)
}

// prop is a property of a KMS object: its id and current value.
type prop struct {
	id    uint32
	value uint64
}

// objectProps returns an object's properties by name.
func objectProps(s *sys, fd int, obj, objType uint32) (map[string]prop, error) {
	ids, vals, err := s.objectProperties(fd, obj, objType)
	if err != nil {
		return nil, fmt.Errorf("get properties of object %d: %w", obj, err)
	}
	m := make(map[string]prop, len(ids))
	for i, id := range ids {
		name, err := s.propertyName(fd, id)
		if err != nil {
			return nil, fmt.Errorf("get property %d: %w", id, err)
		}
		m[name] = prop{id: id, value: vals[i]}
	}
	return m, nil
}

// makeBuffer creates, maps and registers the XRGB8888 dumb buffer, its
// width padded to a multiple of 64 pixels.
func (d *Display) makeBuffer() error {
	s, fd := d.sys, d.fd
	w, h := render.PaddedWidth(int(d.mode.hdisplay)), int(d.mode.vdisplay)
	db, err := s.createDumb(fd, uint32(w), uint32(h), 32)
	if err != nil {
		return fmt.Errorf("create dumb %dx%d: %w", w, h, err)
	}
	d.handle, d.pitch = db.handle, db.pitch
	if int(db.pitch) < 4*w || db.size < uint64(db.pitch)*uint64(h) {
		return fmt.Errorf("create dumb %dx%d: pitch %d size %d too small", w, h, db.pitch, db.size)
	}
	off, err := s.mapDumb(fd, db.handle)
	if err != nil {
		return fmt.Errorf("map dumb: %w", err)
	}
	buf, err := s.mmap(fd, int64(off), int(db.size))
	if err != nil {
		return fmt.Errorf("mmap dumb %d bytes: %w", db.size, err)
	}
	d.buf, d.width, d.height = buf, w, h
	d.fbID, err = s.addFB2(fd, uint32(w), uint32(h), formatXRGB8888, db.handle, db.pitch)
	if err != nil {
		return fmt.Errorf("add fb %dx%d: %w", w, h, err)
	}
	return nil
}
