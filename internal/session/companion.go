package session

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/unixsock"
)

// Companion is the session's end: run as the desktop user, it connects
// to the daemon and runs the commands and widgets the daemon asks for in
// the user's environment. Zero fields take the defaults.
type Companion struct {
	Socket  string // DefaultDir/SocketName
	Log     *slog.Logger
	Shell   string // "/bin/sh"; commands run as Shell -c COMMAND
	Desktop string // said in the Hello (e.g. $XDG_CURRENT_DESKTOP)
	// AnyServer accepts a daemon socket whose listener is not root (tests,
	// a daemon run by hand); by default the socket must be root's.
	AnyServer bool
	// WidgetTimeout bounds one run of a widget's command (10 s); it is
	// killed (its process group) past it. WidgetOutput bounds the stdout
	// kept (4 KiB; the rest is read and dropped).
	WidgetTimeout time.Duration
	WidgetOutput  int
	// MaxRunning bounds the tap commands running at once (16); one more is
	// reported Ended with code -1 without running.
	MaxRunning int
	// Getenv reads the session's environment (os.Getenv): it picks the
	// compositor the focused app is read from.
	Getenv func(string) string
	// VolumeTimeout bounds one run of wpctl or pactl (2 s): it is killed
	// with its process group past it. VolumePoll is how often the volume is
	// read while watched when `pactl subscribe` cannot tell changes (0.5 s).
	VolumeTimeout, VolumePoll time.Duration
	// MinBackoff and MaxBackoff pace reconnection (0.5 s doubling to 5 s;
	// a served session that ends starts again from MinBackoff).
	MinBackoff, MaxBackoff time.Duration

	focusSource *atomic.Pointer[string] // the focus source last logged (made by defaults)
}

// ErrRefused wraps the daemon's refusal.
var ErrRefused = errors.New("session: refused by the daemon")

