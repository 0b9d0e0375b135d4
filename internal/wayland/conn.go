package wayland

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// ErrNoDisplay says there is no Wayland display to connect to: no
// WAYLAND_DISPLAY, or nothing listening on its socket.
var ErrNoDisplay = errors.New("no Wayland display")

// ProtocolError is a fatal error the compositor reported on an object.
type ProtocolError struct {
	Object  uint32
	Code    uint32
	Message string
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("wayland: protocol error %d on object %d: %s", e.Code, e.Object, e.Message)
}

// Object is a protocol object: generated interface types embed Proxy and
// implement Dispatch for their events.
type Object interface {
	Base() *Proxy
	Dispatch(opcode uint16, d *Decoder) error
}

// Proxy is the client side of one object: its id and connection.
type Proxy struct {
	conn *Conn
	id   uint32
}

// Base returns p (it lets generated types satisfy Object).
func (p *Proxy) Base() *Proxy { return p }

// ID is the object's id on the wire (0 before registration).
func (p *Proxy) ID() uint32 { return p.id }

// Conn is the connection the object lives on.
func (p *Proxy) Conn() *Conn { return p.conn }

// NewRequest starts a request with the given opcode on p.
func (p *Proxy) NewRequest(opcode uint16) *Encoder {
	e := &Encoder{conn: p.conn, b: make([]byte, headerSize, 64)}
	binary.NativeEndian.PutUint32(e.b[0:], p.id)
	binary.NativeEndian.PutUint32(e.b[4:], uint32(opcode))
	return e
}

// Conn is a connection to a compositor.
type Conn struct {
	sock    *os.File        // the non-blocking socket, in the runtime's poller
	raw     syscall.RawConn // sock's descriptor for sendmsg/recvmsg
	shut    atomic.Bool     // Close has begun: a failing Read says os.ErrClosed
	display *Display
	objects map[uint32]Object
	nextID  uint32
	free    []uint32
	in      []byte // received bytes not yet dispatched
	fds     []int  // received descriptors not yet taken
	err     error  // the protocol error, once reported
	closed  bool
}

// DialEnv connects to the display named by the environment, read through
// getenv: WAYLAND_SOCKET (a connected descriptor a launcher passed down),
// else WAYLAND_DISPLAY, a name under XDG_RUNTIME_DIR or an absolute path.
// It returns an error wrapping ErrNoDisplay when WAYLAND_DISPLAY is unset
// or its socket is missing or refuses.
func DialEnv(getenv func(string) string) (*Conn, error) {
	if s := getenv("WAYLAND_SOCKET"); s != "" {
		return fromFD(s)
	}
	name := getenv("WAYLAND_DISPLAY")
	if name == "" {
		return nil, fmt.Errorf("%w: WAYLAND_DISPLAY is not set", ErrNoDisplay)
	}
	if !filepath.IsAbs(name) {
		dir := getenv("XDG_RUNTIME_DIR")
		if dir == "" {
			return nil, fmt.Errorf("%w: XDG_RUNTIME_DIR is not set", ErrNoDisplay)
		}
		name = filepath.Join(dir, name)
	}
	return Dial(name)
}

// Dial connects to the compositor socket at path.
func Dial(path string) (*Conn, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("wayland: socket: %w", err)
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		var errno unix.Errno
		if errors.As(err, &errno) && (errno == unix.ENOENT || errno == unix.ECONNREFUSED) {
			return nil, fmt.Errorf("%w: connect %s: %w", ErrNoDisplay, path, errno)
		}
		return nil, fmt.Errorf("wayland: connect %s: %w", path, err)
	}
	return NewConn(fd)
}

