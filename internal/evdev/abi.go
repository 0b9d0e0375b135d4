package evdev

import (
	"encoding/binary"
	"structs"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Event types, codes and properties from linux/input-event-codes.h.
const (
	EvSyn = 0x00
	EvKey = 0x01
	EvRel = 0x02
	EvAbs = 0x03
	EvMsc = 0x04
	EvSw  = 0x05
	EvMax = 0x1f

	SynReport  = 0
	SynDropped = 3

	KeyFn    = 464
	BtnTouch = 0x14a
	KeyMax   = 0x2ff
	KeyCnt   = KeyMax + 1

	AbsX            = 0x00
	AbsY            = 0x01
	AbsMtSlot       = 0x2f
	AbsMtPositionX  = 0x35
	AbsMtPositionY  = 0x36
	AbsMtTrackingID = 0x39
	AbsMax          = 0x3f
	AbsCnt          = AbsMax + 1

	RelMax = 0x0f
	RelCnt = RelMax + 1

	SwLid = 0x00
	SwMax = 0x10
	SwCnt = SwMax + 1

	PropDirect = 0x01
	PropMax    = 0x1f
	PropCnt    = PropMax + 1
)

// Bus types from linux/input.h.
const (
	BusUSB     = 0x03
	BusVirtual = 0x06
)

// RawEvent is struct input_event on 64-bit Linux (amd64, arm64): a timeval
// then type, code and value.
type RawEvent struct {
	_     structs.HostLayout
	Sec   int64
	Usec  int64
	Type  uint16
	Code  uint16
	Value int32
}

// EventSize is the size of one input_event record.
const EventSize = 24

// InputID is struct input_id.
type InputID struct {
	_       structs.HostLayout
	Bustype uint16
	Vendor  uint16
	Product uint16
	Version uint16
}

// AbsInfo is struct input_absinfo.
type AbsInfo struct {
	_          structs.HostLayout
	Value      int32
	Minimum    int32
	Maximum    int32
	Fuzz       int32
	Flat       int32
	Resolution int32
}

var (
	_ [EventSize - unsafe.Sizeof(RawEvent{})]byte
	_ [unsafe.Sizeof(RawEvent{}) - EventSize]byte
	_ [8 - unsafe.Sizeof(InputID{})]byte
	_ [unsafe.Sizeof(InputID{}) - 8]byte
	_ [24 - unsafe.Sizeof(AbsInfo{})]byte
	_ [unsafe.Sizeof(AbsInfo{}) - 24]byte
)

// ioctl direction bits and the _IOC encoding of asm-generic/ioctl.h (the
// same on amd64 and arm64).
const (
	iocNone  = 0
	iocWrite = 1
	iocRead  = 2
)

// IOC builds an ioctl request number like the kernel's _IOC macro.
func IOC(dir, typ, nr, size uintptr) uintptr {
	return dir<<30 | size<<16 | typ<<8 | nr
}

const evType = 'E'

// Request numbers of the evdev ioctls used here.
var (
	eviocgversion = IOC(iocRead, evType, 0x01, unsafe.Sizeof(int32(0)))
	eviocgid      = IOC(iocRead, evType, 0x02, unsafe.Sizeof(InputID{}))
)

func eviocgname(n uintptr) uintptr    { return IOC(iocRead, evType, 0x06, n) }
func eviocgprop(n uintptr) uintptr    { return IOC(iocRead, evType, 0x09, n) }
func eviocgmtslots(n uintptr) uintptr { return IOC(iocRead, evType, 0x0a, n) }
func eviocgkey(n uintptr) uintptr     { return IOC(iocRead, evType, 0x18, n) }
func eviocgsw(n uintptr) uintptr      { return IOC(iocRead, evType, 0x1b, n) }
func eviocgbit(ev, n uintptr) uintptr { return IOC(iocRead, evType, 0x20+ev, n) }
func eviocgabs(abs uintptr) uintptr   { return IOC(iocRead, evType, 0x40+abs, unsafe.Sizeof(AbsInfo{})) }

// Ioctl is the kernel boundary: one ioctl on fd. Tests pass a fake that
// switches on req and fills the memory behind arg.
type Ioctl func(fd int, req uintptr, arg unsafe.Pointer) error

// SysIoctl is the real ioctl(2); its error is the bare unix.Errno.
func SysIoctl(fd int, req uintptr, arg unsafe.Pointer) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
	if e != 0 {
		return e
	}
	return nil
}

