package drm

// Kernel ABI of DRM/KMS: structs from <drm/drm.h> and <drm/drm_mode.h>, the
// ioctl numbers built from them, the ioctl seam and the pointer helpers the
// typed calls (ioctl.go) use. This is the only file of the package that
// imports unsafe.

import (
	"errors"
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

// sysIoctl is the real ioctl(2). DIRTYFB, the present of every frame, is
// a raw system call: the goroutine keeps its P while the driver copies
// the damage (a button's ~40 kB, milliseconds at most), where the
// scheduler's syscall path would hand the P to another thread and park
// that thread again, several context switches per present
// (TestVMPresentKeepsItsThread). Modesets and buffer set-up, which may
// block longer, keep the ordinary path.
func sysIoctl(fd int, req uint, arg unsafe.Pointer) error {
	if req == ioctlModeDirtyFB {
		_, _, e := unix.RawSyscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(arg))
		if e != 0 {
			return e
		}
		return nil
	}
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

// ioctlArg runs ioctl req on fd with a pointer to *a, the request's struct.
func ioctlArg[T any](s *sys, fd int, req uint, a *T) error {
	return s.call(fd, req, unsafe.Pointer(a))
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

// sizeofModeInfo is the length of a MODE_ID blob.
const sizeofModeInfo = uint32(unsafe.Sizeof(modeInfo{}))

// cString is the text of a NUL-terminated char array.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