// fromFD takes over the socket descriptor named by WAYLAND_SOCKET.
func fromFD(s string) (*Conn, error) {
	fd, err := strconv.Atoi(s)
	if err != nil || fd < 0 {
		return nil, fmt.Errorf("wayland: WAYLAND_SOCKET=%q is not a descriptor", s)
	}
	domain, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN)
	if err != nil {
		return nil, fmt.Errorf("wayland: WAYLAND_SOCKET=%d: %w", fd, err)
	}
	if typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE); err != nil || domain != unix.AF_UNIX || typ != unix.SOCK_STREAM {
		return nil, fmt.Errorf("wayland: WAYLAND_SOCKET=%d is not a unix stream socket", fd)
	}
	// The launcher's descriptor is inherited without close-on-exec: take a
	// close-on-exec copy and close the original.
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("wayland: WAYLAND_SOCKET=%d: %w", fd, err)
	}
	unix.Close(fd)
	return NewConn(nfd)
}

// NewConn speaks the protocol over fd, an already connected unix stream
// socket, which it then owns (closed on error too). The socket is made
// non-blocking and waits in the runtime's poller, so Close unblocks a Read
// on another goroutine; no package net, no cgo.
func NewConn(fd int) (*Conn, error) {
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("wayland: socket: %w", err)
	}
	sock := os.NewFile(uintptr(fd), "wayland")
	raw, err := sock.SyscallConn()
	if err != nil {
		sock.Close()
		return nil, fmt.Errorf("wayland: socket: %w", err)
	}
	c := &Conn{sock: sock, raw: raw, objects: map[uint32]Object{}, nextID: 1}
	d := &Display{}
	c.Register(d)
	d.OnError = func(obj, code uint32, msg string) {
		c.err = &ProtocolError{Object: obj, Code: code, Message: msg}
	}
	d.OnDeleteId = func(id uint32) {
		if id != 1 {
			delete(c.objects, id)
			c.free = append(c.free, id)
		}
	}
	c.display = d
	return c, nil
}

// Display is the connection's wl_display (object 1).
func (c *Conn) Display() *Display { return c.display }

// Register gives o a fresh id on c. Generated constructors call it.
func (c *Conn) Register(o Object) {
	var id uint32
	if n := len(c.free); n > 0 {
		id, c.free = c.free[n-1], c.free[:n-1]
	} else {
		id = c.nextID
		c.nextID++
	}
	p := o.Base()
	p.conn, p.id = c, id
	c.objects[id] = o
}

// serverIDStart is the first id of the compositor's range: objects it
// creates (new_id arguments of events) have ids from here up.
const serverIDStart = 0xff000000

// RegisterServerObject gives o the id the compositor chose for it in an
// event. Generated Dispatch methods call it; an id outside the
// compositor's range or already in use is an error wrapping ErrMalformed.
func (c *Conn) RegisterServerObject(id uint32, o Object) error {
	if id < serverIDStart {
		return fmt.Errorf("%w: new object %d outside the compositor's ids", ErrMalformed, id)
	}
	if _, ok := c.objects[id]; ok {
		return fmt.Errorf("%w: new object %d already exists", ErrMalformed, id)
	}
	p := o.Base()
	p.conn, p.id = c, id
	c.objects[id] = o
	return nil
}

// Forget drops o, made by the compositor (RegisterServerObject), after
// its destructor request: no delete_id follows for such ids. Objects with
// the client's ids are left for delete_id.
func (c *Conn) Forget(o Object) {
	if id := o.Base().id; id >= serverIDStart && c.objects[id] == o {
		delete(c.objects, id)
	}
}

func (c *Conn) write(b []byte, fds []int) error {
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	// A stream socket may take part of a message: send the rest (the
	// descriptors went with the first byte).
	for len(b) > 0 {
		var n int
		var serr error
		err := c.raw.Write(func(fd uintptr) bool {
			n, serr = unix.SendmsgN(int(fd), b, oob, nil, unix.MSG_NOSIGNAL)
			return serr != unix.EAGAIN
		})
		if err == nil {
			err = serr
		}
		if err != nil {
			return fmt.Errorf("wayland: send: %w", c.closedErr(err))
		}
		b, oob = b[max(n, 0):], nil
	}
	return nil
}

// closedErr says os.ErrClosed for a failure caused by Close.
func (c *Conn) closedErr(err error) error {
	if c.shut.Load() {
		return os.ErrClosed
	}
	return err
}

