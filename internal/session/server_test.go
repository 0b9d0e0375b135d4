package session

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/logging/loggingtest"
)

// wait bounds how long a test waits for something that must happen (a
// hang fails the test instead of the whole run; no speed is asserted).
const wait = 20 * time.Second

// writeSeat replaces seats/seat0 the way logind does (a rename).
func writeSeat(t *testing.T, seats, content string) {
	t.Helper()
	tmp := filepath.Join(seats, ".#seat0tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(seats, "seat0")); err != nil {
		t.Fatal(err)
	}
}

func seatFor(uid int) string {
	return fmt.Sprintf("# This is private data. Do not parse.\nACTIVE=2\nACTIVE_UID=%d\nSESSIONS=2\nUIDS=%d\n", uid, uid)
}

type testServer struct {
	*Server
	dir, seats string
	log        *loggingtest.Buffer
}

func newServer(t *testing.T, seat string, o Options) *testServer {
	t.Helper()
	base := t.TempDir()
	ts := &testServer{dir: filepath.Join(base, "run"), seats: filepath.Join(base, "seats"), log: &loggingtest.Buffer{}}
	if seat != "" {
		if err := os.Mkdir(ts.seats, 0o755); err != nil {
			t.Fatal(err)
		}
		writeSeat(t, ts.seats, seat)
	}
	o.SeatsDir = ts.seats
	o.Log = slog.New(slog.NewTextHandler(ts.log, nil))
	s, err := Listen(ts.dir, o)
	if err != nil {
		t.Fatal(err)
	}
	ts.Server = s
	s.Start()
	t.Cleanup(func() { s.Close() })
	return ts
}

func (ts *testServer) next(t *testing.T, kind EventKind) Event {
	t.Helper()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case ev := <-ts.Events():
			if ev.Kind == kind {
				return ev
			}
		case <-timer.C:
			t.Fatalf("no event of kind %d; log:\n%s", kind, ts.log)
		}
	}
}

// rawClient speaks the protocol by hand.
type rawClient struct {
	c *net.UnixConn
	r *Reader
}

func dial(t *testing.T, path string) *rawClient {
	t.Helper()
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(wait))
	return &rawClient{c: c, r: NewReader(c)}
}

