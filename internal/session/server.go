package session

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"tiny-dfr/internal/unixsock"
)

// SocketName is the socket's name in the daemon's runtime directory.
const SocketName = "session.sock"

// DefaultDir is the daemon's runtime directory, made by root before the
// privilege drop.
const DefaultDir = "/run/tiny-dfr"

// Options tune a Server; zero values take the defaults.
type Options struct {
	Log *slog.Logger
	// SeatsDir is logind's seat state (DefaultSeatsDir). When it is not a
	// directory, the users named by SessionUsers are served.
	SeatsDir     string
	SessionUsers []string
	Root         string // where etc/passwd is read for SessionUsers; "/"
	// Queue is how many messages may wait for a companion that is slow to
	// read (64); one more and it is dropped.
	Queue int
	// Rate is how many messages a second the companion may send (100),
	// with bursts of twice that; faster ones wait (its writes block).
	Rate float64
	// Handshake bounds the wait for a companion's Hello (5 s); WriteTimeout
	// bounds one write to it (5 s) before it is dropped.
	Handshake, WriteTimeout time.Duration
}

// EventKind says what happened.
type EventKind uint8

// Event kinds.
const (
	Connected    EventKind = iota + 1 // a companion is served: Conn, UID, Desktop
	Disconnected                      // it is gone (always after its Connected and its other events)
	WidgetOutput                      // ID, Text, Color, Icon (IDs of the current SetWidgets only)
	Started                           // ID: a Run's command started
	Ended                             // ID, Code: a Run's command ended
	Focus                             // AppID: the focused application changed
	Volume                            // Level, Muted, Available: the default sink's volume (reports older than the last SetVolume dropped)
	Media                             // Status, Title, Artist: what is playing (after SetMediaWatch(true))
)

// Event is what a Server reports to the loop.
type Event struct {
	Kind              EventKind
	Conn              uint64 // serial of the companion connection, from 1
	UID               int
	Desktop           string // Connected: what the companion said of its desktop
	ID                uint32
	Code              int32
	Text, Color, Icon string
	AppID             string
	// Volume: Level 0..1, Muted, Available (false: the companion has no
	// audio server or no volume tool).
	Level            float64
	Muted, Available bool
	// Media: what is playing.
	Status        MediaStatus
	Title, Artist string
}

// Widget is a command the companion runs every Interval.
type Widget struct {
	ID       uint32
	Command  string
	Interval time.Duration // clamped to MinInterval..MaxInterval
}

// Server is the daemon's end: it serves one companion at a time, the
// active user's. Its methods are safe from any goroutine and never block
// on the companion.
type Server struct {
	ln      *unixsock.Listener
	path    string
	o       Options
	log     *slog.Logger
	events  chan Event
	closing chan struct{}
	wg      sync.WaitGroup

	mu             sync.Mutex
	pol            policy
	cur            *conn // the served companion (until its Disconnected is delivered)
	serial         uint64
	widgets        map[uint32]Widget
	paused         bool
	volWatch       bool         // the daemon wants the volume reported
	media          bool         // SetMediaWatch: the daemon shows a media widget
	mediaOn        bool         // the served companion was told to watch
	refused        map[int]bool // uids whose refusal was logged
	started        bool
	closed         bool
	inotify        *os.File
	watching       bool
	inotifyRunning bool
}

