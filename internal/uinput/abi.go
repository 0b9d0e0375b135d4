package uinput

import (
	"structs"
	"unsafe"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
)

// maxNameSize is UINPUT_MAX_NAME_SIZE.
const maxNameSize = 80

// setup is struct uinput_setup.
type setup struct {
	_            structs.HostLayout
	ID           evdev.InputID
	Name         [maxNameSize]byte
	FFEffectsMax uint32
}

// absSetup is struct uinput_abs_setup.
type absSetup struct {
	_       structs.HostLayout
	Code    uint16
	_       [2]byte
	AbsInfo evdev.AbsInfo
}

var (
	_ [92 - unsafe.Sizeof(setup{})]byte
	_ [unsafe.Sizeof(setup{}) - 92]byte
	_ [28 - unsafe.Sizeof(absSetup{})]byte
	_ [unsafe.Sizeof(absSetup{}) - 28]byte
)

const (
	iocNone  = 0
	iocWrite = 1
	iocRead  = 2
	uiType   = 'U'
)

// Request numbers from linux/uinput.h.
var (
	uiDevCreate  = evdev.IOC(iocNone, uiType, 1, 0)
	uiDevDestroy = evdev.IOC(iocNone, uiType, 2, 0)
	uiDevSetup   = evdev.IOC(iocWrite, uiType, 3, unsafe.Sizeof(setup{}))
	uiAbsSetup   = evdev.IOC(iocWrite, uiType, 4, unsafe.Sizeof(absSetup{}))
	uiSetEvBit   = evdev.IOC(iocWrite, uiType, 100, unsafe.Sizeof(int32(0)))
	uiSetKeyBit  = evdev.IOC(iocWrite, uiType, 101, unsafe.Sizeof(int32(0)))
	uiSetRelBit  = evdev.IOC(iocWrite, uiType, 102, unsafe.Sizeof(int32(0)))
	uiSetAbsBit  = evdev.IOC(iocWrite, uiType, 103, unsafe.Sizeof(int32(0)))
	uiSetSwBit   = evdev.IOC(iocWrite, uiType, 109, unsafe.Sizeof(int32(0)))
	uiSetPropBit = evdev.IOC(iocWrite, uiType, 110, unsafe.Sizeof(int32(0)))
)

// kernel is the ioctl boundary: ptr for ioctls taking a pointer, val for
// those taking an int by value (UI_SET_*BIT). Tests fake both.
type kernel struct {
	ptr evdev.Ioctl
	val func(fd int, req uintptr, v int) error
}

func sysKernel() kernel {
	return kernel{ptr: evdev.SysIoctl, val: func(fd int, req uintptr, v int) error {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(v))
		if e != 0 {
			return e
		}
		return nil
	}}
}

func (k kernel) setBit(fd int, req uintptr, code uint16) error { return k.val(fd, req, int(code)) }

func (k kernel) devSetup(fd int, s *setup) error { return k.ptr(fd, uiDevSetup, unsafe.Pointer(s)) }

func (k kernel) absSetup(fd int, a *absSetup) error {
	return k.ptr(fd, uiAbsSetup, unsafe.Pointer(a))
}

func (k kernel) devCreate(fd int) error  { return k.ptr(fd, uiDevCreate, nil) }
func (k kernel) devDestroy(fd int) error { return k.ptr(fd, uiDevDestroy, nil) }

// rawWrite is write(2) as a raw system call, EINTR retried: uinput's write
// never blocks, and entering a blocking call would wake the runtime's
// monitor thread on every key of an idle daemon (it then polls every
// 20 µs for a while).
func rawWrite(fd int, b []byte) (int, unix.Errno) {
	for {
		r, _, errno := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
		if errno != unix.EINTR {
			return int(r), errno
		}
	}
}