func (rc *rawClient) send(t *testing.T, m Msg) {
	t.Helper()
	b, err := Append(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.c.Write(b); err != nil {
		t.Fatal(err)
	}
}

func (rc *rawClient) recv(t *testing.T) Msg {
	t.Helper()
	m, err := rc.r.Next()
	if err != nil {
		t.Fatalf("recv: %v", err)
	}
	return m
}

// handshake: the daemon's Hello, ours, then the server reports Connected.
func (rc *rawClient) handshake(t *testing.T, ts *testServer) Event {
	t.Helper()
	if m := rc.recv(t); m.Type != THello || m.Version != Version {
		t.Fatalf("first message %+v, want the daemon's Hello", m)
	}
	rc.send(t, Msg{Type: THello, Version: Version, Info: "test"})
	return ts.next(t, Connected)
}

func TestServerServesActiveUser(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	if ts.Connected() || ts.Run(1, "true") {
		t.Fatal("served before any companion")
	}
	rc := dial(t, ts.Path())
	ev := rc.handshake(t, ts)
	if ev.UID != os.Getuid() || ev.Desktop != "test" || ev.Conn != 1 {
		t.Fatalf("Connected = %+v", ev)
	}
	if !ts.Connected() {
		t.Fatal("Connected() false after the handshake")
	}
	ts.SetWidgets([]Widget{{ID: 5, Command: "date", Interval: 100 * time.Millisecond}})
	if m := rc.recv(t); m.Type != TWidgetStart || m.ID != 5 || m.Command != "date" || m.Interval != MinInterval {
		t.Fatalf("got %+v, want WidgetStart 5 at the floor interval", m)
	}
	if !ts.Run(9, "echo hi") {
		t.Fatal("Run refused with a companion")
	}
	if m := rc.recv(t); m.Type != TRun || m.ID != 9 || m.Command != "echo hi" {
		t.Fatalf("got %+v, want Run 9", m)
	}
	rc.send(t, Msg{Type: TWidgetOutput, ID: 6, Text: "not ours"})
	rc.send(t, Msg{Type: TWidgetOutput, ID: 5, Text: "12:00", Color: "red"})
	if ev := ts.next(t, WidgetOutput); ev.ID != 5 || ev.Text != "12:00" || ev.Color != "red" {
		t.Fatalf("WidgetOutput = %+v (output of a widget not started must be dropped)", ev)
	}
	rc.send(t, Msg{Type: TStarted, ID: 9})
	rc.send(t, Msg{Type: TEnded, ID: 9, Code: 3})
	rc.send(t, Msg{Type: TFocus, AppID: "firefox"})
	if ev := ts.next(t, Started); ev.ID != 9 {
		t.Fatalf("Started = %+v", ev)
	}
	if ev := ts.next(t, Ended); ev.ID != 9 || ev.Code != 3 {
		t.Fatalf("Ended = %+v", ev)
	}
	if ev := ts.next(t, Focus); ev.AppID != "firefox" {
		t.Fatalf("Focus = %+v", ev)
	}
	ts.SetWidgets(nil)
	if m := rc.recv(t); m.Type != TWidgetStop || m.ID != 5 {
		t.Fatalf("got %+v, want WidgetStop 5", m)
	}
	rc.c.Close()
	ts.next(t, Disconnected)
}

// TestServerCloseDropsCompanion: Close interrupts the accept and the
// served companion's blocked reader and writer, returns, and leaves the
// socket file (the daemon cannot unlink it after the privilege drop).
func TestServerCloseDropsCompanion(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	rc := dial(t, ts.Path())
	rc.handshake(t, ts)
	if err := ts.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if m, err := rc.r.Next(); err != io.EOF {
		t.Fatalf("companion read %+v, %v after Close; want EOF", m, err)
	}
	if _, err := os.Lstat(ts.Path()); err != nil {
		t.Fatalf("socket file gone after Close: %v", err)
	}
	if c, err := net.Dial("unix", ts.Path()); err == nil {
		c.Close()
		t.Fatal("a closed server still accepts connections")
	}
}

func TestServerRefusesOtherUsers(t *testing.T) {
	me := os.Getuid()
	for name, seat := range map[string]string{
		"another active user": fmt.Sprintf("ACTIVE_UID=%d\nUIDS=%d %d\nACTIVE_UIDS=%d\n", me+1, me+1, me, me),
		"no ACTIVE_UID":       fmt.Sprintf("ACTIVE=3\nUIDS=%d\n", me),
		"malformed":           fmt.Sprintf("ACTIVE_UID= %d\n", me),
		"twice":               fmt.Sprintf("ACTIVE_UID=%d\nACTIVE_UID=%d\n", me, me),
	} {
		t.Run(name, func(t *testing.T) {
			ts := newServer(t, seat, Options{})
			for range 2 {
				rc := dial(t, ts.Path())
				m := rc.recv(t)
				if m.Type != TRefused || m.Code != RefusedNotActive {
					t.Fatalf("got %+v, want Refused(not active)", m)
				}
				if _, err := rc.r.Next(); err != io.EOF {
					t.Fatalf("after the refusal: %v, want EOF", err)
				}
			}
			if n := strings.Count(ts.log.String(), "companion refused"); n != 1 {
				t.Errorf("refusal logged %d times, want once:\n%s", n, ts.log)
			}
			if ts.Connected() {
				t.Fatal("a refused companion is served")
			}
		})
	}
}

// A user switch (logind renames a new seat0 into place) drops the served
// companion at once; switching back serves it again.
func TestServerDropsOnUserSwitch(t *testing.T) {
	me := os.Getuid()
	ts := newServer(t, seatFor(me), Options{})
	rc := dial(t, ts.Path())
	rc.handshake(t, ts)
	writeSeat(t, ts.seats, seatFor(me+1))
	ts.next(t, Disconnected)
	if _, err := rc.r.Next(); err == nil {
		t.Fatal("the dropped companion's connection is still open")
	}
	if ts.Run(1, "true") {
		t.Fatal("Run accepted after the switch")
	}
	writeSeat(t, ts.seats, seatFor(me))
	rc2 := dial(t, ts.Path())
	if ev := rc2.handshake(t, ts); ev.Conn != 2 {
		t.Fatalf("second Connected = %+v", ev)
	}
}

func TestServerBusy(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	rc := dial(t, ts.Path())
	rc.handshake(t, ts)
	rc2 := dial(t, ts.Path())
	if m := rc2.recv(t); m.Type != TRefused || m.Code != RefusedBusy {
		t.Fatalf("second companion got %+v, want Refused(busy)", m)
	}
}

func TestServerSessionUsers(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	passwd := fmt.Sprintf("root:x:0:0::/root:/bin/sh\nme:x:%d:%d::/home/me:/bin/sh\nother:x:%d:%d::/:/bin/sh\n",
		os.Getuid(), os.Getgid(), os.Getuid()+1, os.Getgid())
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte(passwd), 0o644)

	// No logind and no SessionUsers: nobody.
	ts := newServer(t, "", Options{Root: root})
	if m := dial(t, ts.Path()).recv(t); m.Type != TRefused {
		t.Fatalf("got %+v without SessionUsers, want Refused", m)
	}
	ts.SetSessionUsers([]string{"other"})
	if m := dial(t, ts.Path()).recv(t); m.Type != TRefused {
		t.Fatalf("got %+v as a user not listed, want Refused", m)
	}
	ts.SetSessionUsers([]string{"nosuchuser", "me"})
	dial(t, ts.Path()).handshake(t, ts)
	// Taking the user off the list drops the companion.
	ts.SetSessionUsers(nil)
	ts.next(t, Disconnected)
}

