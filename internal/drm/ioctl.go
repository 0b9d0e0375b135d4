package drm

// Typed DRM calls on the ioctl seam. The structs and the pointer helpers are
// in abi.go.

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// maxCountRetries bounds the count-then-fill loops while hotplug keeps
// changing the counts.
const maxCountRetries = 8

// errCountsChanging is their error when the counts never settle.
var errCountsChanging = fmt.Errorf("object counts keep changing: %w", unix.EAGAIN)

func (s *sys) setMaster(fd int) error  { return s.call(fd, ioctlSetMaster, nil) }
func (s *sys) dropMaster(fd int) error { return s.call(fd, ioctlDropMaster, nil) }

func (s *sys) setClientCap(fd int, capability, value uint64) error {
	a := setClientCap{capability: capability, value: value}
	return ioctlArg(s, fd, ioctlSetClientCap, &a)
}

func (s *sys) getCap(fd int, capability uint64) (uint64, error) {
	a := getCap{capability: capability}
	err := ioctlArg(s, fd, ioctlGetCap, &a)
	return a.value, err
}

// resources are the KMS object ids of a card.
type resources struct {
	crtcs, connectors, encoders []uint32
}

// getResources asks for the counts, then the ids; it retries while hotplug
// changes the counts in between.
func (s *sys) getResources(fd int) (resources, error) {
	for range maxCountRetries {
		var a modeCardRes
		if err := ioctlArg(s, fd, ioctlModeGetResources, &a); err != nil {
			return resources{}, err
		}
		r := resources{
			crtcs:      make([]uint32, a.count_crtcs),
			connectors: make([]uint32, a.count_connectors),
			encoders:   make([]uint32, a.count_encoders),
		}
		b := modeCardRes{
			crtc_id_ptr: slicePtr(r.crtcs), count_crtcs: a.count_crtcs,
			connector_id_ptr: slicePtr(r.connectors), count_connectors: a.count_connectors,
			encoder_id_ptr: slicePtr(r.encoders), count_encoders: a.count_encoders,
		}
		err := ioctlArg(s, fd, ioctlModeGetResources, &b)
		runtime.KeepAlive(r)
		if err != nil {
			return resources{}, err
		}
		if b.count_crtcs <= a.count_crtcs && b.count_connectors <= a.count_connectors && b.count_encoders <= a.count_encoders {
			r.crtcs = r.crtcs[:b.count_crtcs]
			r.connectors = r.connectors[:b.count_connectors]
			r.encoders = r.encoders[:b.count_encoders]
			return r, nil
		}
	}
	return resources{}, errCountsChanging
}

// connector is what GETCONNECTOR tells about one connector.
type connector struct {
	id, typ, typeID uint32
	encoderID       uint32
	connected       bool
	modes           []modeInfo
	encoders        []uint32
}

// getConnector asks for the counts (which probes the outputs when master),
// then the modes and encoders.
func (s *sys) getConnector(fd int, id uint32) (connector, error) {
	for range maxCountRetries {
		a := modeGetConnector{connector_id: id}
		if err := ioctlArg(s, fd, ioctlModeGetConnector, &a); err != nil {
			return connector{}, err
		}
		modes := make([]modeInfo, a.count_modes)
		encs := make([]uint32, a.count_encoders)
		b := modeGetConnector{
			connector_id: id,
			modes_ptr:    slicePtr(modes), count_modes: a.count_modes,
			encoders_ptr: slicePtr(encs), count_encoders: a.count_encoders,
		}
		err := ioctlArg(s, fd, ioctlModeGetConnector, &b)
		runtime.KeepAlive(modes)
		runtime.KeepAlive(encs)
		if err != nil {
			return connector{}, err
		}
		if b.count_modes > a.count_modes || b.count_encoders > a.count_encoders {
			continue
		}
		return connector{
			id: id, typ: b.connector_type, typeID: b.connector_type_id, encoderID: b.encoder_id,
			connected: b.connection == modeConnected,
			modes:     modes[:b.count_modes], encoders: encs[:b.count_encoders],
		}, nil
	}
	return connector{}, errCountsChanging
}

func (s *sys) getEncoder(fd int, id uint32) (modeGetEncoder, error) {
	a := modeGetEncoder{encoder_id: id}
	err := ioctlArg(s, fd, ioctlModeGetEncoder, &a)
	return a, err
}

func (s *sys) getPlaneResources(fd int) ([]uint32, error) {
	for range maxCountRetries {
		var a modeGetPlaneRes
		if err := ioctlArg(s, fd, ioctlModeGetPlaneRes, &a); err != nil {
			return nil, err
		}
		ids := make([]uint32, a.count_planes)
		b := modeGetPlaneRes{plane_id_ptr: slicePtr(ids), count_planes: a.count_planes}
		err := ioctlArg(s, fd, ioctlModeGetPlaneRes, &b)
		runtime.KeepAlive(ids)
		if err != nil {
			return nil, err
		}
		if b.count_planes <= a.count_planes {
			return ids[:b.count_planes], nil
		}
	}
	return nil, errCountsChanging
}

func (s *sys) getPlane(fd int, id uint32) (modeGetPlane, error) {
	a := modeGetPlane{plane_id: id}
	err := ioctlArg(s, fd, ioctlModeGetPlane, &a)
	return a, err
}