func (c *Companion) defaults() {
	if c.Socket == "" {
		c.Socket = DefaultDir + "/" + SocketName
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Shell == "" {
		c.Shell = "/bin/sh"
	}
	if c.WidgetTimeout <= 0 {
		c.WidgetTimeout = 10 * time.Second
	}
	if c.WidgetOutput <= 0 {
		c.WidgetOutput = 4 << 10
	}
	if c.MaxRunning <= 0 {
		c.MaxRunning = 16
	}
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	if c.focusSource == nil {
		c.focusSource = new(atomic.Pointer[string])
	}
	if c.VolumeTimeout <= 0 {
		c.VolumeTimeout = 2 * time.Second
	}
	if c.VolumePoll <= 0 {
		c.VolumePoll = 500 * time.Millisecond // a change shows within a second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 500 * time.Millisecond
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(5*time.Second, c.MinBackoff)
	}
}

// Run serves the daemon until ctx ends (SIGTERM, SIGINT: nil), reconnecting
// with back-off when the daemon restarts or refuses.
func (c *Companion) Run(ctx context.Context) error {
	c.defaults()
	backoff := c.MinBackoff
	var lastErr string
	for {
		served, err := c.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if served {
			backoff = c.MinBackoff
		}
		if msg := fmt.Sprint(err); msg != lastErr {
			lastErr = msg
			c.Log.Info("session: not connected; retrying", "err", err)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(2*backoff, c.MaxBackoff)
	}
}

// link is one connection to the daemon.
type link struct {
	c       *Companion
	conn    *unixsock.Conn
	out     chan []byte
	done    chan struct{}
	once    sync.Once
	running chan struct{} // tap commands' slots
}

func (l *link) close() {
	l.once.Do(func() { close(l.done); l.conn.Close() })
}

// send queues m for the daemon; it waits when the queue is full (the
// daemon throttles us) and gives up when the link is gone.
func (l *link) send(m Msg) {
	b, err := Append(nil, m)
	if err != nil {
		l.c.Log.Warn("session: message not sent", "type", m.Type, "err", err)
		return
	}
	select {
	case l.out <- b:
	case <-l.done:
	}
}

func (l *link) writer() {
	for {
		select {
		case <-l.done:
			return
		case b := <-l.out:
			if _, err := l.conn.Write(b); err != nil {
				l.close()
				return
			}
		}
	}
}

// session is one connection: it reports whether the daemon served it.
func (c *Companion) session(ctx context.Context) (bool, error) {
	// A unix connect does not wait (a full queue fails at once), so ctx
	// need not bound it.
	uc, err := unixsock.Dial(c.Socket)
	if err != nil {
		return false, err
	}
	if !c.AnyServer {
		// SO_PEERCRED on a dialled socket: the listener's uid.
		if uid, err := uc.PeerUID(); err != nil || uid != 0 {
			uc.Close()
			return false, fmt.Errorf("session: %s is not the daemon's (listener uid %d, want root)", c.Socket, uid)
		}
	}
	l := &link{c: c, conn: uc, out: make(chan []byte, 256), done: make(chan struct{}), running: make(chan struct{}, c.MaxRunning)}
	defer l.close()
	stop := context.AfterFunc(ctx, l.close)
	defer stop()
	go l.writer()
	l.send(Msg{Type: THello, Version: Version, Info: clip(c.Desktop, MaxInfo)})

	r := NewReader(uc)
	uc.SetReadDeadline(time.Now().Add(10 * time.Second))
	m, err := r.Next()
	if err != nil {
		return false, err
	}
	if m.Type == TRefused {
		return false, fmt.Errorf("%w: %s", ErrRefused, m.Info)
	}
	if m.Type != THello || m.Version != Version {
		return false, fmt.Errorf("%w: daemon's first message %v version %d", ErrProtocol, m.Type, m.Version)
	}
	uc.SetReadDeadline(time.Time{})
	c.Log.Info("session: served by the daemon", "socket", c.Socket)

	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	widgets := map[uint32]context.CancelFunc{}
	var mediaStop context.CancelFunc // the media watch, while on
	var mediaCtl chan MediaOp
	var wg sync.WaitGroup
	defer wg.Wait()
	defer l.close() // unblocks widgets waiting in send
	defer wcancel()
	wg.Add(1)
	go func() {
		defer wg.Done()
		l.focus(wctx)
	}()
	vol := newVolumeBox()
	wg.Add(1)
	go func() {
		defer wg.Done()
		l.volume(wctx, vol)
	}()
	for {
		m, err := r.Next()
		if err != nil {
			if errors.Is(err, os.ErrClosed) {
				err = ctx.Err()
			}
			if err == nil {
				err = errors.New("session: connection closed")
			}
			return true, err
		}
		switch m.Type {
		case TRun:
			l.run(m.ID, m.Command)
		case TWidgetStart:
			if stop := widgets[m.ID]; stop != nil {
				stop()
			}
			if len(widgets) >= 1024 {
				c.Log.Warn("session: too many widgets; one ignored", "id", m.ID)
				continue
			}
			wc, stop := context.WithCancel(wctx)
			widgets[m.ID] = stop
			wg.Add(1)
			go func(id uint32, command string, every time.Duration) {
				defer wg.Done()
				l.widget(wc, id, command, every)
			}(m.ID, m.Command, m.Interval)
		case TWidgetStop:
			if stop := widgets[m.ID]; stop != nil {
				stop()
				delete(widgets, m.ID)
			}
		case TVolumeWatch, TSetVolume:
			vol.post(m)
		case TMediaWatch:
			if m.On && mediaStop == nil {
				mctx, stop := context.WithCancel(wctx)
				mediaStop, mediaCtl = stop, make(chan MediaOp, 4)
				wg.Add(1)
				go func(ctl <-chan MediaOp) {
					defer wg.Done()
					l.media(mctx, ctl)
				}(mediaCtl)
			} else if !m.On && mediaStop != nil {
				mediaStop()
				mediaStop, mediaCtl = nil, nil
			}
		case TMediaControl:
			select {
			case mediaCtl <- m.Op: // nil while not watching: dropped
			default:
			}
		case TRefused:
			return true, fmt.Errorf("%w: %s", ErrRefused, m.Info)
		default:
			// A newer daemon's message this companion does not know is
			// refused by Decode already; the rest are ours, not its.
			return true, fmt.Errorf("%w: daemon sent %v", ErrProtocol, m.Type)
		}
	}
}

// run starts a tap's command, reports Started and then Ended.
func (l *link) run(id uint32, command string) {
	select {
	case l.running <- struct{}{}:
	default:
		l.c.Log.Warn("session: too many commands running; one not run", "id", id)
		l.send(Msg{Type: TEnded, ID: id, Code: -1})
		return
	}
	cmd := exec.Command(l.c.Shell, "-c", command)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		<-l.running
		l.c.Log.Warn("session: command", "id", id, "err", err)
		l.send(Msg{Type: TEnded, ID: id, Code: -1})
		return
	}
	l.send(Msg{Type: TStarted, ID: id})
	go func() {
		err := cmd.Wait()
		<-l.running
		code := int32(0)
		if err != nil {
			code = -1
			if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() >= 0 {
				code = int32(ee.ExitCode())
			}
		}
		l.send(Msg{Type: TEnded, ID: id, Code: code})
	}()
}

// widget runs command every interval until ctx ends, sending its output
// when it changes. A failing run keeps the last good output and the next
// try backs off (interval doubled per failure, at most a minute or the
// interval).
func (l *link) widget(ctx context.Context, id uint32, command string, every time.Duration) {
	every = max(every, MinInterval)
	var last *Msg
	failures := 0
	delay := time.Duration(0)
	for {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		} else if ctx.Err() != nil {
			return
		}
		out, err := l.c.runWidget(ctx, command)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
			if failures == 1 {
				l.c.Log.Info("session: widget command failed", "id", id, "err", err)
			}
			delay = min(every<<min(failures, 16), max(every, time.Minute))
			continue
		}
		failures = 0
		delay = every
		m := parseOutput(out)
		m.ID = id
		if last == nil || *last != m {
			last = &m
			l.send(m)
		}
	}
}