// A companion that never reads cannot block the daemon: Run never waits,
// the queue overflows and the companion is dropped.
func TestServerCompanionNotReading(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{Queue: 4})
	rc := dial(t, ts.Path())
	rc.handshake(t, ts)
	long := strings.Repeat("x", MaxCommand)
	dropped := false
	for i := 0; i < 10000 && !dropped; i++ {
		dropped = !ts.Run(uint32(i), long)
	}
	if !dropped {
		t.Fatal("80 MB queued for a companion that does not read")
	}
	ts.next(t, Disconnected)
	if !strings.Contains(ts.log.String(), "does not read") {
		t.Errorf("log does not say why:\n%s", ts.log)
	}
}

func TestServerGarbage(t *testing.T) {
	for name, junk := range map[string][]byte{
		"huge frame":       {0xff, 0xff, 0xff, 0xff},
		"unknown type":     {0, 0, 0, 1, 0xee},
		"daemon's message": {0, 0, 0, 5, byte(TRun), 0, 0, 0, 1},
	} {
		t.Run(name, func(t *testing.T) {
			ts := newServer(t, seatFor(os.Getuid()), Options{})
			rc := dial(t, ts.Path())
			rc.handshake(t, ts)
			if _, err := rc.c.Write(junk); err != nil {
				t.Fatal(err)
			}
			ts.next(t, Disconnected)
		})
	}
	t.Run("no hello", func(t *testing.T) {
		ts := newServer(t, seatFor(os.Getuid()), Options{Handshake: 50 * time.Millisecond})
		rc := dial(t, ts.Path())
		rc.recv(t)
		if _, err := io.ReadAll(rc.c); err != nil {
			t.Fatal(err)
		}
		// The slot is free again.
		dial(t, ts.Path()).handshake(t, ts)
	})
	t.Run("wrong version", func(t *testing.T) {
		ts := newServer(t, seatFor(os.Getuid()), Options{})
		rc := dial(t, ts.Path())
		rc.recv(t)
		rc.send(t, Msg{Type: THello, Version: Version + 1})
		if m := rc.recv(t); m.Type != TRefused || m.Code != RefusedVersion {
			t.Fatalf("got %+v, want Refused(version)", m)
		}
	})
}

// A flood is throttled, not buffered: every message still arrives, in
// order, and the server holds no more than its bounded channel.
func TestServerFloodThrottled(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{Rate: 1000})
	rc := dial(t, ts.Path())
	rc.handshake(t, ts)
	go func() {
		for i := range 3000 {
			b, _ := Append(nil, Msg{Type: TFocus, AppID: fmt.Sprint(i)})
			if _, err := rc.c.Write(b); err != nil {
				return
			}
		}
	}()
	for i := range 3000 {
		if ev := ts.next(t, Focus); ev.AppID != fmt.Sprint(i) {
			t.Fatalf("event %d: %+v", i, ev)
		}
		if n := len(ts.Events()); n > cap(ts.events) {
			t.Fatalf("%d events queued", n)
		}
	}
}

func TestListenModes(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "tiny-dfr")
	s, err := Listen(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	st, _ := os.Stat(dir)
	sock, err := os.Lstat(filepath.Join(dir, SocketName))
	if err != nil || st.Mode().Perm() != 0o755 || sock.Mode().Perm() != 0o666 || sock.Mode().Type() != os.ModeSocket {
		t.Fatalf("dir %v, socket %v (%v); want 0755 and a 0666 socket", st.Mode(), sock, err)
	}
	// A stale socket is replaced; anything else there is refused.
	s, err = Listen(dir, Options{})
	if err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	s.Close()
	os.Remove(filepath.Join(dir, SocketName))
	os.WriteFile(filepath.Join(dir, SocketName), nil, 0o644)
	if _, err := Listen(dir, Options{}); err == nil {
		t.Fatal("Listen replaced a regular file")
	}
	link := filepath.Join(base, "link")
	os.Symlink(base, link)
	if _, err := Listen(link, Options{}); err == nil {
		t.Fatal("Listen accepted a symlink as its directory")
	}
}