// objectProperties returns the property ids and values of a KMS object.
func (s *sys) objectProperties(fd int, id, objType uint32) ([]uint32, []uint64, error) {
	for range maxCountRetries {
		a := modeObjGetProperties{obj_id: id, obj_type: objType}
		if err := ioctlArg(s, fd, ioctlModeObjGetProps, &a); err != nil {
			return nil, nil, err
		}
		ids := make([]uint32, a.count_props)
		vals := make([]uint64, a.count_props)
		b := modeObjGetProperties{obj_id: id, obj_type: objType, count_props: a.count_props,
			props_ptr: slicePtr(ids), prop_values_ptr: slicePtr(vals)}
		err := ioctlArg(s, fd, ioctlModeObjGetProps, &b)
		runtime.KeepAlive(ids)
		runtime.KeepAlive(vals)
		if err != nil {
			return nil, nil, err
		}
		if b.count_props <= a.count_props {
			return ids[:b.count_props], vals[:b.count_props], nil
		}
	}
	return nil, nil, errCountsChanging
}

// propertyName returns the name of a property (values and enums not read).
func (s *sys) propertyName(fd int, id uint32) (string, error) {
	a := modeGetProperty{prop_id: id}
	if err := ioctlArg(s, fd, ioctlModeGetProperty, &a); err != nil {
		return "", err
	}
	return cString(a.name[:]), nil
}

func (s *sys) createModeBlob(fd int, m *modeInfo) (uint32, error) {
	a := modeCreateBlob{data: ptr(m), length: sizeofModeInfo}
	err := ioctlArg(s, fd, ioctlModeCreatePropBlob, &a)
	runtime.KeepAlive(m)
	return a.blob_id, err
}

func (s *sys) destroyBlob(fd int, id uint32) error {
	a := modeDestroyBlob{blob_id: id}
	return ioctlArg(s, fd, ioctlModeDestroyPropBlob, &a)
}

// atomicObject is one object's property assignments in an atomic commit.
type atomicObject struct {
	id     uint32
	props  []uint32
	values []uint64
}

func (s *sys) atomicCommit(fd int, flags uint32, objs []atomicObject) error {
	var ids, counts, props []uint32
	var vals []uint64
	for _, o := range objs {
		ids = append(ids, o.id)
		counts = append(counts, uint32(len(o.props)))
		props = append(props, o.props...)
		vals = append(vals, o.values...)
	}
	a := modeAtomic{flags: flags, count_objs: uint32(len(objs)),
		objs_ptr: slicePtr(ids), count_props_ptr: slicePtr(counts),
		props_ptr: slicePtr(props), prop_values_ptr: slicePtr(vals)}
	err := ioctlArg(s, fd, ioctlModeAtomic, &a)
	runtime.KeepAlive(ids)
	runtime.KeepAlive(counts)
	runtime.KeepAlive(props)
	runtime.KeepAlive(vals)
	return err
}

func (s *sys) setCRTC(fd int, crtcID, fbID, connID uint32, m modeInfo) error {
	conns := []uint32{connID}
	a := modeCRTC{set_connectors_ptr: slicePtr(conns), count_connectors: 1,
		crtc_id: crtcID, fb_id: fbID, mode_valid: 1, mode: m}
	err := ioctlArg(s, fd, ioctlModeSetCRTC, &a)
	runtime.KeepAlive(conns)
	return err
}

// dumb is a dumb buffer as CREATE_DUMB made it.
type dumb struct {
	handle, pitch uint32
	size          uint64
}

func (s *sys) createDumb(fd int, width, height, bpp uint32) (dumb, error) {
	a := modeCreateDumb{width: width, height: height, bpp: bpp}
	err := ioctlArg(s, fd, ioctlModeCreateDumb, &a)
	return dumb{handle: a.handle, pitch: a.pitch, size: a.size}, err
}

func (s *sys) mapDumb(fd int, handle uint32) (uint64, error) {
	a := modeMapDumb{handle: handle}
	err := ioctlArg(s, fd, ioctlModeMapDumb, &a)
	return a.offset, err
}

func (s *sys) destroyDumb(fd int, handle uint32) error {
	a := modeDestroyDumb{handle: handle}
	return ioctlArg(s, fd, ioctlModeDestroyDumb, &a)
}

func (s *sys) addFB2(fd int, width, height, format, handle, pitch uint32) (uint32, error) {
	a := modeFBCmd2{width: width, height: height, pixel_format: format}
	a.handles[0], a.pitches[0] = handle, pitch
	err := ioctlArg(s, fd, ioctlModeAddFB2, &a)
	return a.fb_id, err
}

func (s *sys) rmFB(fd int, id uint32) error {
	return ioctlArg(s, fd, ioctlModeRmFB, &id)
}

// dirtyFB flushes the clips of fb to the panel; no clips means the whole fb.
// The argument is built in *a, which the caller keeps (Present allocates
// nothing).
func (s *sys) dirtyFB(fd int, fbID uint32, clips []clipRect, a *modeFBDirtyCmd) error {
	*a = modeFBDirtyCmd{fb_id: fbID, num_clips: uint32(len(clips)), clips_ptr: slicePtr(clips)}
	err := ioctlArg(s, fd, ioctlModeDirtyFB, a)
	runtime.KeepAlive(clips)
	return err
}
