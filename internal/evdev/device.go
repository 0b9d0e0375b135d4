package evdev

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ErrGone says the device was removed (the kernel answers ENODEV). Errors
// that match it also match unix.ENODEV.
var ErrGone = errors.New("input device gone")

// Info is what a device says about itself.
type Info struct {
	Path    string
	Name    string
	ID      InputID
	Version int32
	EV      Bits // event types
	Key     Bits // EV_KEY codes
	Abs     Bits // EV_ABS codes
	Rel     Bits // EV_REL codes
	Sw      Bits // EV_SW codes
	Prop    Bits // INPUT_PROP_*
}

// Device is an open event device. Its fd is non-blocking and served by the
// runtime poller: Close interrupts a Read blocked in another goroutine.
type Device struct {
	Info
	f     *os.File
	rc    syscall.RawConn
	ioctl Ioctl
	buf   []byte
	slots []int32 // EVIOCGMTSLOTS scratch

	// The raw read (rawRead, bound once: no allocation per Read) and what
	// it read.
	readFn  func(fd uintptr) bool
	rbuf    []byte
	rn      int
	rerr    syscall.Errno
	closing atomic.Bool
	// packets: the file is a character device (an event node), whose
	// reads drain whole packets and whose removal wakes the poller anew
	// (ReadEach); not a pipe or a regular file.
	packets bool
}

// Open opens path read-only and reads its description.
func Open(path string) (*Device, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("evdev: open %s: %w", path, wrapErrno(err))
	}
	f := os.NewFile(uintptr(fd), path)
	d, err := New(f, SysIoctl)
	if err != nil {
		f.Close()
		return nil, err
	}
	return d, nil
}

