package uinput

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
)

// Values printed by a C program compiled against linux/uinput.h.
func TestIoctlNumbers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"UI_DEV_CREATE", uiDevCreate, 0x00005501},
		{"UI_DEV_DESTROY", uiDevDestroy, 0x00005502},
		{"UI_DEV_SETUP", uiDevSetup, 0x405c5503},
		{"UI_ABS_SETUP", uiAbsSetup, 0x401c5504},
		{"UI_SET_EVBIT", uiSetEvBit, 0x40045564},
		{"UI_SET_KEYBIT", uiSetKeyBit, 0x40045565},
		{"UI_SET_RELBIT", uiSetRelBit, 0x40045566},
		{"UI_SET_ABSBIT", uiSetAbsBit, 0x40045567},
		{"UI_SET_SWBIT", uiSetSwBit, 0x4004556d},
		{"UI_SET_PROPBIT", uiSetPropBit, 0x4004556e},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, header says %#x", c.name, c.got, c.want)
		}
	}
	if off := unsafe.Offsetof(absSetup{}.AbsInfo); off != 4 {
		t.Errorf("uinput_abs_setup.absinfo at %d, want 4", off)
	}
	if off := unsafe.Offsetof(setup{}.FFEffectsMax); off != 88 {
		t.Errorf("uinput_setup.ff_effects_max at %d, want 88", off)
	}
}

// fakeUinput records what a device creation asks of the kernel.
type fakeUinput struct {
	bits    map[uintptr][]int // request -> codes
	setup   setup
	abs     map[uint16]evdev.AbsInfo
	created bool
	destroy int
	failReq uintptr
}

func newFake() *fakeUinput {
	return &fakeUinput{bits: map[uintptr][]int{}, abs: map[uint16]evdev.AbsInfo{}}
}

func (f *fakeUinput) kernel() kernel {
	return kernel{
		ptr: func(fd int, req uintptr, arg unsafe.Pointer) error {
			if req == f.failReq {
				return unix.EINVAL
			}
			switch req {
			case uiDevSetup:
				f.setup = *(*setup)(arg)
			case uiAbsSetup:
				a := (*absSetup)(arg)
				f.abs[a.Code] = a.AbsInfo
			case uiDevCreate:
				f.created = true
			case uiDevDestroy:
				f.destroy++
			default:
				return unix.ENOTTY
			}
			return nil
		},
		val: func(fd int, req uintptr, v int) error {
			if req == f.failReq {
				return unix.EINVAL
			}
			f.bits[req] = append(f.bits[req], v)
			return nil
		},
	}
}
