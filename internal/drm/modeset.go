package drm

import (
	"fmt"
)

// modeset shows the buffer on the connector: an atomic commit when the card
// takes one, else (or when it is refused) the legacy SETCRTC.
func (d *Display) modeset() error {
	if d.planeID != 0 {
		err := d.atomicModeset()
		if err == nil {
			d.atomic = true
			return nil
		}
		if isGone(err) {
			return err
		}
		d.log.Debug("drm: atomic modeset refused, legacy modeset", "card", d.card, "err", err)
	}
	if err := d.sys.setCRTC(d.fd, d.crtcID, d.fbID, d.connID, d.mode); err != nil {
		return fmt.Errorf("set crtc %d: %w", d.crtcID, err)
	}
	return nil
}

// atomicModeset commits connector CRTC_ID, CRTC MODE_ID and ACTIVE, and the
// primary plane's FB_ID, CRTC_ID, SRC_* and CRTC_* in one go.
func (d *Display) atomicModeset() error {
	s, fd := d.sys, d.fd
	ids := func(obj, objType uint32, names ...string) ([]uint32, error) {
		props, err := objectProps(s, fd, obj, objType)
		if err != nil {
			return nil, err
		}
		out := make([]uint32, len(names))
		for i, n := range names {
			p, ok := props[n]
			if !ok {
				return nil, fmt.Errorf("object %d has no property %s", obj, n)
			}
			out[i] = p.id
		}
		return out, nil
	}
	connProps, err := ids(d.connID, modeObjectConnector, "CRTC_ID")
	if err != nil {
		return err
	}
	crtcProps, err := ids(d.crtcID, modeObjectCRTC, "MODE_ID", "ACTIVE")
	if err != nil {
		return err
	}
	planeProps, err := ids(d.planeID, modeObjectPlane, "FB_ID", "CRTC_ID",
		"SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H")
	if err != nil {
		return err
	}
	mode := d.mode
	blob, err := s.createModeBlob(fd, &mode)
	if err != nil {
		return fmt.Errorf("create mode blob: %w", err)
	}
	w, h := uint64(d.mode.hdisplay), uint64(d.mode.vdisplay)
	err = s.atomicCommit(fd, modeAtomicAllowModeset, []atomicObject{
		{id: d.connID, props: connProps, values: []uint64{uint64(d.crtcID)}},
		{id: d.crtcID, props: crtcProps, values: []uint64{uint64(blob), 1}},
		{id: d.planeID, props: planeProps, values: []uint64{uint64(d.fbID), uint64(d.crtcID),
			0, 0, w << 16, h << 16, 0, 0, w, h}},
	})
	// The CRTC state holds its own reference to the blob.
	if derr := s.destroyBlob(fd, blob); derr != nil && err == nil && isGone(derr) {
		err = derr
	}
	if err != nil {
		return fmt.Errorf("atomic commit: %w", err)
	}
	return nil
}