// New wraps an open, non-blocking file (named by f.Name()) and reads its
// description through io. On success the Device owns f; on error the
// caller still does.
func New(f *os.File, io Ioctl) (*Device, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("evdev: %s: %w", f.Name(), err)
	}
	d := &Device{f: f, rc: rc, ioctl: io}
	d.readFn = d.rawRead
	d.Path = f.Name()
	err = d.control(func(fd int) error {
		var st syscall.Stat_t
		if syscall.Fstat(fd, &st) == nil {
			d.packets = st.Mode&syscall.S_IFMT == syscall.S_IFCHR
		}
		var err error
		if d.Name, err = queryName(io, fd); err != nil {
			return fmt.Errorf("name: %w", err)
		}
		if d.ID, err = queryID(io, fd); err != nil {
			return fmt.Errorf("id: %w", err)
		}
		if d.Version, err = queryVersion(io, fd); err != nil {
			return fmt.Errorf("version: %w", err)
		}
		if d.EV, err = queryBits(io, fd, 0, EvMax+1); err != nil {
			return fmt.Errorf("event types: %w", err)
		}
		for _, q := range []struct {
			ev, n int
			dst   *Bits
		}{{EvKey, KeyCnt, &d.Key}, {EvAbs, AbsCnt, &d.Abs}, {EvRel, RelCnt, &d.Rel}, {EvSw, SwCnt, &d.Sw}} {
			if !d.EV.Has(q.ev) {
				*q.dst = make(Bits, bitsLen(q.n))
				continue
			}
			if *q.dst, err = queryBits(io, fd, q.ev, q.n); err != nil {
				return fmt.Errorf("bits of type %d: %w", q.ev, err)
			}
		}
		if d.Prop, err = queryBits(io, fd, -1, PropCnt); err != nil {
			// Very old kernels lack EVIOCGPROP: no properties.
			d.Prop = make(Bits, bitsLen(PropCnt))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("evdev: %s: %w", d.Path, err)
	}
	return d, nil
}

// control runs fn on the raw fd without taking it out of non-blocking mode.
func (d *Device) control(fn func(fd int) error) error {
	var ferr error
	if err := d.rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return wrapErrno(ferr)
}

// AbsInfo reads the range and current value of an absolute axis.
func (d *Device) AbsInfo(code int) (AbsInfo, error) {
	var a AbsInfo
	err := d.control(func(fd int) error {
		var err error
		a, err = queryAbs(d.ioctl, fd, code)
		return err
	})
	if err != nil {
		return a, fmt.Errorf("evdev: %s: axis %#x: %w", d.Path, code, err)
	}
	return a, nil
}

// MTSlots fills vals[i] with the current value of axis code in slot i.
func (d *Device) MTSlots(code int, vals []int32) error {
	if cap(d.slots) < len(vals)+1 {
		d.slots = make([]int32, len(vals)+1)
	}
	buf := d.slots[:len(vals)+1]
	err := d.control(func(fd int) error { return queryMTSlots(d.ioctl, fd, code, buf) })
	if err != nil {
		return fmt.Errorf("evdev: %s: slots of axis %#x: %w", d.Path, code, err)
	}
	copy(vals, buf[1:])
	return nil
}

// Switches reads the current state of the switches (EV_SW codes).
func (d *Device) Switches() (Bits, error) {
	var b Bits
	err := d.control(func(fd int) error {
		var err error
		b, err = queryState(d.ioctl, fd, EvSw, SwCnt)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("evdev: %s: switch state: %w", d.Path, err)
	}
	return b, nil
}

// Keys reads which keys are down now.
func (d *Device) Keys() (Bits, error) {
	var b Bits
	err := d.control(func(fd int) error {
		var err error
		b, err = queryState(d.ioctl, fd, EvKey, KeyCnt)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("evdev: %s: key state: %w", d.Path, err)
	}
	return b, nil
}

// Read waits for events and decodes as many as fit into evs. A removed
// device gives an error matching ErrGone; a closed one os.ErrClosed.
func (d *Device) Read(evs []RawEvent) (int, error) {
	if len(evs) == 0 {
		return 0, nil
	}
	if want := len(evs) * EventSize; cap(d.buf) < want {
		d.buf = make([]byte, want)
	}
	d.rbuf = d.buf[:len(evs)*EventSize]
	if err := d.rc.Read(d.readFn); err != nil {
		if d.closing.Load() {
			err = os.ErrClosed // the poller says "use of closed file"
		}
		return 0, fmt.Errorf("evdev: read %s: %w", d.Path, err)
	}
	if d.rerr != 0 {
		return 0, fmt.Errorf("evdev: %w", wrapErrno(&os.PathError{Op: "read", Path: d.Path, Err: d.rerr}))
	}
	if d.rn == 0 {
		return 0, fmt.Errorf("evdev: read %s: %w", d.Path, io.EOF)
	}
	return DecodeEvents(d.buf[:d.rn], evs), nil
}

// ReadEach reads events as they come and hands the events of each read to
// fn (evs, refilled), until fn returns false (ReadEach returns nil) or a
// read fails with the error Read would give. fn runs on the caller's
// goroutine while the device is held for reading: it must not wait for
// anything that waits for Close.
//
// It is Read in a loop without leaving the poller's wait between reads,
// which lets it skip a system call: evdev hands out whole packets, so a
// read that got less than it asked for emptied the kernel's buffer, and
// every later packet wakes the poller anew (edge-triggered, and the
// runtime keeps a wake-up that comes while nobody waits — until the next
// Read starts, which is why Read cannot do this). So after a short read
// ReadEach waits before reading, instead of reading to hear EAGAIN: one
// read(2) per touch frame instead of two. After a full read it reads
// again at once. (Only on an event node: a pipe's end of file that came
// before ReadEach started would not wake it again.)
func (d *Device) ReadEach(evs []RawEvent, fn func([]RawEvent) bool) error {
	if len(evs) == 0 {
		return nil
	}
	buf := make([]byte, len(evs)*EventSize)
	var (
		drained, stopped bool
		n                int
		rerr             syscall.Errno
	)
	err := d.rc.Read(func(fd uintptr) bool {
		for {
			if d.closing.Load() {
				return true // Close waits for this call to end: a device that never stops sending must not hold it
			}
			if drained {
				drained = false
				return false
			}
			n, rerr = rawRead(fd, buf)
			switch {
			case rerr == syscall.EAGAIN:
				return false
			case rerr != 0 || n == 0:
				return true
			}
			if !fn(evs[:DecodeEvents(buf[:n], evs)]) {
				stopped = true
				return true
			}
			drained = d.packets && n < len(buf)
		}
	})
	switch {
	case stopped:
		return nil
	case err != nil || d.closing.Load():
		if d.closing.Load() {
			err = os.ErrClosed
		}
		return fmt.Errorf("evdev: read %s: %w", d.Path, err)
	case rerr != 0:
		return fmt.Errorf("evdev: %w", wrapErrno(&os.PathError{Op: "read", Path: d.Path, Err: rerr}))
	default:
		return fmt.Errorf("evdev: read %s: %w", d.Path, io.EOF)
	}
}

// rawRead is one read(2) of d.rbuf as a raw system call: the fd is
// non-blocking, so it never blocks, and the runtime does not treat it as
// a blocking call (entering one wakes the runtime's monitor thread, which
// then polls every 20 µs for a while: on every touch of an idle daemon).
// It tells the poller to wait when there is nothing to read.
func (d *Device) rawRead(fd uintptr) bool {
	n, errno := rawRead(fd, d.rbuf)
	switch errno {
	case 0:
		d.rn, d.rerr = n, 0
		return true
	case syscall.EAGAIN:
		return false
	default:
		d.rn, d.rerr = 0, errno
		return true
	}
}

// SetReadDeadline makes a blocked or later Read fail with an error
// matching os.ErrDeadlineExceeded once t has passed; zero t: no deadline.
func (d *Device) SetReadDeadline(t time.Time) error { return d.f.SetReadDeadline(t) }

// Close closes the device; a blocked Read returns os.ErrClosed. Closing
// twice gives an error matching os.ErrClosed.
func (d *Device) Close() error {
	d.closing.Store(true)
	if err := d.f.Close(); err != nil {
		return fmt.Errorf("evdev: close %s: %w", d.Path, err)
	}
	return nil
}

// wrapErrno adds ErrGone to ENODEV errors, keeping the errno.
func wrapErrno(err error) error {
	if err != nil && errors.Is(err, unix.ENODEV) && !errors.Is(err, ErrGone) {
		return fmt.Errorf("%w: %w", ErrGone, err)
	}
	return err
}