// Bits is a kernel capability bitmap (unsigned longs, little-endian on every
// arch we build for, so plain bytes).
type Bits []byte

// Has reports whether bit i is set.
func (b Bits) Has(i int) bool {
	return i >= 0 && i/8 < len(b) && b[i/8]&(1<<(i%8)) != 0
}

func bitsLen(n int) int { return (n + 63) / 64 * 8 }

// queryName reads EVIOCGNAME.
func queryName(io Ioctl, fd int) (string, error) {
	var buf [256]byte
	if err := io(fd, eviocgname(uintptr(len(buf))), unsafe.Pointer(&buf[0])); err != nil {
		return "", err
	}
	n := 0
	for n < len(buf) && buf[n] != 0 {
		n++
	}
	return string(buf[:n]), nil
}

func queryID(io Ioctl, fd int) (InputID, error) {
	var id InputID
	err := io(fd, eviocgid, unsafe.Pointer(&id))
	return id, err
}

func queryVersion(io Ioctl, fd int) (int32, error) {
	var v int32
	err := io(fd, eviocgversion, unsafe.Pointer(&v))
	return v, err
}

// queryBits reads a capability bitmap: ev = 0 gives the event types, an
// event type its codes, -1 the input properties.
func queryBits(io Ioctl, fd, ev, count int) (Bits, error) {
	b := make(Bits, bitsLen(count))
	req := eviocgbit(uintptr(ev), uintptr(len(b)))
	if ev < 0 {
		req = eviocgprop(uintptr(len(b)))
	}
	if err := io(fd, req, unsafe.Pointer(&b[0])); err != nil {
		return nil, err
	}
	return b, nil
}

// queryState reads the current key (EvKey) or switch (EvSw) state bitmap.
func queryState(io Ioctl, fd, ev, count int) (Bits, error) {
	b := make(Bits, bitsLen(count))
	req := eviocgsw(uintptr(len(b)))
	if ev == EvKey {
		req = eviocgkey(uintptr(len(b)))
	}
	if err := io(fd, req, unsafe.Pointer(&b[0])); err != nil {
		return nil, err
	}
	return b, nil
}

func queryAbs(io Ioctl, fd, code int) (AbsInfo, error) {
	var a AbsInfo
	err := io(fd, eviocgabs(uintptr(code)), unsafe.Pointer(&a))
	return a, err
}

// queryMTSlots fills vals with the value of axis code for each slot
// (struct input_mt_request_layout: the code, then one __s32 per slot). buf
// must hold len(vals)+1 values; it is reused to avoid allocations.
func queryMTSlots(io Ioctl, fd, code int, buf []int32) error {
	buf[0] = int32(code)
	return io(fd, eviocgmtslots(uintptr(len(buf))*4), unsafe.Pointer(&buf[0]))
}

// DecodeEvents decodes whole 24-byte input_event records from b into out
// and returns how many it wrote. Trailing partial bytes are ignored.
func DecodeEvents(b []byte, out []RawEvent) int {
	n := 0
	for len(b) >= EventSize && n < len(out) {
		out[n] = RawEvent{
			Sec:   int64(binary.NativeEndian.Uint64(b[0:8])),
			Usec:  int64(binary.NativeEndian.Uint64(b[8:16])),
			Type:  binary.NativeEndian.Uint16(b[16:18]),
			Code:  binary.NativeEndian.Uint16(b[18:20]),
			Value: int32(binary.NativeEndian.Uint32(b[20:24])),
		}
		b = b[EventSize:]
		n++
	}
	return n
}

// EncodeEvent writes e as a 24-byte input_event record into b[:24].
func EncodeEvent(b []byte, e RawEvent) {
	_ = b[EventSize-1]
	binary.NativeEndian.PutUint64(b[0:8], uint64(e.Sec))
	binary.NativeEndian.PutUint64(b[8:16], uint64(e.Usec))
	binary.NativeEndian.PutUint16(b[16:18], e.Type)
	binary.NativeEndian.PutUint16(b[18:20], e.Code)
	binary.NativeEndian.PutUint32(b[20:24], uint32(e.Value))
}

// rawRead is read(2) as a raw system call, EINTR retried; fd must be
// non-blocking (an empty device answers EAGAIN).
func rawRead(fd uintptr, b []byte) (int, syscall.Errno) {
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
		if errno != syscall.EINTR {
			return int(n), errno
		}
	}
}
