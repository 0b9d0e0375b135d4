package drm

// Kernel ABI of DRM/KMS: structs from <drm/drm.h> and <drm/drm_mode.h>, the
// ioctl numbers built from them, and typed calls through the ioctl seam. This
// is the only file of the package that imports unsafe.

import (
	"errors"
	"runtime"
	"structs"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ioctl request encoding from <asm-generic/ioctl.h> (the same on amd64 and
// arm64).
const (
	iocNrShift   = 0
	iocTypeShift = 8
	iocSizeShift = 16
	iocDirShift  = 30

	iocNone  = 0
	iocWrite = 1
	iocRead  = 2

	drmBase = 'd' // DRM_IOCTL_BASE

	drmIO   = iocNone<<iocDirShift | drmBase<<iocTypeShift            // DRM_IO(nr)
	drmIOW  = iocWrite<<iocDirShift | drmBase<<iocTypeShift           // DRM_IOW(nr, type)
	drmIOWR = (iocRead|iocWrite)<<iocDirShift | drmBase<<iocTypeShift // DRM_IOWR(nr, type)
	sizeU32 = uint(unsafe.Sizeof(uint32(0))) << iocSizeShift          // sizeof(unsigned int)
)

// Ioctl numbers: direction and type | size << 16 | nr.
const (
	ioctlGetCap              = drmIOWR | uint(unsafe.Sizeof(getCap{}))<<iocSizeShift | 0x0c
	ioctlSetClientCap        = drmIOW | uint(unsafe.Sizeof(setClientCap{}))<<iocSizeShift | 0x0d
	ioctlSetMaster           = drmIO | 0x1e
	ioctlDropMaster          = drmIO | 0x1f
	ioctlModeGetResources    = drmIOWR | uint(unsafe.Sizeof(modeCardRes{}))<<iocSizeShift | 0xA0
	ioctlModeGetCRTC         = drmIOWR | uint(unsafe.Sizeof(modeCRTC{}))<<iocSizeShift | 0xA1
	ioctlModeSetCRTC         = drmIOWR | uint(unsafe.Sizeof(modeCRTC{}))<<iocSizeShift | 0xA2
	ioctlModeGetEncoder      = drmIOWR | uint(unsafe.Sizeof(modeGetEncoder{}))<<iocSizeShift | 0xA6
	ioctlModeGetConnector    = drmIOWR | uint(unsafe.Sizeof(modeGetConnector{}))<<iocSizeShift | 0xA7
	ioctlModeGetProperty     = drmIOWR | uint(unsafe.Sizeof(modeGetProperty{}))<<iocSizeShift | 0xAA
	ioctlModeRmFB            = drmIOWR | sizeU32 | 0xAF
	ioctlModeDirtyFB         = drmIOWR | uint(unsafe.Sizeof(modeFBDirtyCmd{}))<<iocSizeShift | 0xB1
	ioctlModeCreateDumb      = drmIOWR | uint(unsafe.Sizeof(modeCreateDumb{}))<<iocSizeShift | 0xB2
	ioctlModeMapDumb         = drmIOWR | uint(unsafe.Sizeof(modeMapDumb{}))<<iocSizeShift | 0xB3
	ioctlModeDestroyDumb     = drmIOWR | uint(unsafe.Sizeof(modeDestroyDumb{}))<<iocSizeShift | 0xB4
	ioctlModeGetPlaneRes     = drmIOWR | uint(unsafe.Sizeof(modeGetPlaneRes{}))<<iocSizeShift | 0xB5
	ioctlModeGetPlane        = drmIOWR | uint(unsafe.Sizeof(modeGetPlane{}))<<iocSizeShift | 0xB6
	ioctlModeAddFB2          = drmIOWR | uint(unsafe.Sizeof(modeFBCmd2{}))<<iocSizeShift | 0xB8
	ioctlModeObjGetProps     = drmIOWR | uint(unsafe.Sizeof(modeObjGetProperties{}))<<iocSizeShift | 0xB9
	ioctlModeAtomic          = drmIOWR | uint(unsafe.Sizeof(modeAtomic{}))<<iocSizeShift | 0xBC
	ioctlModeCreatePropBlob  = drmIOWR | uint(unsafe.Sizeof(modeCreateBlob{}))<<iocSizeShift | 0xBD
	ioctlModeDestroyPropBlob = drmIOWR | uint(unsafe.Sizeof(modeDestroyBlob{}))<<iocSizeShift | 0xBE
	ioctlModeGetFB2          = drmIOWR | uint(unsafe.Sizeof(modeFBCmd2{}))<<iocSizeShift | 0xCE
)

// Constants from the headers.
const (
	capDumbBuffer              = 0x1 // DRM_CAP_DUMB_BUFFER
	clientCapUniversalPlanes   = 2   // DRM_CLIENT_CAP_UNIVERSAL_PLANES
	clientCapAtomic            = 3   // DRM_CLIENT_CAP_ATOMIC
	modeConnected              = 1   // DRM_MODE_CONNECTED
	modeTypePreferred          = 1 << 3
	modeObjectCRTC             = 0xcccccccc
	modeObjectConnector        = 0xc0c0c0c0
	modeObjectPlane            = 0xeeeeeeee
	modeAtomicAllowModeset     = 0x0400
	planeTypePrimary           = 1 // DRM_PLANE_TYPE_PRIMARY
	formatXRGB8888             = 'X' | 'R'<<8 | '2'<<16 | '4'<<24
	displayModeLen             = 32 // DRM_DISPLAY_MODE_LEN
	propNameLen                = 32 // DRM_PROP_NAME_LEN
	modeFBDirtyMaxClips        = 256
	modeFBDirtyAnnotateCopy    = 0x01
	modeFBDirtyAnnotateFill    = 0x02
	modeFBDirtyFlags           = modeFBDirtyAnnotateCopy | modeFBDirtyAnnotateFill
	maxInterruptedIoctlRetries = 64
)

type getCap struct { // struct drm_get_cap
	_          structs.HostLayout
	capability uint64
	value      uint64
}

type setClientCap struct { // struct drm_set_client_cap
	_          structs.HostLayout
	capability uint64
	value      uint64
}

type modeCardRes struct { // struct drm_mode_card_res
	_                                structs.HostLayout
	fb_id_ptr, crtc_id_ptr           uint64
	connector_id_ptr, encoder_id_ptr uint64
	count_fbs, count_crtcs           uint32
	count_connectors, count_encoders uint32
	min_width, max_width             uint32
	min_height, max_height           uint32
}

type modeInfo struct { // struct drm_mode_modeinfo
	_                                        structs.HostLayout
	clock                                    uint32
	hdisplay, hsync_start, hsync_end, htotal uint16
	hskew                                    uint16
	vdisplay, vsync_start, vsync_end, vtotal uint16
	vscan                                    uint16
	vrefresh                                 uint32
	flags                                    uint32
	typ                                      uint32 // "type" in the header
	name                                     [displayModeLen]byte
}

type modeCRTC struct { // struct drm_mode_crtc
	_                  structs.HostLayout
	set_connectors_ptr uint64
	count_connectors   uint32
	crtc_id            uint32
	fb_id              uint32
	x, y               uint32
	gamma_size         uint32
	mode_valid         uint32
	mode               modeInfo
}

type modeGetEncoder struct { // struct drm_mode_get_encoder
	_               structs.HostLayout
	encoder_id      uint32
	encoder_type    uint32
	crtc_id         uint32
	possible_crtcs  uint32
	possible_clones uint32
}

type modeGetConnector struct { // struct drm_mode_get_connector
	_                          structs.HostLayout
	encoders_ptr, modes_ptr    uint64
	props_ptr, prop_values_ptr uint64
	count_modes, count_props   uint32
	count_encoders             uint32
	encoder_id, connector_id   uint32
	connector_type             uint32
	connector_type_id          uint32
	connection                 uint32
	mm_width, mm_height        uint32
	subpixel                   uint32
	pad                        uint32
}

type modeGetProperty struct { // struct drm_mode_get_property
	_                structs.HostLayout
	values_ptr       uint64
	enum_blob_ptr    uint64
	prop_id          uint32
	flags            uint32
	name             [propNameLen]byte
	count_values     uint32
	count_enum_blobs uint32
}

type modeFBCmd2 struct { // struct drm_mode_fb_cmd2
	_                    structs.HostLayout
	fb_id, width, height uint32
	pixel_format, flags  uint32
	handles              [4]uint32
	pitches              [4]uint32
	offsets              [4]uint32
	_                    [4]byte // alignment of modifier
	modifier             [4]uint64
}

type modeFBDirtyCmd struct { // struct drm_mode_fb_dirty_cmd
	_                structs.HostLayout
	fb_id, flags     uint32
	color, num_clips uint32
	clips_ptr        uint64
}

type clipRect struct { // struct drm_clip_rect
	_      structs.HostLayout
	x1, y1 uint16
	x2, y2 uint16
}

type modeCreateDumb struct { // struct drm_mode_create_dumb
	_             structs.HostLayout
	height, width uint32
	bpp, flags    uint32
	handle, pitch uint32
	size          uint64
}

type modeMapDumb struct { // struct drm_mode_map_dumb
	_      structs.HostLayout
	handle uint32
	pad    uint32
	offset uint64
}

type modeDestroyDumb struct { // struct drm_mode_destroy_dumb
	_      structs.HostLayout
	handle uint32
}

type modeGetPlaneRes struct { // struct drm_mode_get_plane_res
	_            structs.HostLayout
	plane_id_ptr uint64
	count_planes uint32
	_            [4]byte // tail padding to the u64 alignment
}

type modeGetPlane struct { // struct drm_mode_get_plane
	_                  structs.HostLayout
	plane_id           uint32
	crtc_id, fb_id     uint32
	possible_crtcs     uint32
	gamma_size         uint32
	count_format_types uint32
	format_type_ptr    uint64
}

type modeObjGetProperties struct { // struct drm_mode_obj_get_properties
	_               structs.HostLayout
	props_ptr       uint64
	prop_values_ptr uint64
	count_props     uint32
	obj_id          uint32
	obj_type        uint32
	_               [4]byte // tail padding to the u64 alignment
}

type modeAtomic struct { // struct drm_mode_atomic
	_                 structs.HostLayout
	flags, count_objs uint32
	objs_ptr          uint64
	count_props_ptr   uint64
	props_ptr         uint64
	prop_values_ptr   uint64
	reserved          uint64
	user_data         uint64
}

type modeCreateBlob struct { // struct drm_mode_create_blob
	_       structs.HostLayout
	data    uint64
	length  uint32
	blob_id uint32
}

type modeDestroyBlob struct { // struct drm_mode_destroy_blob
	_       structs.HostLayout
	blob_id uint32
}

// Sizes from the headers (equal on amd64 and arm64), asserted both ways.
var (
	_ [16 - unsafe.Sizeof(getCap{})]byte
	_ [unsafe.Sizeof(getCap{}) - 16]byte
	_ [16 - unsafe.Sizeof(setClientCap{})]byte
	_ [unsafe.Sizeof(setClientCap{}) - 16]byte
	_ [64 - unsafe.Sizeof(modeCardRes{})]byte
	_ [unsafe.Sizeof(modeCardRes{}) - 64]byte
	_ [68 - unsafe.Sizeof(modeInfo{})]byte
	_ [unsafe.Sizeof(modeInfo{}) - 68]byte
	_ [104 - unsafe.Sizeof(modeCRTC{})]byte
	_ [unsafe.Sizeof(modeCRTC{}) - 104]byte
	_ [20 - unsafe.Sizeof(modeGetEncoder{})]byte
	_ [unsafe.Sizeof(modeGetEncoder{}) - 20]byte
	_ [80 - unsafe.Sizeof(modeGetConnector{})]byte
	_ [unsafe.Sizeof(modeGetConnector{}) - 80]byte
	_ [64 - unsafe.Sizeof(modeGetProperty{})]byte
	_ [unsafe.Sizeof(modeGetProperty{}) - 64]byte
	_ [104 - unsafe.Sizeof(modeFBCmd2{})]byte
	_ [unsafe.Sizeof(modeFBCmd2{}) - 104]byte
	_ [24 - unsafe.Sizeof(modeFBDirtyCmd{})]byte
	_ [unsafe.Sizeof(modeFBDirtyCmd{}) - 24]byte
	_ [8 - unsafe.Sizeof(clipRect{})]byte
	_ [unsafe.Sizeof(clipRect{}) - 8]byte
	_ [32 - unsafe.Sizeof(modeCreateDumb{})]byte
	_ [unsafe.Sizeof(modeCreateDumb{}) - 32]byte
	_ [16 - unsafe.Sizeof(modeMapDumb{})]byte
	_ [unsafe.Sizeof(modeMapDumb{}) - 16]byte
	_ [4 - unsafe.Sizeof(modeDestroyDumb{})]byte
	_ [unsafe.Sizeof(modeDestroyDumb{}) - 4]byte
	_ [16 - unsafe.Sizeof(modeGetPlaneRes{})]byte
	_ [unsafe.Sizeof(modeGetPlaneRes{}) - 16]byte
	_ [32 - unsafe.Sizeof(modeGetPlane{})]byte
	_ [unsafe.Sizeof(modeGetPlane{}) - 32]byte
	_ [32 - unsafe.Sizeof(modeObjGetProperties{})]byte
	_ [unsafe.Sizeof(modeObjGetProperties{}) - 32]byte
	_ [56 - unsafe.Sizeof(modeAtomic{})]byte
	_ [unsafe.Sizeof(modeAtomic{}) - 56]byte
	_ [16 - unsafe.Sizeof(modeCreateBlob{})]byte
	_ [unsafe.Sizeof(modeCreateBlob{}) - 16]byte
	_ [4 - unsafe.Sizeof(modeDestroyBlob{})]byte
	_ [unsafe.Sizeof(modeDestroyBlob{}) - 4]byte
)

// ioctlFunc is the kernel boundary: one ioctl(2) on fd. It returns the errno
// (a unix.Errno) on failure.
type ioctlFunc func(fd int, req uint, arg unsafe.Pointer) error

// sysIoctl is the real ioctl(2).
func sysIoctl(fd int, req uint, arg unsafe.Pointer) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(arg))
	if e != 0 {
		return e
	}
	return nil
}

