package preview

import (
	"errors"
	"image"
	"time"

	"tiny-dfr/internal/wayland"
	"tiny-dfr/internal/wayland/xdgshell"
)

// Linux input codes the window reacts to (linux/input-event-codes.h).
const (
	btnLeft  = 0x110
	btnRight = 0x111
	keySpace = 57
	keyFn    = 464
	keyTab   = 15
)

// AppID is the window's xdg app id (sway: for_window [app_id="tiny-dfr-preview"]).
const AppID = "tiny-dfr-preview"

// window is the preview's toplevel: a fixed-size surface showing the bar
// and status strip, with the seats' input turned into bar calls.
type window struct {
	conn       *wayland.Conn
	compositor *wayland.Compositor
	shm        *wayland.Shm
	wm         *xdgshell.WmBase
	seats      []*seat

	surface *wayland.Surface
	xsurf   *xdgshell.Surface
	top     *xdgshell.Toplevel

	bar   *bar
	scale int
	w, h  int // buffer size in pixels

	mem  *wayland.SharedMemory
	pool *wayland.ShmPool
	bufs [2]shmBuf

	configured bool // the first configure was acked: we may draw
	closed     bool // the compositor asked to close
	frameWait  bool // a frame callback is pending
	destroyed  bool // close ran
	now        func() time.Time
}

type shmBuf struct {
	buf  *wayland.Buffer
	pix  []byte
	busy bool // the compositor holds it
}

// seat is one wl_seat with the devices it has now.
type seat struct {
	s        *wayland.Seat
	pointer  *wayland.Pointer
	keyboard *wayland.Keyboard
	touch    *wayland.Touch
	px, py   float64 // pointer position, surface pixels
	buttonOn bool
	shift    bool   // Shift held
	fnKey    bool   // KEY_FN held
	fn       bool   // what the bar was last told
	version  uint32 // bound wl_seat version: release requests need 3
}

// bind reads the registry and binds what the window needs.
func (w *window) bind() error {
	reg, err := w.conn.Display().GetRegistry()
	if err != nil {
		return err
	}
	var errs []error
	reg.OnGlobal = func(name uint32, iface string, version uint32) {
		switch iface {
		case wayland.CompositorInterface:
			w.compositor = &wayland.Compositor{}
			errs = append(errs, reg.Bind(name, iface, min(version, 4), w.compositor))
		case wayland.ShmInterface:
			w.shm = &wayland.Shm{}
			errs = append(errs, reg.Bind(name, iface, 1, w.shm))
		case xdgshell.WmBaseInterface:
			w.wm = &xdgshell.WmBase{}
			errs = append(errs, reg.Bind(name, iface, min(version, 3), w.wm))
		case wayland.SeatInterface:
			s := &seat{s: &wayland.Seat{}, version: min(version, 5)}
			errs = append(errs, reg.Bind(name, iface, s.version, s.s))
			s.s.OnCapabilities = func(caps uint32) { w.capabilities(s, caps) }
			w.seats = append(w.seats, s)
		}
	}
	if err := w.conn.Roundtrip(); err != nil {
		return err
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	switch {
	case w.compositor == nil:
		return errors.New("preview: the compositor offers no wl_compositor")
	case w.shm == nil:
		return errors.New("preview: the compositor offers no wl_shm")
	case w.wm == nil:
		return errors.New("preview: the compositor offers no xdg_wm_base (xdg-shell)")
	}
	w.wm.OnPing = func(serial uint32) { w.wm.Pong(serial) }
	return nil
}

// open creates the toplevel and its buffers and waits for the first
// configure.
func (w *window) open(title string, width, height int) error {
	w.w, w.h = width, height
	var err error
	if w.surface, err = w.compositor.CreateSurface(); err != nil {
		return err
	}
	if w.xsurf, err = w.wm.GetXdgSurface(w.surface); err != nil {
		return err
	}
	w.xsurf.OnConfigure = func(serial uint32) {
		w.xsurf.AckConfigure(serial)
		w.configured = true
		w.bar.dirty = true
	}
	if w.top, err = w.xsurf.GetToplevel(); err != nil {
		return err
	}
	w.top.OnClose = func() { w.closed = true }
	// A fixed size: sway floats such windows, and the bar is never stretched.
	errs := []error{
		w.top.SetTitle(title),
		w.top.SetAppId(AppID),
		w.top.SetMinSize(int32(width), int32(height)),
		w.top.SetMaxSize(int32(width), int32(height)),
		w.surface.Commit(),
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := w.buffers(); err != nil {
		return err
	}
	for !w.configured && !w.closed {
		if err := w.conn.DispatchOnce(); err != nil {
			return err
		}
	}
	return nil
}

// buffers makes two XRGB8888 buffers in one memfd pool.
func (w *window) buffers() error {
	stride := 4 * w.w
	size := stride * w.h
	mem, err := wayland.NewSharedMemory("tiny-dfr-preview", 2*size)
	if err != nil {
		return err
	}
	w.mem = mem
	if w.pool, err = w.shm.CreatePool(mem.FD, int32(2*size)); err != nil {
		return err
	}
	for i := range w.bufs {
		b := &w.bufs[i]
		if b.buf, err = w.pool.CreateBuffer(int32(i*size), int32(w.w), int32(w.h), int32(stride), wayland.ShmFormatXrgb8888); err != nil {
			return err
		}
		b.pix = mem.Mem[i*size : (i+1)*size]
		b.buf.OnRelease = func() { b.busy = false }
	}
	return nil
}

// canDraw: configured, no frame pending, a buffer free.
func (w *window) canDraw() bool {
	return w.configured && !w.frameWait && w.freeBuffer() != nil
}

func (w *window) freeBuffer() *shmBuf {
	for i := range w.bufs {
		if !w.bufs[i].busy {
			return &w.bufs[i]
		}
	}
	return nil
}

// present shows img (the window at scale 1) scaled up.
func (w *window) present(img *image.RGBA) error {
	b := w.freeBuffer()
	if b == nil {
		return nil
	}
	scaleToXRGB(b.pix, 4*w.w, img, w.scale)
	cb, err := w.surface.Frame()
	if err != nil {
		return err
	}
	cb.OnDone = func(uint32) { w.frameWait = false }
	errs := []error{
		w.surface.Attach(b.buf, 0, 0),
		w.surface.Damage(0, 0, int32(w.w), int32(w.h)),
		w.surface.Commit(),
	}
	b.busy, w.frameWait = true, true
	return errors.Join(errs...)
}

// close destroys the window's objects (once); the caller closes the
// connection.
func (w *window) close() {
	if w.destroyed {
		return
	}
	w.destroyed = true
	for _, s := range w.seats {
		s.release()
	}
	if w.top != nil {
		w.top.Destroy()
	}
	if w.xsurf != nil {
		w.xsurf.Destroy()
	}
	if w.surface != nil {
		w.surface.Destroy()
	}
	for _, b := range w.bufs {
		if b.buf != nil {
			b.buf.Destroy()
		}
	}
	if w.pool != nil {
		w.pool.Destroy()
	}
	if w.mem != nil {
		w.mem.Close()
	}
}

// release gives back the seat's devices (wl_pointer.release and friends
// exist from version 3; before that the objects just stay).
func (s *seat) release() {
	if s.version < 3 {
		return
	}
	if s.pointer != nil {
		s.pointer.Release()
	}
	if s.keyboard != nil {
		s.keyboard.Release()
	}
	if s.touch != nil {
		s.touch.Release()
	}
}
