package evdev

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Values printed by a C program compiled against the kernel headers
// (linux/input.h); the encoding is the same on amd64 and arm64.
func TestIoctlNumbers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		got  uintptr
		want uintptr
	}{
		{"EVIOCGVERSION", eviocgversion, 0x80044501},
		{"EVIOCGID", eviocgid, 0x80084502},
		{"EVIOCGNAME(256)", eviocgname(256), 0x81004506},
		{"EVIOCGPROP(8)", eviocgprop(8), 0x80084509},
		{"EVIOCGMTSLOTS(260)", eviocgmtslots(4 * 65), 0x8104450a},
		{"EVIOCGKEY(96)", eviocgkey(96), 0x80604518},
		{"EVIOCGSW(8)", eviocgsw(8), 0x8008451b},
		{"EVIOCGBIT(0,8)", eviocgbit(0, 8), 0x80084520},
		{"EVIOCGBIT(EV_KEY,96)", eviocgbit(EvKey, 96), 0x80604521},
		{"EVIOCGBIT(EV_REL,8)", eviocgbit(EvRel, 8), 0x80084522},
		{"EVIOCGBIT(EV_ABS,8)", eviocgbit(EvAbs, 8), 0x80084523},
		{"EVIOCGBIT(EV_SW,8)", eviocgbit(EvSw, 8), 0x80084525},
		{"EVIOCGABS(ABS_X)", eviocgabs(AbsX), 0x80184540},
		{"EVIOCGABS(ABS_MT_SLOT)", eviocgabs(AbsMtSlot), 0x8018456f},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, header says %#x", c.name, c.got, c.want)
		}
	}
}

func TestBitmapSizes(t *testing.T) {
	t.Parallel()
	// The kernel writes whole unsigned longs.
	for _, c := range [][2]int{{EvMax + 1, 8}, {KeyCnt, 96}, {AbsCnt, 8}, {SwCnt, 8}, {PropCnt, 8}, {65, 16}} {
		if got := bitsLen(c[0]); got != c[1] {
			t.Errorf("bitsLen(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}

func TestDecodeEncode(t *testing.T) {
	t.Parallel()
	in := []RawEvent{
		{Sec: 1700000000, Usec: 999999, Type: EvAbs, Code: AbsMtPositionX, Value: -5},
		{Sec: 1, Usec: 2, Type: EvSyn, Code: SynReport, Value: 0},
		{Type: EvKey, Code: KeyFn, Value: 1},
	}
	buf := make([]byte, len(in)*EventSize+7) // trailing partial record
	for i, e := range in {
		EncodeEvent(buf[i*EventSize:], e)
	}
	// Against the kernel's layout read through unsafe.
	for i, e := range in {
		raw := *(*RawEvent)(unsafe.Pointer(&buf[i*EventSize]))
		if raw != e {
			t.Errorf("record %d in memory = %+v, want %+v", i, raw, e)
		}
	}
	out := make([]RawEvent, 5)
	n := DecodeEvents(buf, out)
	if n != len(in) {
		t.Fatalf("decoded %d, want %d", n, len(in))
	}
	for i := range in {
		if out[i] != in[i] {
			t.Errorf("event %d = %+v, want %+v", i, out[i], in[i])
		}
	}
	if n := DecodeEvents(buf, out[:1]); n != 1 {
		t.Errorf("decoded %d into 1 slot", n)
	}
}

func TestDecodeAllocs(t *testing.T) { // not parallel: AllocsPerRun
	buf := make([]byte, 64*EventSize)
	out := make([]RawEvent, 64)
	if allocs := testing.AllocsPerRun(100, func() { DecodeEvents(buf, out) }); allocs != 0 {
		t.Errorf("DecodeEvents allocates %v times", allocs)
	}
}

func BenchmarkDecodeEvents(b *testing.B) {
	buf := make([]byte, 64*EventSize)
	out := make([]RawEvent, 64)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		DecodeEvents(buf, out)
	}
}

func TestBits(t *testing.T) {
	t.Parallel()
	b := make(Bits, bitsLen(KeyCnt))
	b[KeyFn/8] |= 1 << (KeyFn % 8)
	if !b.Has(KeyFn) || b.Has(KeyFn+1) || b.Has(-1) || b.Has(100000) {
		t.Errorf("Has is wrong on %v", b)
	}
}

// fakeKernel answers evdev ioctls like a device with the given state.
type fakeKernel struct {
	name    string
	id      InputID
	bits    map[int][]int // event type (0: types, -1: props) -> codes
	abs     map[int]AbsInfo
	sw      []int
	slots   map[int][]int32 // axis -> value per slot
	fail    map[uintptr]unix.Errno
	queries int
}

func (k *fakeKernel) ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	k.queries++
	if e, ok := k.fail[req]; ok {
		return e
	}
	size := int(req>>16) & 0x3fff
	mem := unsafe.Slice((*byte)(arg), size)
	setBits := func(codes []int) {
		clear(mem)
		for _, c := range codes {
			if c/8 < len(mem) {
				mem[c/8] |= 1 << (c % 8)
			}
		}
	}
	nr := req & 0xff
	switch {
	case req == eviocgversion:
		*(*int32)(arg) = 0x010001
	case req == eviocgid:
		*(*InputID)(arg) = k.id
	case req == eviocgname(uintptr(size)):
		clear(mem)
		copy(mem[:size-1], k.name)
	case req == eviocgprop(uintptr(size)):
		setBits(k.bits[-1])
	case req == eviocgsw(uintptr(size)):
		setBits(k.sw)
	case req == eviocgmtslots(uintptr(size)):
		vals := unsafe.Slice((*int32)(arg), size/4)
		copy(vals[1:], k.slots[int(vals[0])])
	case nr >= 0x20 && nr < 0x20+EvMax && req == eviocgbit(nr-0x20, uintptr(size)):
		setBits(k.bits[int(nr-0x20)])
	case nr >= 0x40 && nr < 0x40+AbsCnt && req == eviocgabs(nr-0x40):
		*(*AbsInfo)(arg) = k.abs[int(nr-0x40)]
	default:
		return unix.ENOTTY
	}
	return nil
}