// ptr is the user-space address of p as the kernel's __u64. The caller keeps
// the pointed-to memory alive across the ioctl (runtime.KeepAlive).
func ptr[T any](p *T) uint64 { return uint64(uintptr(unsafe.Pointer(p))) }

// slicePtr is the address of s's first element, or 0 for an empty slice.
func slicePtr[T any](s []T) uint64 {
	if len(s) == 0 {
		return 0
	}
	return ptr(&s[0])
}

// call runs one ioctl, retrying on EINTR and EAGAIN as libdrm does.
func (s *sys) call(fd int, req uint, arg unsafe.Pointer) error {
	for range maxInterruptedIoctlRetries {
		err := s.ioctl(fd, req, arg)
		if !errors.Is(err, unix.EINTR) && !errors.Is(err, unix.EAGAIN) {
			return err
		}
	}
	return unix.EINTR
}

func (s *sys) setMaster(fd int) error  { return s.call(fd, ioctlSetMaster, nil) }
func (s *sys) dropMaster(fd int) error { return s.call(fd, ioctlDropMaster, nil) }

func (s *sys) setClientCap(fd int, capability, value uint64) error {
	a := setClientCap{capability: capability, value: value}
	return s.call(fd, ioctlSetClientCap, unsafe.Pointer(&a))
}

