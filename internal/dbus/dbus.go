// Package dbus is a minimal D-Bus client for the session companion: a
// connection to a bus over a unix socket (EXTERNAL authentication), method
// calls with string arguments, signals, and method calls received on the
// object paths Export names (answered with string values or an error),
// with every value the wire format has decoded into plain Go values. It exists because the usual Go
// client links package net and os/user, which would make a plain
// `go build` of tiny-dfr dynamic (cmd/tiny-dfr TestNoCgoDeps).
//
// Everything a peer sends is bounded: a message over MaxMessage is read
// and dropped (a call waiting for it fails, a dropped signal is counted in
// Lost), values nest at most 32 deep, Signals holds at most SignalQueue
// signals (more are dropped and counted) and Calls at most CallQueue
// method calls (more are answered with an error at once, as are calls to
// a path not exported).
package dbus

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tiny-dfr/internal/unixsock"
)

// Limits.
const (
	// MaxMessage bounds a message kept (header and body); larger ones are
	// read and dropped. (The specification allows 128 MiB.)
	MaxMessage = 1 << 20
	// SignalQueue is how many signals wait to be taken.
	SignalQueue = 64
	// CallQueue is how many received method calls wait to be taken.
	CallQueue = 64
	maxFields = 64 << 10 // header fields
	maxDepth  = 32
)

// ErrClosed is returned by calls on (or cut short by) a closed connection.
var ErrClosed = errors.New("dbus: connection closed")

// ObjectPath is a value of type 'o'.
type ObjectPath string

// Signature is a value of type 'g'.
type Signature string

// Variant is a value of type 'v': its signature and value.
type Variant struct {
	Sig   string
	Value any
}

// Error is a D-Bus error reply.
type Error struct {
	Name string
	Msg  string
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return "dbus: " + e.Name + ": " + e.Msg
	}
	return "dbus: " + e.Name
}

// Signal is a signal received.
type Signal struct {
	Sender, Path, Interface, Member string
	Body                            []any
}

// Call is a method call received on an exported path. Answer it once,
// with Reply or Error (nothing is sent when the caller wants no reply).
type Call struct {
	Sender, Path, Interface, Member string
	Body                            []any

	c       *Conn
	serial  uint32
	noReply bool
}

// Reply answers the call with string values.
func (m *Call) Reply(values ...string) error {
	if m.noReply {
		return nil
	}
	return m.c.answer(m.Sender, m.serial, "", "", values)
}

// Error answers the call with the error name (e.g.
// "org.freedesktop.DBus.Error.Failed") and a message.
func (m *Call) Error(name, msg string) error {
	if m.noReply {
		return nil
	}
	return m.c.answer(m.Sender, m.serial, name, msg, nil)
}

// Error names of the specification, for Call.Error.
const (
	ErrorFailed         = "org.freedesktop.DBus.Error.Failed"
	ErrorUnknownObject  = "org.freedesktop.DBus.Error.UnknownObject"
	ErrorUnknownMethod  = "org.freedesktop.DBus.Error.UnknownMethod"
	ErrorInvalidArgs    = "org.freedesktop.DBus.Error.InvalidArgs"
	ErrorAccessDenied   = "org.freedesktop.DBus.Error.AccessDenied"
	ErrorLimitsExceeded = "org.freedesktop.DBus.Error.LimitsExceeded"
)

const peerInterface = "org.freedesktop.DBus.Peer"

// Conn is a connection to a bus.
type Conn struct {
	uc     *unixsock.Conn
	name   string // our unique name
	wmu    sync.Mutex
	serial uint32

	mu      sync.Mutex
	pending map[uint32]chan reply
	closed  bool
	err     error

	signals   chan *Signal
	lost      atomic.Uint64
	lostCalls atomic.Uint64
	calls     chan *Call
	exported  atomic.Pointer[map[string]bool] // paths whose calls are queued (copy on write)
	emu       sync.Mutex                      // serialises Export
	done      chan struct{}
	once      sync.Once
}

type reply struct {
	body []any
	err  error
}