func TestParseActiveUID(t *testing.T) {
	for in, want := range map[string]int{
		"ACTIVE_UID=1000\n":                          1000,
		"# comment\nACTIVE=c2\nACTIVE_UID=0\nUIDS=0": 0,
		"UIDS=1000\n":                                -1,
		"ACTIVE_UID=\n":                              -1,
		"ACTIVE_UID=-1\n":                            -1,
		"ACTIVE_UID=+5\n":                            -1,
		"ACTIVE_UID=0100\n":                          -1,
		"ACTIVE_UID=1000 \n":                         -1,
		"ACTIVE_UID=4294967295\n":                    -1,
		"ACTIVE_UID=99999999999\n":                   -1,
		"ACTIVE_UID=1\nACTIVE_UID=1\n":               -1,
		" ACTIVE_UID=1000\n":                         -1,
	} {
		got, err := ParseActiveUID([]byte(in))
		if got != want || (want < 0) != (err != nil) {
			t.Errorf("ParseActiveUID(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := ParseActiveUID(nil); !errors.Is(err, errNoActive) {
		t.Errorf("empty file: %v", err)
	}
}

// While the bar is dark (SetPaused) every widget is stopped on the
// companion: nothing is polled; lit again, they start again.
func TestServerPause(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	ts.SetWidgets([]Widget{{ID: 1, Command: "a", Interval: time.Second}})
	rc := dial(t, ts.Path())
	rc.handshake(t, ts)
	if m := rc.recv(t); m.Type != TWidgetStart {
		t.Fatalf("got %+v", m)
	}
	ts.SetPaused(true)
	if m := rc.recv(t); m.Type != TWidgetStop || m.ID != 1 {
		t.Fatalf("paused: got %+v, want WidgetStop 1", m)
	}
	// Widgets declared while paused are not started.
	ts.SetWidgets([]Widget{{ID: 1, Command: "a", Interval: time.Second}, {ID: 2, Command: "b", Interval: time.Second}})
	ts.Run(7, "x")
	if m := rc.recv(t); m.Type != TRun {
		t.Fatalf("while paused: got %+v, want only the Run", m)
	}
	ts.SetPaused(false)
	got := map[uint32]bool{}
	for range 2 {
		m := rc.recv(t)
		if m.Type != TWidgetStart {
			t.Fatalf("lit: got %+v", m)
		}
		got[m.ID] = true
	}
	if !got[1] || !got[2] {
		t.Fatalf("started %v, want 1 and 2", got)
	}
}

// MediaWatch follows the daemon's wish and the pause: on only while both
// say so, sent once per change, and to a companion served later; Media
// reaches the loop; MediaControl is sent only while the companion watches.
func TestServerMediaWatch(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	if ts.MediaControl(MediaPlayPause) {
		t.Fatal("MediaControl sent without a companion")
	}
	ts.SetMediaWatch(true)
	rc := dial(t, ts.Path())
	rc.handshake(t, ts)
	if m := rc.recv(t); m.Type != TMediaWatch || !m.On {
		t.Fatalf("got %+v, want MediaWatch on", m)
	}
	rc.send(t, Msg{Type: TMedia, Status: MediaPlaying, Title: "Song", Artist: "Band"})
	if ev := ts.next(t, Media); ev.Status != MediaPlaying || ev.Title != "Song" || ev.Artist != "Band" {
		t.Fatalf("Media = %+v", ev)
	}
	if !ts.MediaControl(MediaPlayPause) {
		t.Fatal("MediaControl refused while watching")
	}
	if m := rc.recv(t); m.Type != TMediaControl || m.Op != MediaPlayPause {
		t.Fatalf("got %+v, want MediaControl play-pause", m)
	}
	ts.SetMediaWatch(true) // no change: nothing sent
	ts.SetPaused(true)
	if m := rc.recv(t); m.Type != TMediaWatch || m.On {
		t.Fatalf("got %+v, want MediaWatch off when dark", m)
	}
	if ts.MediaControl(MediaPlayPause) {
		t.Fatal("MediaControl sent while not watching")
	}
	ts.SetMediaWatch(false) // dark and no widget: still off, nothing sent
	ts.SetMediaWatch(true)
	ts.SetPaused(false)
	if m := rc.recv(t); m.Type != TMediaWatch || !m.On {
		t.Fatalf("got %+v, want MediaWatch on when lit", m)
	}
	ts.SetMediaWatch(false)
	if m := rc.recv(t); m.Type != TMediaWatch || m.On {
		t.Fatalf("got %+v, want MediaWatch off without a media widget", m)
	}
	// A companion must not send the daemon's messages.
	rc.send(t, Msg{Type: TMediaControl, Op: MediaPlayPause})
	ts.next(t, Disconnected)
}