func (s *sys) getCap(fd int, capability uint64) (uint64, error) {
	a := getCap{capability: capability}
	err := s.call(fd, ioctlGetCap, unsafe.Pointer(&a))
	return a.value, err
}

// resources are the KMS object ids of a card.
type resources struct {
	crtcs, connectors, encoders []uint32
}

// getResources asks for the counts, then the ids; it retries while hotplug
// changes the counts in between.
func (s *sys) getResources(fd int) (resources, error) {
	for {
		var a modeCardRes
		if err := s.call(fd, ioctlModeGetResources, unsafe.Pointer(&a)); err != nil {
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
		err := s.call(fd, ioctlModeGetResources, unsafe.Pointer(&b))
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
	for {
		a := modeGetConnector{connector_id: id}
		if err := s.call(fd, ioctlModeGetConnector, unsafe.Pointer(&a)); err != nil {
			return connector{}, err
		}
		modes := make([]modeInfo, a.count_modes)
		encs := make([]uint32, a.count_encoders)
		b := modeGetConnector{
			connector_id: id,
			modes_ptr:    slicePtr(modes), count_modes: a.count_modes,
			encoders_ptr: slicePtr(encs), count_encoders: a.count_encoders,
		}
		err := s.call(fd, ioctlModeGetConnector, unsafe.Pointer(&b))
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
}

func (s *sys) getEncoder(fd int, id uint32) (modeGetEncoder, error) {
	a := modeGetEncoder{encoder_id: id}
	err := s.call(fd, ioctlModeGetEncoder, unsafe.Pointer(&a))
	return a, err
}

func (s *sys) getPlaneResources(fd int) ([]uint32, error) {
	for {
		var a modeGetPlaneRes
		if err := s.call(fd, ioctlModeGetPlaneRes, unsafe.Pointer(&a)); err != nil {
			return nil, err
		}
		ids := make([]uint32, a.count_planes)
		b := modeGetPlaneRes{plane_id_ptr: slicePtr(ids), count_planes: a.count_planes}
		err := s.call(fd, ioctlModeGetPlaneRes, unsafe.Pointer(&b))
		runtime.KeepAlive(ids)
		if err != nil {
			return nil, err
		}
		if b.count_planes <= a.count_planes {
			return ids[:b.count_planes], nil
		}
	}
}

func (s *sys) getPlane(fd int, id uint32) (modeGetPlane, error) {
	a := modeGetPlane{plane_id: id}
	err := s.call(fd, ioctlModeGetPlane, unsafe.Pointer(&a))
	return a, err
}

// objectProperties returns the property ids and values of a KMS object.
func (s *sys) objectProperties(fd int, id, objType uint32) ([]uint32, []uint64, error) {
	for {
		a := modeObjGetProperties{obj_id: id, obj_type: objType}
		if err := s.call(fd, ioctlModeObjGetProps, unsafe.Pointer(&a)); err != nil {
			return nil, nil, err
		}
		ids := make([]uint32, a.count_props)
		vals := make([]uint64, a.count_props)
		b := modeObjGetProperties{obj_id: id, obj_type: objType, count_props: a.count_props,
			props_ptr: slicePtr(ids), prop_values_ptr: slicePtr(vals)}
		err := s.call(fd, ioctlModeObjGetProps, unsafe.Pointer(&b))
		runtime.KeepAlive(ids)
		runtime.KeepAlive(vals)
		if err != nil {
			return nil, nil, err
		}
		if b.count_props <= a.count_props {
			return ids[:b.count_props], vals[:b.count_props], nil
		}
	}
}

// propertyName returns the name of a property (values and enums not read).
func (s *sys) propertyName(fd int, id uint32) (string, error) {
	a := modeGetProperty{prop_id: id}
	if err := s.call(fd, ioctlModeGetProperty, unsafe.Pointer(&a)); err != nil {
		return "", err
	}
	return cString(a.name[:]), nil
}

func (s *sys) createModeBlob(fd int, m *modeInfo) (uint32, error) {
	a := modeCreateBlob{data: ptr(m), length: uint32(unsafe.Sizeof(*m))}
	err := s.call(fd, ioctlModeCreatePropBlob, unsafe.Pointer(&a))
	runtime.KeepAlive(m)
	return a.blob_id, err
}

func (s *sys) destroyBlob(fd int, id uint32) error {
	a := modeDestroyBlob{blob_id: id}
	return s.call(fd, ioctlModeDestroyPropBlob, unsafe.Pointer(&a))
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
	err := s.call(fd, ioctlModeAtomic, unsafe.Pointer(&a))
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
	err := s.call(fd, ioctlModeSetCRTC, unsafe.Pointer(&a))
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
	err := s.call(fd, ioctlModeCreateDumb, unsafe.Pointer(&a))
	return dumb{handle: a.handle, pitch: a.pitch, size: a.size}, err
}

func (s *sys) mapDumb(fd int, handle uint32) (uint64, error) {
	a := modeMapDumb{handle: handle}
	err := s.call(fd, ioctlModeMapDumb, unsafe.Pointer(&a))
	return a.offset, err
}

func (s *sys) destroyDumb(fd int, handle uint32) error {
	a := modeDestroyDumb{handle: handle}
	return s.call(fd, ioctlModeDestroyDumb, unsafe.Pointer(&a))
}

func (s *sys) addFB2(fd int, width, height, format, handle, pitch uint32) (uint32, error) {
	a := modeFBCmd2{width: width, height: height, pixel_format: format}
	a.handles[0], a.pitches[0] = handle, pitch
	err := s.call(fd, ioctlModeAddFB2, unsafe.Pointer(&a))
	return a.fb_id, err
}

func (s *sys) rmFB(fd int, id uint32) error {
	return s.call(fd, ioctlModeRmFB, unsafe.Pointer(&id))
}

// dirtyFB flushes the clips of fb to the panel; no clips means the whole fb.
// The argument is built in *a, which the caller keeps (Present allocates
// nothing).
func (s *sys) dirtyFB(fd int, fbID uint32, clips []clipRect, a *modeFBDirtyCmd) error {
	*a = modeFBDirtyCmd{fb_id: fbID, num_clips: uint32(len(clips)), clips_ptr: slicePtr(clips)}
	err := s.call(fd, ioctlModeDirtyFB, unsafe.Pointer(a))
	runtime.KeepAlive(clips)
	return err
}

// cString is the text of a NUL-terminated char array.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
