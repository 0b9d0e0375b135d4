package uinput

import (
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
)

// Axis is an absolute axis of a device to create.
type Axis struct {
	Code uint16
	Info evdev.AbsInfo
}

// Config describes a virtual device.
type Config struct {
	Name     string // at most 79 bytes
	ID       evdev.InputID
	Keys     []uint16 // EV_KEY codes
	Rel      []uint16 // EV_REL codes
	Abs      []Axis   // EV_ABS axes with their ranges
	Switches []uint16 // EV_SW codes
	Props    []uint16 // INPUT_PROP_* codes
}

// Event is one event to inject; the kernel stamps the time.
type Event struct {
	Type, Code uint16
	Value      int32
}

// Device is a created virtual device. Its methods are safe for concurrent
// use.
type Device struct {
	path string
	k    kernel
	mu   sync.Mutex
	fd   int // -1 once closed
	buf  []byte
}

// Create opens path (normally /dev/uinput) and creates the device c.
func Create(path string, c Config) (*Device, error) {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("uinput: open %s: %w", path, err)
	}
	d, err := create(fd, path, c, sysKernel())
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return d, nil
}

func create(fd int, path string, c Config, k kernel) (*Device, error) {
	if len(c.Name) >= maxNameSize {
		return nil, fmt.Errorf("uinput: name %q longer than %d bytes", c.Name, maxNameSize-1)
	}
	fail := func(what string, err error) (*Device, error) {
		return nil, fmt.Errorf("uinput: %s %q: %w", what, c.Name, err)
	}
	types := []struct {
		ev    uint16
		req   uintptr
		codes []uint16
	}{
		{evdev.EvKey, uiSetKeyBit, c.Keys},
		{evdev.EvRel, uiSetRelBit, c.Rel},
		{evdev.EvSw, uiSetSwBit, c.Switches},
	}
	if err := k.setBit(fd, uiSetEvBit, evdev.EvSyn); err != nil {
		return fail("enable EV_SYN on", err)
	}
	for _, t := range types {
		if len(t.codes) == 0 {
			continue
		}
		if err := k.setBit(fd, uiSetEvBit, t.ev); err != nil {
			return fail(fmt.Sprintf("enable event type %d on", t.ev), err)
		}
		for _, code := range t.codes {
			if err := k.setBit(fd, t.req, code); err != nil {
				return fail(fmt.Sprintf("enable code %d of type %d on", code, t.ev), err)
			}
		}
	}
	if len(c.Abs) > 0 {
		if err := k.setBit(fd, uiSetEvBit, evdev.EvAbs); err != nil {
			return fail("enable EV_ABS on", err)
		}
	}
	for _, a := range c.Abs {
		if err := k.setBit(fd, uiSetAbsBit, a.Code); err != nil {
			return fail(fmt.Sprintf("enable axis %#x on", a.Code), err)
		}
		as := absSetup{Code: a.Code, AbsInfo: a.Info}
		if err := k.absSetup(fd, &as); err != nil {
			return fail(fmt.Sprintf("set up axis %#x of", a.Code), err)
		}
	}
	for _, p := range c.Props {
		if err := k.setBit(fd, uiSetPropBit, p); err != nil {
			return fail(fmt.Sprintf("set property %d on", p), err)
		}
	}
	s := setup{ID: c.ID}
	copy(s.Name[:], c.Name)
	if err := k.devSetup(fd, &s); err != nil {
		return fail("set up", err)
	}
	if err := k.devCreate(fd); err != nil {
		return fail("create", err)
	}
	return &Device{path: path, k: k, fd: fd}, nil
}

// Write injects evs in one write(2). Callers end a group with a
// SYN_REPORT (see Report).
func (d *Device) Write(evs ...Event) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	b := d.grow(len(evs))
	for i, e := range evs {
		evdev.EncodeEvent(b[i*evdev.EventSize:], evdev.RawEvent{Type: e.Type, Code: e.Code, Value: e.Value})
	}
	return d.write(b)
}

// Report injects evs followed by a SYN_REPORT, in one write(2).
func (d *Device) Report(evs ...Event) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	b := d.grow(len(evs) + 1)
	for i, e := range evs {
		evdev.EncodeEvent(b[i*evdev.EventSize:], evdev.RawEvent{Type: e.Type, Code: e.Code, Value: e.Value})
	}
	evdev.EncodeEvent(b[len(evs)*evdev.EventSize:], evdev.RawEvent{Type: evdev.EvSyn, Code: evdev.SynReport})
	return d.write(b)
}

// keys writes one EV_KEY event per code with value v, then SYN_REPORT, in
// one write(2).
func (d *Device) keys(codes []uint16, v int32) error {
	if len(codes) == 0 {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	b := d.grow(len(codes) + 1)
	for i, c := range codes {
		evdev.EncodeEvent(b[i*evdev.EventSize:], evdev.RawEvent{Type: evdev.EvKey, Code: c, Value: v})
	}
	evdev.EncodeEvent(b[len(codes)*evdev.EventSize:], evdev.RawEvent{Type: evdev.EvSyn, Code: evdev.SynReport})
	return d.write(b)
}

// grow returns the scratch buffer sized for n events; d.mu is held.
func (d *Device) grow(n int) []byte {
	if want := n * evdev.EventSize; cap(d.buf) < want {
		d.buf = make([]byte, want)
	}
	return d.buf[:n*evdev.EventSize]
}

// write does one write(2); d.mu is held.
func (d *Device) write(b []byte) error {
	if d.fd < 0 {
		return fmt.Errorf("uinput: write %s: %w", d.path, os.ErrClosed)
	}
	n, errno := rawWrite(d.fd, b)
	if errno != 0 {
		return fmt.Errorf("uinput: write %s: %w", d.path, errno)
	}
	if n != len(b) {
		return fmt.Errorf("uinput: write %s: short write %d of %d: %w", d.path, n, len(b), unix.EIO)
	}
	return nil
}

// Close destroys the device. It releases nothing itself. Closing twice
// gives an error matching os.ErrClosed.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fd < 0 {
		return fmt.Errorf("uinput: close %s: %w", d.path, os.ErrClosed)
	}
	derr := d.k.devDestroy(d.fd)
	cerr := unix.Close(d.fd)
	d.fd = -1
	if derr != nil {
		return fmt.Errorf("uinput: destroy %s: %w", d.path, derr)
	}
	if cerr != nil {
		return fmt.Errorf("uinput: close %s: %w", d.path, cerr)
	}
	return nil
}