// capped keeps the first n bytes written and drops the rest.
type capped struct {
	b bytes.Buffer
	n int
}

func (w *capped) Write(p []byte) (int, error) {
	if room := w.n - w.b.Len(); room > 0 {
		w.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// runWidget runs command once in its own process group, killed with the
// group past WidgetTimeout; stdout is capped.
func (c *Companion) runWidget(ctx context.Context, command string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.WidgetTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Shell, "-c", command)
	out := &capped{n: c.WidgetOutput}
	cmd.Stdout = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return unix.Kill(-cmd.Process.Pid, unix.SIGKILL) }
	cmd.WaitDelay = time.Second // a grandchild holding stdout open
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("killed after %v", c.WidgetTimeout)
	}
	if err != nil {
		return nil, err
	}
	return out.b.Bytes(), nil
}

// parseOutput makes a widget's output a WidgetOutput: a JSON object's
// "text" (or i3bar's "full_text"), "color" and "icon", else the first line.
func parseOutput(out []byte) Msg {
	m := Msg{Type: TWidgetOutput}
	trimmed := bytes.TrimSpace(out)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var j struct {
			Text     *string `json:"text"`
			FullText *string `json:"full_text"`
			Color    string  `json:"color"`
			Icon     string  `json:"icon"`
		}
		if json.Unmarshal(trimmed, &j) == nil {
			switch {
			case j.Text != nil:
				m.Text = *j.Text
			case j.FullText != nil:
				m.Text = *j.FullText
			}
			m.Text = clip(firstLine([]byte(m.Text)), MaxText)
			m.Color = clip(j.Color, MaxColor)
			m.Icon = clip(j.Icon, MaxIcon)
			return m
		}
	}
	m.Text = clip(firstLine(out), MaxText)
	return m
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	return string(bytes.TrimSpace(line))
}

// focus reports the focused app to the daemon while the link lasts,
// re-connecting to the compositor (every 2 s) when its socket fails.
func (l *link) focus(ctx context.Context) {
	name, watch, err := pickFocus(ctx, l.c.Getenv)
	if ctx.Err() != nil {
		return
	}
	key := name
	if err != nil {
		key = "none"
	}
	if old := l.c.focusSource.Swap(&key); old == nil || *old != key { // once, unless it changes
		if err != nil {
			l.c.Log.Info("session: focused app not reported", "why", err)
		} else {
			l.c.Log.Info("session: focused app read from the compositor", "source", name)
		}
	}
	if err != nil {
		return
	}
	last, logged := "\x00", false
	report := func(app string) {
		app = clip(app, MaxAppID)
		if app != last {
			last = app
			l.send(Msg{Type: TFocus, AppID: app})
		}
	}
	for {
		err := watch(ctx, report)
		if ctx.Err() != nil {
			return
		}
		if !logged {
			logged = true
			l.c.Log.Info("session: compositor connection; retrying", "compositor", name, "err", err)
		}
		t := time.NewTimer(2 * time.Second)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
