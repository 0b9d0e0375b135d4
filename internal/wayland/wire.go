package wayland

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// headerSize is the size of a message header: object id, then opcode (low
// 16 bits) and message size in bytes including the header (high 16 bits).
const headerSize = 8

// maxMessage is the largest message the protocol allows (the size field is
// 16 bits; libwayland caps the buffer at 4096).
const maxMessage = 4096

// ErrMalformed marks an event that does not decode: truncated arguments, a
// string without its NUL, a missing file descriptor.
var ErrMalformed = errors.New("wayland: malformed message")

// Encoder builds one request. Get one from Proxy.NewRequest; Send it.
type Encoder struct {
	conn *Conn
	b    []byte
	fds  []int
}

// Int appends an int argument.
func (e *Encoder) Int(v int32) { e.b = binary.NativeEndian.AppendUint32(e.b, uint32(v)) }

// Uint appends a uint (also object and new_id) argument.
func (e *Encoder) Uint(v uint32) { e.b = binary.NativeEndian.AppendUint32(e.b, v) }

// Fixed appends a 24.8 fixed-point argument.
func (e *Encoder) Fixed(v float64) { e.Int(int32(v * 256)) }

// Object appends an object argument; nil is the null object.
func (e *Encoder) Object(o Object) {
	if o == nil {
		e.Uint(0)
		return
	}
	e.Uint(o.Base().id)
}

// String appends a string argument (length with NUL, bytes, padding).
func (e *Encoder) String(s string) {
	e.Uint(uint32(len(s) + 1))
	e.b = append(e.b, s...)
	e.b = append(e.b, 0)
	e.pad()
}

// Array appends an array argument.
func (e *Encoder) Array(a []byte) {
	e.Uint(uint32(len(a)))
	e.b = append(e.b, a...)
	e.pad()
}

// FD queues a file descriptor, sent with the message over SCM_RIGHTS. The
// caller keeps ownership of fd.
func (e *Encoder) FD(fd int) { e.fds = append(e.fds, fd) }

func (e *Encoder) pad() {
	for len(e.b)%4 != 0 {
		e.b = append(e.b, 0)
	}
}

// Send writes the request to the socket.
func (e *Encoder) Send() error {
	if len(e.b) > maxMessage {
		return fmt.Errorf("wayland: request of %d bytes is too long", len(e.b))
	}
	binary.NativeEndian.PutUint32(e.b[4:], uint32(len(e.b))<<16|binary.NativeEndian.Uint32(e.b[4:])&0xffff)
	return e.conn.write(e.b, e.fds)
}

// Decoder reads the arguments of one event. The first failure sticks: later
// reads return zero values and Err reports it.
type Decoder struct {
	conn *Conn
	b    []byte
	err  error
}

// Err is the first decoding error, wrapping ErrMalformed.
func (d *Decoder) Err() error { return d.err }

func (d *Decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrMalformed, what)
	}
}

// Uint reads a uint (also object and new_id) argument.
func (d *Decoder) Uint() uint32 {
	if len(d.b) < 4 {
		d.fail("truncated argument")
		return 0
	}
	v := binary.NativeEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

// Int reads an int argument.
func (d *Decoder) Int() int32 { return int32(d.Uint()) }

// Fixed reads a 24.8 fixed-point argument.
func (d *Decoder) Fixed() float64 { return float64(d.Int()) / 256 }

// Array reads an array argument (a copy).
func (d *Decoder) Array() []byte {
	n := int(d.Uint())
	p := (n + 3) &^ 3
	if d.err != nil || n < 0 || p > len(d.b) {
		d.fail("truncated array")
		return nil
	}
	a := append([]byte(nil), d.b[:n]...)
	d.b = d.b[p:]
	return a
}

// String reads a string argument.
func (d *Decoder) String() string {
	a := d.Array()
	if d.err != nil {
		return ""
	}
	if len(a) == 0 { // the null string
		return ""
	}
	if a[len(a)-1] != 0 {
		d.fail("string without NUL")
		return ""
	}
	return string(a[:len(a)-1])
}

// FD takes the next received file descriptor; the handler owns it.
func (d *Decoder) FD() int {
	fd, ok := d.conn.takeFD()
	if !ok {
		d.fail("missing file descriptor")
		return -1
	}
	return fd
}

// CloseFD closes a received descriptor that nobody wants (a negative fd is
// ignored). Generated code calls it when an event's handler is unset.
func CloseFD(fd int) {
	if fd >= 0 {
		unix.Close(fd)
	}
}