// Batch is what one Read got from the socket.
type Batch struct {
	Data []byte
	FDs  []int
}

// Read waits for bytes from the compositor. It touches no object state, so
// it may run on its own goroutine while another dispatches. At the end of
// the stream it returns io.EOF; after Close, an error wrapping
// os.ErrClosed.
func (c *Conn) Read() (Batch, error) {
	buf := make([]byte, 4*maxMessage)
	oob := make([]byte, unix.CmsgSpace(28*4))
	var n, oobn int
	var rerr error
	err := c.raw.Read(func(fd uintptr) bool {
		n, oobn, _, _, rerr = unix.Recvmsg(int(fd), buf, oob, unix.MSG_CMSG_CLOEXEC)
		return rerr != unix.EAGAIN
	})
	if err == nil {
		err = rerr
	}
	if err != nil {
		err = c.closedErr(err)
	}
	n, oobn = max(n, 0), max(oobn, 0) // a failed read may report -1
	var b Batch
	if oobn > 0 {
		msgs, perr := unix.ParseSocketControlMessage(oob[:oobn])
		if perr == nil {
			for _, m := range msgs {
				if fds, err := unix.ParseUnixRights(&m); err == nil {
					b.FDs = append(b.FDs, fds...)
				}
			}
		}
	}
	b.Data = buf[:n]
	if n == 0 && err == nil {
		err = io.EOF
	}
	if err != nil {
		return b, fmt.Errorf("wayland: receive: %w", err)
	}
	return b, nil
}

// Dispatch runs the handlers of every complete event in b (and of what
// earlier batches left incomplete). It stops at the first malformed event,
// or when the compositor reported a protocol error (a *ProtocolError).
func (c *Conn) Dispatch(b Batch) error {
	c.in = append(c.in, b.Data...)
	c.fds = append(c.fds, b.FDs...)
	for len(c.in) >= headerSize {
		id := binary.NativeEndian.Uint32(c.in[0:])
		w := binary.NativeEndian.Uint32(c.in[4:])
		size, opcode := int(w>>16), uint16(w)
		if size < headerSize || size%4 != 0 {
			return fmt.Errorf("%w: bad size %d", ErrMalformed, size)
		}
		if len(c.in) < size {
			break
		}
		msg := c.in[headerSize:size]
		c.in = c.in[size:]
		o, ok := c.objects[id]
		if !ok {
			continue // destroyed on our side; its events are moot
		}
		d := &Decoder{conn: c, b: msg}
		if err := o.Dispatch(opcode, d); err != nil {
			return err
		}
		if c.err != nil {
			return c.err
		}
	}
	if len(c.in) == 0 {
		c.in = nil
	}
	return nil
}

// DispatchOnce reads once and dispatches what came.
func (c *Conn) DispatchOnce() error {
	b, err := c.Read()
	if derr := c.Dispatch(b); derr != nil {
		return derr
	}
	return err
}

// Roundtrip sends wl_display.sync and dispatches events until its callback
// is done: every request sent before has been handled by the compositor.
// Only use it while no other goroutine calls Read.
func (c *Conn) Roundtrip() error {
	cb, err := c.display.Sync()
	if err != nil {
		return err
	}
	done := false
	cb.OnDone = func(uint32) { done = true }
	for !done {
		if err := c.DispatchOnce(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Conn) takeFD() (int, bool) {
	if len(c.fds) == 0 {
		return -1, false
	}
	fd := c.fds[0]
	c.fds = c.fds[1:]
	return fd, true
}

// Close closes the socket and any received descriptor nobody took. It
// unblocks a pending Read. A second Close returns an error wrapping
// os.ErrClosed.
func (c *Conn) Close() error {
	if c.closed {
		return fmt.Errorf("wayland: close: %w", os.ErrClosed)
	}
	c.closed = true
	c.shut.Store(true)
	for _, fd := range c.fds {
		unix.Close(fd)
	}
	c.fds = nil
	if err := c.sock.Close(); err != nil {
		return fmt.Errorf("wayland: close: %w", err)
	}
	return nil
}