// Listen makes dir (mode 0755) and the socket dir/session.sock (mode 0666:
// anyone may connect, the peer's uid is the gate). Call it as root before
// the privilege drop; the Server keeps the listening socket. It serves
// nobody until Start.
func Listen(dir string, o Options) (*Server, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.SeatsDir == "" {
		o.SeatsDir = DefaultSeatsDir
	}
	if o.Root == "" {
		o.Root = "/"
	}
	if o.Queue <= 0 {
		o.Queue = 64
	}
	if o.Rate <= 0 {
		o.Rate = 100
	}
	if o.Handshake <= 0 {
		o.Handshake = 5 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 5 * time.Second
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("session: %w", err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("session: %s is not a directory", dir)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	path := filepath.Join(dir, SocketName)
	if st, err := os.Lstat(path); err == nil {
		if st.Mode().Type() != os.ModeSocket {
			return nil, fmt.Errorf("session: %s exists and is not a socket", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("session: stale socket: %w", err)
		}
	}
	// Closing it leaves the socket file: after the drop the daemon cannot
	// unlink in a root-owned directory; the next Listen removes it.
	ln, err := unixsock.Listen(path)
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		ln.Close()
		return nil, fmt.Errorf("session: %w", err)
	}
	s := &Server{
		ln: ln, path: path, o: o, log: o.Log,
		events:  make(chan Event, 64),
		closing: make(chan struct{}),
		pol:     policy{seatsDir: o.SeatsDir, root: o.Root, users: append([]string(nil), o.SessionUsers...)},
		widgets: map[uint32]Widget{},
		refused: map[int]bool{},
	}
	return s, nil
}

// Path is the socket's path.
func (s *Server) Path() string { return s.path }

// Events delivers what companions do. The loop must keep reading it
// (a companion's reader waits while it is full; nothing else does).
func (s *Server) Events() <-chan Event { return s.events }

// Start begins serving (after the privilege drop is fine): it accepts
// companions and watches the seats directory for user switches.
func (s *Server) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closed {
		return
	}
	s.started = true
	s.watchSeatsLocked()
	s.wg.Add(1)
	go s.accept()
}

// Close stops serving and drops the companion; Events is not closed.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.closing)
	err := s.ln.Close()
	if s.cur != nil {
		s.cur.drop()
	}
	if s.inotify != nil {
		s.inotify.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// SetSessionUsers replaces the SessionUsers list (a config reload).
func (s *Server) SetSessionUsers(names []string) {
	s.mu.Lock()
	s.pol.users = append([]string(nil), names...)
	s.mu.Unlock()
	s.recheck()
}

// Connected reports whether a companion is served.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur != nil && s.cur.served
}

// Run asks the companion to run command (as `sh -c`) for button id. It
// reports false when no companion is served (the button does nothing).
func (s *Server) Run(id uint32, command string) bool {
	b, err := Append(nil, Msg{Type: TRun, ID: id, Command: command})
	if err != nil {
		s.log.Warn("session: command not sent", "id", id, "err", err)
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil || !s.cur.served {
		return false
	}
	return s.cur.send(b)
}

// SetWidgets declares the widgets the companion should run: the served
// companion gets WidgetStart for new or changed ones and WidgetStop for
// the others; a companion served later gets them all. Output of widgets
// not in the set is dropped.
func (s *Server) SetWidgets(ws []Widget) {
	next := make(map[uint32]Widget, len(ws))
	for _, w := range ws {
		w.Interval = clampInterval(w.Interval)
		next[w.ID] = w
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.cur; c != nil && c.served && !s.paused {
		for id := range s.widgets {
			if _, ok := next[id]; !ok {
				s.sendLocked(Msg{Type: TWidgetStop, ID: id})
			}
		}
		for id, w := range next {
			if old, ok := s.widgets[id]; !ok || old != w {
				s.sendLocked(Msg{Type: TWidgetStart, ID: id, Command: w.Command, Interval: w.Interval})
			}
		}
	}
	s.widgets = next
}

// SetVolumeWatch asks the companion to report the volume (on: a volume
// slider is shown and the bar lit) or to watch nothing (off). A companion
// served later gets the latest state.
func (s *Server) SetVolumeWatch(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on == s.volWatch {
		return
	}
	s.volWatch = on
	if c := s.cur; c != nil && c.served {
		s.sendLocked(Msg{Type: TVolumeWatch, On: on})
	}
}

// SetVolume asks the companion to set the default sink's volume to level
// (0..1). Volume reports the companion made before applying it are
// dropped, so a drag's level is not pulled back by older ones. It reports
// false when no companion is served.
func (s *Server) SetVolume(level float64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cur
	if c == nil || !c.served {
		return false
	}
	c.volSerial++
	if c.volSerial == 0 {
		c.volSerial = 1
	}
	b, err := Append(nil, Msg{Type: TSetVolume, ID: c.volSerial, Level: permille(level)})
	if err != nil {
		return false
	}
	return c.send(b)
}

// permille is a level 0..1 in the protocol's unit (NaN: 0).
func permille(x float64) uint16 {
	if !(x > 0) {
		return 0
	}
	if x >= 1 {
		return MaxLevel
	}
	return uint16(x*MaxLevel + 0.5)
}

// SetPaused stops every widget on the companion (true: the bar is dark,
// nothing is polled) or starts them again (false).
func (s *Server) SetPaused(p bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p == s.paused {
		return
	}
	s.paused = p
	if c := s.cur; c != nil && c.served {
		for id, w := range s.widgets {
			if p {
				s.sendLocked(Msg{Type: TWidgetStop, ID: id})
			} else {
				s.sendLocked(Msg{Type: TWidgetStart, ID: id, Command: w.Command, Interval: w.Interval})
			}
		}
	}
	s.mediaLocked()
}

// SetMediaWatch tells whether the layout has a media widget: while it
// has one and the bar is lit (not SetPaused), the served companion
// watches the media players and reports Media; otherwise it watches
// nothing.
func (s *Server) SetMediaWatch(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media = on
	s.mediaLocked()
}

// mediaLocked tells the served companion to watch or stop when that
// changed.
func (s *Server) mediaLocked() {
	c := s.cur
	if c == nil || !c.served {
		return
	}
	want := s.media && !s.paused
	if want != s.mediaOn {
		s.mediaOn = want
		s.sendLocked(Msg{Type: TMediaWatch, On: want})
	}
}

// MediaControl asks the companion to act on the player it reported
// (play/pause); false: no companion is served or it is not watching.
func (s *Server) MediaControl(op MediaOp) bool {
	b, err := Append(nil, Msg{Type: TMediaControl, Op: op})
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil || !s.cur.served || !s.mediaOn {
		return false
	}
	return s.cur.send(b)
}

func clampInterval(d time.Duration) time.Duration {
	d = d.Truncate(time.Millisecond)
	return min(max(d, MinInterval), MaxInterval)
}

func (s *Server) sendLocked(m Msg) {
	b, err := Append(nil, m)
	if err != nil {
		s.log.Warn("session: message not sent", "type", m.Type, "id", m.ID, "err", err)
		return
	}
	s.cur.send(b)
}

func (s *Server) accept() {
	defer s.wg.Done()
	delay := 5 * time.Millisecond
	for {
		uc, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.closing:
				return
			default:
			}
			// EMFILE and the like: wait, do not spin.
			s.log.Warn("session: accept", "err", err)
			time.Sleep(delay)
			delay = min(2*delay, time.Second)
			continue
		}
		delay = 5 * time.Millisecond
		if !s.admit(uc) {
			// Anyone may connect: a refusal costs a seat file read and a
			// write, so refusals are paced (at most ~100 a second).
			select {
			case <-s.closing:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

// refuse tells the peer why (best effort, bounded) and closes it.
func (s *Server) refuse(uc *unixsock.Conn, code int32, why string) {
	b, _ := Append(nil, Msg{Type: TRefused, Code: code, Info: clip(why, MaxInfo)})
	uc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	uc.Write(b)
	uc.Close()
}

// admit checks a new peer and serves it; false: it was refused.
func (s *Server) admit(uc *unixsock.Conn) bool {
	uid, err := uc.PeerUID() // SO_PEERCRED, as of connect
	if err != nil {
		s.log.Warn("session: no peer credentials", "err", err)
		uc.Close()
		return false
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		uc.Close()
		return false
	}
	s.watchSeatsLocked()
	ok, why := s.pol.allowed(uid)
	if !ok {
		first := !s.refused[uid]
		if first && len(s.refused) < 256 {
			s.refused[uid] = true
		}
		s.mu.Unlock()
		if first {
			s.log.Warn("session: companion refused", "uid", uid, "why", why)
		}
		s.refuse(uc, RefusedNotActive, why)
		return false
	}
	if s.cur != nil {
		s.mu.Unlock()
		s.refuse(uc, RefusedBusy, "another companion is served")
		return false
	}
	delete(s.refused, uid) // a later refusal is news again
	s.serial++
	c := &conn{s: s, uc: uc, uid: uid, serial: s.serial, out: make(chan []byte, s.o.Queue), done: make(chan struct{})}
	s.cur = c
	s.wg.Add(2)
	s.mu.Unlock()
	go c.write()
	go c.read()
	return true
}

// recheck drops the served companion if its uid is no longer allowed.
func (s *Server) recheck() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return
	}
	select {
	case <-s.cur.done:
		return // already dropped, its Disconnected on the way
	default:
	}
	if ok, why := s.pol.allowed(s.cur.uid); !ok {
		s.log.Info("session: companion dropped", "uid", s.cur.uid, "why", why)
		s.cur.drop()
	}
}

// conn is one served (or handshaking) companion.
type conn struct {
	s      *Server
	uc     *unixsock.Conn
	uid    int
	serial uint64
	served bool // after the handshake (s.mu)
	// volSerial is the last SetVolume's serial (s.mu; 0: none sent).
	volSerial uint32
	out       chan []byte
	done      chan struct{}
	once      sync.Once
}

// drop closes the connection; its reader then reports Disconnected.
func (c *conn) drop() {
	c.once.Do(func() {
		close(c.done)
		c.uc.Close()
	})
}

// send queues b without blocking; a full queue drops the companion.
func (c *conn) send(b []byte) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	select {
	case c.out <- b:
		return true
	default:
		c.s.log.Warn("session: companion does not read; dropped", "uid", c.uid)
		c.drop()
		return false
	}
}

func (c *conn) write() {
	defer c.s.wg.Done()
	for {
		select {
		case <-c.done:
			return
		case b := <-c.out:
			c.uc.SetWriteDeadline(time.Now().Add(c.s.o.WriteTimeout))
			if _, err := c.uc.Write(b); err != nil {
				c.drop()
				return
			}
			// No runtime timer left pending for WriteTimeout: it would
			// wake the daemon then, and until then each touch's wait for
			// the poller would arm a kernel timer (docs/benchmarks.md).
			c.uc.SetWriteDeadline(time.Time{})
		}
	}
}

// deliver hands ev to the loop, unless the server closes.
func (c *conn) deliver(ev Event) bool {
	ev.Conn, ev.UID = c.serial, c.uid
	select {
	case c.s.events <- ev:
		return true
	case <-c.s.closing:
		return false
	}
}

func (c *conn) read() {
	s := c.s
	defer s.wg.Done()
	r := NewReader(c.uc)
	// The handshake: our Hello, theirs within the bound.
	hello, _ := Append(nil, Msg{Type: THello, Version: Version})
	c.send(hello)
	c.uc.SetReadDeadline(time.Now().Add(s.o.Handshake))
	m, err := r.Next()
	if err != nil || m.Type != THello || m.Version != Version {
		code, why := int32(RefusedProtocol), "expected a Hello"
		if err == nil && m.Type == THello {
			code, why = RefusedVersion, fmt.Sprintf("protocol version %d, the daemon speaks %d", m.Version, Version)
		}
		if err == nil || errors.Is(err, ErrProtocol) {
			s.log.Warn("session: companion refused", "uid", c.uid, "why", why)
			b, _ := Append(nil, Msg{Type: TRefused, Code: code, Info: why})
			c.send(b)
			time.Sleep(50 * time.Millisecond) // let the writer say why
		}
		s.mu.Lock()
		s.cur = nil // before the peer sees the close: it may retry at once
		s.mu.Unlock()
		c.drop()
		return
	}
	c.uc.SetReadDeadline(time.Time{})
	s.mu.Lock()
	c.served = true
	if !s.paused {
		for id, w := range s.widgets {
			s.sendLocked(Msg{Type: TWidgetStart, ID: id, Command: w.Command, Interval: w.Interval})
		}
	}
	if s.volWatch {
		s.sendLocked(Msg{Type: TVolumeWatch, On: true})
	}
	s.mediaOn = false // a new companion watches nothing yet
	s.mediaLocked()
	s.mu.Unlock()
	s.log.Info("session: companion served", "uid", c.uid, "desktop", m.Info)
	alive := c.deliver(Event{Kind: Connected, Desktop: m.Info})
	// Token bucket: Rate a second, bursts of 2×Rate; an empty bucket
	// waits (the companion's writes block), it costs the loop nothing.
	burst := 2 * s.o.Rate
	tokens, last := burst, time.Now()
	for alive {
		m, err := r.Next()
		if err != nil {
			if errors.Is(err, ErrProtocol) {
				s.log.Warn("session: companion sent garbage; dropped", "uid", c.uid, "err", err)
			} else if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				s.log.Info("session: companion connection", "uid", c.uid, "err", err)
			}
			break
		}
		now := time.Now()
		tokens = min(burst, tokens+now.Sub(last).Seconds()*s.o.Rate)
		last = now
		if tokens < 1 {
			wait := time.Duration((1 - tokens) / s.o.Rate * float64(time.Second))
			select {
			case <-time.After(wait):
			case <-c.done:
			}
			tokens, last = 1, time.Now()
		}
		tokens--
		var ev Event
		switch m.Type {
		case TWidgetOutput:
			s.mu.Lock()
			_, ok := s.widgets[m.ID]
			s.mu.Unlock()
			if !ok {
				continue
			}
			ev = Event{Kind: WidgetOutput, ID: m.ID, Text: m.Text, Color: m.Color, Icon: m.Icon}
		case TStarted:
			ev = Event{Kind: Started, ID: m.ID}
		case TEnded:
			ev = Event{Kind: Ended, ID: m.ID, Code: m.Code}
		case TFocus:
			ev = Event{Kind: Focus, AppID: m.AppID}
		case TVolume:
			s.mu.Lock()
			stale := m.ID != c.volSerial
			s.mu.Unlock()
			if stale {
				continue // read before the last SetVolume was applied
			}
			ev = Event{Kind: Volume, Level: float64(m.Level) / MaxLevel, Muted: m.Muted, Available: m.Available}
		case TMedia:
			ev = Event{Kind: Media, Status: m.Status, Title: m.Title, Artist: m.Artist}
		default:
			s.log.Warn("session: companion sent a daemon's message; dropped", "uid", c.uid, "type", m.Type)
			alive = false
			continue
		}
		select {
		case <-c.done:
			alive = false
			continue
		default:
		}
		alive = c.deliver(ev)
	}
	c.drop()
	c.deliver(Event{Kind: Disconnected})
	s.mu.Lock()
	if s.cur == c {
		s.cur = nil
	}
	s.mu.Unlock()
}
