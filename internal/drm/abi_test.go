package drm

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestIoctlNumbers pins the computed ioctl numbers to the values of the
// DRM_IOCTL_* macros in <drm/drm.h> (libdrm 2.4.114 / Linux 6.1 headers,
// printed by a C program on amd64; the encoding and sizes are the same on
// arm64).
func TestIoctlNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		got, want uint
	}{
		{"DRM_IOCTL_GET_CAP", ioctlGetCap, 0xc010640c},
		{"DRM_IOCTL_SET_CLIENT_CAP", ioctlSetClientCap, 0x4010640d},
		{"DRM_IOCTL_SET_MASTER", ioctlSetMaster, 0x0000641e},
		{"DRM_IOCTL_DROP_MASTER", ioctlDropMaster, 0x0000641f},
		{"DRM_IOCTL_MODE_GETRESOURCES", ioctlModeGetResources, 0xc04064a0},
		{"DRM_IOCTL_MODE_GETCRTC", ioctlModeGetCRTC, 0xc06864a1},
		{"DRM_IOCTL_MODE_SETCRTC", ioctlModeSetCRTC, 0xc06864a2},
		{"DRM_IOCTL_MODE_GETENCODER", ioctlModeGetEncoder, 0xc01464a6},
		{"DRM_IOCTL_MODE_GETCONNECTOR", ioctlModeGetConnector, 0xc05064a7},
		{"DRM_IOCTL_MODE_GETPROPERTY", ioctlModeGetProperty, 0xc04064aa},
		{"DRM_IOCTL_MODE_RMFB", ioctlModeRmFB, 0xc00464af},
		{"DRM_IOCTL_MODE_DIRTYFB", ioctlModeDirtyFB, 0xc01864b1},
		{"DRM_IOCTL_MODE_CREATE_DUMB", ioctlModeCreateDumb, 0xc02064b2},
		{"DRM_IOCTL_MODE_MAP_DUMB", ioctlModeMapDumb, 0xc01064b3},
		{"DRM_IOCTL_MODE_DESTROY_DUMB", ioctlModeDestroyDumb, 0xc00464b4},
		{"DRM_IOCTL_MODE_GETPLANERESOURCES", ioctlModeGetPlaneRes, 0xc01064b5},
		{"DRM_IOCTL_MODE_GETPLANE", ioctlModeGetPlane, 0xc02064b6},
		{"DRM_IOCTL_MODE_ADDFB2", ioctlModeAddFB2, 0xc06864b8},
		{"DRM_IOCTL_MODE_OBJ_GETPROPERTIES", ioctlModeObjGetProps, 0xc02064b9},
		{"DRM_IOCTL_MODE_ATOMIC", ioctlModeAtomic, 0xc03864bc},
		{"DRM_IOCTL_MODE_CREATEPROPBLOB", ioctlModeCreatePropBlob, 0xc01064bd},
		{"DRM_IOCTL_MODE_DESTROYPROPBLOB", ioctlModeDestroyPropBlob, 0xc00464be},
		{"DRM_IOCTL_MODE_GETFB2", ioctlModeGetFB2, 0xc06864ce},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %#08x, want %#08x", tc.name, tc.got, tc.want)
		}
	}
}

// TestFieldOffsets checks the fields whose place depends on padding.
func TestFieldOffsets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		got, want uintptr
	}{
		{"drm_mode_fb_cmd2.modifier", unsafe.Offsetof(modeFBCmd2{}.modifier), 72},
		{"drm_mode_fb_cmd2.offsets", unsafe.Offsetof(modeFBCmd2{}.offsets), 52},
		{"drm_mode_crtc.mode", unsafe.Offsetof(modeCRTC{}.mode), 36},
		{"drm_mode_modeinfo.vrefresh", unsafe.Offsetof(modeInfo{}.vrefresh), 24},
		{"drm_mode_modeinfo.name", unsafe.Offsetof(modeInfo{}.name), 36},
		{"drm_mode_get_connector.connection", unsafe.Offsetof(modeGetConnector{}.connection), 60},
		{"drm_mode_get_property.count_values", unsafe.Offsetof(modeGetProperty{}.count_values), 56},
		{"drm_mode_obj_get_properties.obj_type", unsafe.Offsetof(modeObjGetProperties{}.obj_type), 24},
		{"drm_mode_atomic.objs_ptr", unsafe.Offsetof(modeAtomic{}.objs_ptr), 8},
		{"drm_mode_create_dumb.size", unsafe.Offsetof(modeCreateDumb{}.size), 24},
		{"drm_mode_fb_dirty_cmd.clips_ptr", unsafe.Offsetof(modeFBDirtyCmd{}.clips_ptr), 16},
	} {
		if tc.got != tc.want {
			t.Errorf("offsetof(%s) = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
	if formatXRGB8888 != 0x34325258 {
		t.Errorf("DRM_FORMAT_XRGB8888 = %#x, want 0x34325258", formatXRGB8888)
	}
}

func TestIoctlRetriesEINTR(t *testing.T) {
	t.Parallel()
	n := 0
	s := &sys{ioctl: func(fd int, req uint, arg unsafe.Pointer) error {
		n++
		if n < 3 {
			return unix.EINTR
		}
		return nil
	}}
	if err := s.setMaster(3); err != nil || n != 3 {
		t.Errorf("setMaster = %v after %d calls, want nil after 3", err, n)
	}
}