// Address picks the first unix transport of a bus address
// ("unix:path=…" or "unix:abstract=…"; others are skipped) and returns
// the socket to dial ("@name" for an abstract one).
func Address(addr string) (string, error) {
	for _, a := range strings.Split(addr, ";") {
		kind, rest, ok := strings.Cut(a, ":")
		if !ok || kind != "unix" {
			continue
		}
		for _, kv := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			v, err := unescape(v)
			if err != nil {
				return "", fmt.Errorf("dbus: address %q: %w", addr, err)
			}
			switch k {
			case "path":
				return v, nil
			case "abstract":
				return "@" + v, nil
			}
		}
	}
	return "", fmt.Errorf("dbus: address %q has no unix path", addr)
}

// unescape undoes an address value's %XX escapes.
func unescape(v string) (string, error) {
	if !strings.Contains(v, "%") {
		return v, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			b.WriteByte(v[i])
			continue
		}
		if i+2 >= len(v) {
			return "", errors.New("bad escape")
		}
		n, err := strconv.ParseUint(v[i+1:i+3], 16, 8)
		if err != nil {
			return "", errors.New("bad escape")
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), nil
}

// Dial connects to the bus at address as uid (EXTERNAL authentication),
// says Hello, and starts reading. ctx bounds the handshake only.
func Dial(ctx context.Context, address string, uid int) (*Conn, error) {
	path, err := Address(address)
	if err != nil {
		return nil, err
	}
	uc, err := unixsock.Dial(path)
	if err != nil {
		return nil, fmt.Errorf("dbus: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { uc.SetDeadline(time.Now()) })
	err = auth(uc, uid)
	if !stop() {
		err = errors.Join(err, ctx.Err())
	}
	if err != nil {
		uc.Close()
		return nil, err
	}
	uc.SetDeadline(time.Time{})
	c := &Conn{uc: uc, pending: map[uint32]chan reply{}, signals: make(chan *Signal, SignalQueue),
		calls: make(chan *Call, CallQueue), done: make(chan struct{})}
	go c.read()
	body, err := c.Call(ctx, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello")
	if err != nil {
		c.Close()
		return nil, err
	}
	if len(body) == 1 {
		c.name, _ = body[0].(string)
	}
	return c, nil
}

// auth runs the EXTERNAL authentication (the kernel vouches for uid).
func auth(uc *unixsock.Conn, uid int) error {
	id := strconv.Itoa(uid)
	hexID := fmt.Sprintf("%x", id)
	if _, err := uc.Write([]byte("\x00AUTH EXTERNAL " + hexID + "\r\n")); err != nil {
		return fmt.Errorf("dbus: auth: %w", err)
	}
	line, err := readLine(uc)
	if err != nil {
		return fmt.Errorf("dbus: auth: %w", err)
	}
	if !strings.HasPrefix(line, "OK ") {
		return fmt.Errorf("dbus: auth refused: %q", line)
	}
	if _, err := uc.Write([]byte("BEGIN\r\n")); err != nil {
		return fmt.Errorf("dbus: auth: %w", err)
	}
	return nil
}

// readLine reads one "\r\n"-ended line a byte at a time (nothing past it
// may be consumed), at most 512 bytes.
func readLine(r io.Reader) (string, error) {
	var b []byte
	var one [1]byte
	for len(b) < 512 {
		if _, err := io.ReadFull(r, one[:]); err != nil {
			return "", err
		}
		b = append(b, one[0])
		if len(b) >= 2 && b[len(b)-2] == '\r' && b[len(b)-1] == '\n' {
			return string(b[:len(b)-2]), nil
		}
	}
	return "", errors.New("line too long")
}

// Name is the connection's unique name on the bus.
func (c *Conn) Name() string { return c.name }

// Signals delivers the signals the bus routes to us (AddMatch).
func (c *Conn) Signals() <-chan *Signal { return c.signals }

// Export lets method calls to path reach Calls. Calls to a path not
// exported are answered with ErrorUnknownObject by the connection itself
// (and org.freedesktop.DBus.Peer.Ping on any path with an empty reply).
func (c *Conn) Export(path string) {
	c.emu.Lock()
	defer c.emu.Unlock()
	next := map[string]bool{path: true}
	if old := c.exported.Load(); old != nil {
		for p := range *old {
			next[p] = true
		}
	}
	c.exported.Store(&next)
}

// Calls delivers the method calls received on exported paths, in the
// order they came. At most CallQueue wait: one more is answered with
// ErrorLimitsExceeded at once and counted in LostCalls.
func (c *Conn) Calls() <-chan *Call { return c.calls }

// LostCalls counts the method calls answered with an error because the
// queue was full or the call was too large or malformed.
func (c *Conn) LostCalls() uint64 { return c.lostCalls.Load() }

// Lost counts the signals dropped: the queue was full or one was too large.
func (c *Conn) Lost() uint64 { return c.lost.Load() }

// Done is closed when the connection is closed or fails.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Close closes the connection; calls waiting fail with ErrClosed.
func (c *Conn) Close() error {
	c.fail(ErrClosed)
	return nil
}

func (c *Conn) fail(err error) {
	c.once.Do(func() {
		c.mu.Lock()
		c.closed, c.err = true, err
		for s, ch := range c.pending {
			ch <- reply{err: err}
			delete(c.pending, s)
		}
		c.mu.Unlock()
		c.uc.Close()
		close(c.done)
	})
}

// Message types and header fields.
const (
	typeCall   = 1
	typeReturn = 2
	typeError  = 3
	typeSignal = 4

	flagNoReply = 1

	fieldPath      = 1
	fieldInterface = 2
	fieldMember    = 3
	fieldErrorName = 4
	fieldReply     = 5
	fieldDest      = 6
	fieldSender    = 7
	fieldSignature = 8
)

// Call calls a method with string arguments and returns the reply's body.
func (c *Conn) Call(ctx context.Context, dest, path, iface, member string, args ...string) ([]any, error) {
	ch := make(chan reply, 1)
	h := header{typ: typeCall, dest: dest, path: path, iface: iface, member: member}
	if err := c.send(h, args, ch); err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Send calls a method without waiting for (or asking for) a reply.
func (c *Conn) Send(dest, path, iface, member string, args ...string) error {
	h := header{typ: typeCall, flags: flagNoReply, dest: dest, path: path, iface: iface, member: member}
	return c.send(h, args, nil)
}

// answer sends a method return (errName "") or an error to a call.
func (c *Conn) answer(dest string, replyTo uint32, errName, msg string, values []string) error {
	h := header{typ: typeReturn, flags: flagNoReply, dest: dest, replyTo: replyTo}
	if errName != "" {
		h.typ, h.errName, values = typeError, errName, []string{msg}
	}
	return c.send(h, values, nil)
}

// header is what an outgoing message's header says.
type header struct {
	typ, flags                         byte
	dest, path, iface, member, errName string
	replyTo                            uint32 // returns and errors
}

// send writes a message with the next serial; ch (calls only) gets its
// reply.
func (c *Conn) send(h header, args []string, ch chan reply) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.serial++
	if c.serial == 0 {
		c.serial = 1
	}
	serial := c.serial
	c.mu.Lock()
	if c.closed {
		err := c.err
		c.mu.Unlock()
		return err
	}
	if ch != nil {
		c.pending[serial] = ch
	}
	c.mu.Unlock()
	msg := encode(serial, h, args)
	c.uc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.uc.Write(msg); err != nil {
		err = fmt.Errorf("dbus: %w", err)
		c.fail(err)
		return err
	}
	return nil
}

// encode marshals a message with a body of strings (little-endian).
func encode(serial uint32, h header, args []string) []byte {
	var body []byte
	for _, a := range args {
		body = appendString(pad(body, 4), a)
	}
	b := []byte{'l', h.typ, h.flags, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(body)))
	binary.LittleEndian.PutUint32(b[8:], serial)
	field := func(code byte, sig string, v string) {
		b = pad(b, 8)
		b = append(b, code, 1, sig[0], 0)
		if sig == "g" {
			b = append(b, byte(len(v)))
			b = append(b, v...)
			b = append(b, 0)
		} else {
			b = appendString(pad(b, 4), v)
		}
	}
	fields := len(b)
	b = append(b, 0, 0, 0, 0)
	start := len(b)
	if h.path != "" {
		field(fieldPath, "o", h.path)
	}
	if h.iface != "" {
		field(fieldInterface, "s", h.iface)
	}
	if h.member != "" {
		field(fieldMember, "s", h.member)
	}
	if h.errName != "" {
		field(fieldErrorName, "s", h.errName)
	}
	if h.typ == typeReturn || h.typ == typeError {
		b = pad(b, 8)
		b = append(b, fieldReply, 1, 'u', 0)
		b = binary.LittleEndian.AppendUint32(b, h.replyTo)
	}
	if h.dest != "" {
		field(fieldDest, "s", h.dest)
	}
	if len(args) > 0 {
		field(fieldSignature, "g", strings.Repeat("s", len(args)))
	}
	binary.LittleEndian.PutUint32(b[fields:], uint32(len(b)-start))
	b = pad(b, 8)
	return append(b, body...)
}

func pad(b []byte, n int) []byte {
	for len(b)%n != 0 {
		b = append(b, 0)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	b = append(b, s...)
	return append(b, 0)
}

// read reads messages until the connection fails.
func (c *Conn) read() {
	r := bufio.NewReaderSize(c.uc, 64<<10)
	for {
		err := c.readOne(r)
		if err != nil {
			c.fail(err)
			return
		}
	}
}

// message is a received message's header.
type message struct {
	typ, flags                           byte
	serial, replyTo                      uint32
	path, iface, member, errName, sender string
	sig                                  string
	hasReply                             bool
}

func (c *Conn) readOne(r *bufio.Reader) error {
	var fixed [16]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return ErrClosed
		}
		return fmt.Errorf("dbus: %w", err)
	}
	var order binary.ByteOrder
	switch fixed[0] {
	case 'l':
		order = binary.LittleEndian
	case 'B':
		order = binary.BigEndian
	default:
		return errors.New("dbus: bad byte order mark")
	}
	if fixed[3] != 1 {
		return fmt.Errorf("dbus: protocol version %d", fixed[3])
	}
	bodyLen := order.Uint32(fixed[4:])
	fieldsLen := order.Uint32(fixed[12:])
	if fieldsLen > maxFields {
		return errors.New("dbus: header too large")
	}
	hdrLen := 16 + int(fieldsLen)
	padded := (hdrLen + 7) &^ 7
	hdr := make([]byte, padded)
	copy(hdr, fixed[:])
	if _, err := io.ReadFull(r, hdr[16:]); err != nil {
		return fmt.Errorf("dbus: %w", err)
	}
	m := message{typ: fixed[1], flags: fixed[2], serial: order.Uint32(fixed[8:])}
	d := decoder{b: hdr[:hdrLen], pos: 12, order: order}
	fields, err := d.value("a(yv)", 0)
	if err != nil {
		return err
	}
	for _, f := range fields.([]any) {
		st := f.([]any)
		code, v := st[0].(byte), st[1].(Variant)
		s, _ := v.Value.(string)
		switch x := v.Value.(type) {
		case ObjectPath:
			s = string(x)
		case Signature:
			s = string(x)
		}
		switch code {
		case fieldPath:
			m.path = s
		case fieldInterface:
			m.iface = s
		case fieldMember:
			m.member = s
		case fieldErrorName:
			m.errName = s
		case fieldReply:
			m.replyTo, m.hasReply = toUint32(v.Value)
		case fieldSender:
			m.sender = s
		case fieldSignature:
			m.sig = s
		}
	}
	if int64(bodyLen)+int64(padded) > MaxMessage {
		if _, err := io.CopyN(io.Discard, r, int64(bodyLen)); err != nil {
			return fmt.Errorf("dbus: %w", err)
		}
		c.deliver(&m, nil, errTooLarge)
		return nil
	}
	body := make([]byte, bodyLen)
	if _, err := io.ReadFull(r, body); err != nil {
		return fmt.Errorf("dbus: %w", err)
	}
	var vals []any
	bd := decoder{b: body, order: order}
	for sig := m.sig; sig != "" && err == nil; {
		var one string
		one, sig, err = nextType(sig)
		if err == nil {
			var v any
			v, err = bd.value(one, 0)
			vals = append(vals, v)
		}
	}
	c.deliver(&m, vals, err)
	return nil
}

func toUint32(v any) (uint32, bool) {
	u, ok := v.(uint32)
	return u, ok
}

// deliver hands a message to its waiting call, the signal queue or the
// call queue.
func (c *Conn) deliver(m *message, body []any, err error) {
	switch m.typ {
	case typeCall:
		c.received(m, body, err)
	case typeReturn, typeError:
		if !m.hasReply {
			return
		}
		c.mu.Lock()
		ch := c.pending[m.replyTo]
		delete(c.pending, m.replyTo)
		c.mu.Unlock()
		if ch == nil {
			return
		}
		if err == nil && m.typ == typeError {
			e := &Error{Name: m.errName}
			if len(body) > 0 {
				e.Msg, _ = body[0].(string)
			}
			err = e
		}
		ch <- reply{body: body, err: err}
	case typeSignal:
		if m.sender == "org.freedesktop.DBus" && (m.member == "NameAcquired" || m.member == "NameLost") {
			return // about our own names: we own none but the unique one
		}
		if err != nil {
			c.lost.Add(1)
			return
		}
		select {
		case c.signals <- &Signal{Sender: m.sender, Path: m.path, Interface: m.iface, Member: m.member, Body: body}:
		default:
			c.lost.Add(1)
		}
	}
}

// received queues a method call or answers it at once: a path not
// exported, a Ping, a call too large or malformed, a full queue. The
// answer is written on the reading goroutine (bounded by the write
// deadline), so the queue stays in the order calls came.
func (c *Conn) received(m *message, body []any, err error) {
	call := &Call{Sender: m.sender, Path: m.path, Interface: m.iface, Member: m.member, Body: body,
		c: c, serial: m.serial, noReply: m.flags&flagNoReply != 0}
	if m.member == "" || m.path == "" {
		return // not a call: nothing to answer
	}
	if m.iface == peerInterface && m.member == "Ping" {
		call.Reply()
		return
	}
	exp := c.exported.Load()
	switch {
	case exp == nil || !(*exp)[m.path]:
		call.Error(ErrorUnknownObject, "no object at "+m.path)
		return
	case err != nil:
		c.lostCalls.Add(1)
		code := ErrorInvalidArgs
		if errors.Is(err, errTooLarge) {
			code = ErrorLimitsExceeded
		}
		call.Error(code, err.Error())
		return
	}
	select {
	case c.calls <- call:
	default:
		c.lostCalls.Add(1)
		call.Error(ErrorLimitsExceeded, "too many calls waiting")
	}
}

// errBad is a value that does not follow its signature.
var errBad = errors.New("dbus: malformed value")

var errTooLarge = errors.New("dbus: message too large")

// decoder reads values; pos counts from a point aligned to 8.
type decoder struct {
	b     []byte
	pos   int
	order binary.ByteOrder
}

func (d *decoder) align(n int) error {
	p := (d.pos + n - 1) &^ (n - 1)
	if p > len(d.b) {
		return errBad
	}
	for _, x := range d.b[d.pos:p] {
		if x != 0 {
			return errBad
		}
	}
	d.pos = p
	return nil
}

func (d *decoder) take(n int) ([]byte, error) {
	if n < 0 || d.pos+n > len(d.b) {
		return nil, errBad
	}
	s := d.b[d.pos : d.pos+n]
	d.pos += n
	return s, nil
}

func (d *decoder) u32() (uint32, error) {
	if err := d.align(4); err != nil {
		return 0, err
	}
	s, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return d.order.Uint32(s), nil
}

// alignOf is the alignment of a complete type's first code.
func alignOf(c byte) int {
	switch c {
	case 'y', 'g', 'v':
		return 1
	case 'n', 'q':
		return 2
	case 'x', 't', 'd', '(', '{':
		return 8
	}
	return 4
}

// nextType splits the first complete type off sig.
func nextType(sig string) (one, rest string, err error) {
	n, err := typeLen(sig, 0)
	if err != nil {
		return "", "", err
	}
	return sig[:n], sig[n:], nil
}

func typeLen(sig string, depth int) (int, error) {
	if sig == "" || depth > maxDepth {
		return 0, errBad
	}
	switch sig[0] {
	case 'y', 'b', 'n', 'q', 'i', 'u', 'x', 't', 'd', 'h', 's', 'o', 'g', 'v':
		return 1, nil
	case 'a':
		n, err := typeLen(sig[1:], depth+1)
		return 1 + n, err
	case '(', '{':
		end := byte(')')
		if sig[0] == '{' {
			end = '}'
		}
		i, count := 1, 0
		for i < len(sig) && sig[i] != end {
			n, err := typeLen(sig[i:], depth+1)
			if err != nil {
				return 0, err
			}
			i += n
			count++
		}
		if i >= len(sig) || count == 0 || (end == '}' && count != 2) {
			return 0, errBad
		}
		return i + 1, nil
	}
	return 0, errBad
}

// value decodes one complete type.
func (d *decoder) value(sig string, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errBad
	}
	if err := d.align(alignOf(sig[0])); err != nil {
		return nil, err
	}
	switch sig[0] {
	case 'y':
		s, err := d.take(1)
		if err != nil {
			return nil, err
		}
		return s[0], nil
	case 'b':
		v, err := d.u32()
		if err != nil || v > 1 {
			return nil, errBad
		}
		return v == 1, nil
	case 'n', 'q':
		s, err := d.take(2)
		if err != nil {
			return nil, err
		}
		if sig[0] == 'n' {
			return int16(d.order.Uint16(s)), nil
		}
		return d.order.Uint16(s), nil
	case 'i', 'u', 'h':
		v, err := d.u32()
		if err != nil {
			return nil, err
		}
		if sig[0] == 'i' {
			return int32(v), nil
		}
		return v, nil
	case 'x', 't', 'd':
		s, err := d.take(8)
		if err != nil {
			return nil, err
		}
		v := d.order.Uint64(s)
		switch sig[0] {
		case 'x':
			return int64(v), nil
		case 'd':
			return math.Float64frombits(v), nil
		}
		return v, nil
	case 's', 'o':
		n, err := d.u32()
		if err != nil {
			return nil, err
		}
		s, err := d.take(int(n) + 1)
		if err != nil || s[n] != 0 {
			return nil, errBad
		}
		if sig[0] == 'o' {
			return ObjectPath(s[:n]), nil
		}
		return string(s[:n]), nil
	case 'g':
		return d.signature()
	case 'v':
		g, err := d.signature()
		if err != nil {
			return nil, err
		}
		one, rest, err := nextType(string(g))
		if err != nil || rest != "" {
			return nil, errBad
		}
		v, err := d.value(one, depth+1)
		if err != nil {
			return nil, err
		}
		return Variant{Sig: one, Value: v}, nil
	case 'a':
		n, err := d.u32()
		if err != nil {
			return nil, err
		}
		elem := sig[1:]
		if err := d.align(alignOf(elem[0])); err != nil {
			return nil, err
		}
		end := d.pos + int(n)
		if n > 1<<26 || end > len(d.b) {
			return nil, errBad
		}
		if elem[0] == '{' {
			m := map[string]any{}
			for d.pos < end {
				e, err := d.value(elem, depth+1)
				if err != nil {
					return nil, err
				}
				kv := e.([]any)
				m[keyString(kv[0])] = kv[1]
			}
			if d.pos != end {
				return nil, errBad
			}
			return m, nil
		}
		var out []any
		for d.pos < end {
			v, err := d.value(elem, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if d.pos != end {
			return nil, errBad
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	case '(', '{':
		inner := sig[1 : len(sig)-1]
		var out []any
		for inner != "" {
			one, rest, err := nextType(inner)
			if err != nil {
				return nil, err
			}
			v, err := d.value(one, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			inner = rest
		}
		return out, nil
	}
	return nil, errBad
}

func (d *decoder) signature() (Signature, error) {
	s, err := d.take(1)
	if err != nil {
		return "", err
	}
	n := int(s[0])
	g, err := d.take(n + 1)
	if err != nil || g[n] != 0 {
		return "", errBad
	}
	return Signature(g[:n]), nil
}

// keyString is a dict key as a map key.
func keyString(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case ObjectPath:
		return string(x)
	case Signature:
		return string(x)
	}
	return fmt.Sprint(k)
}
