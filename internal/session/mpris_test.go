package session

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"

	"tiny-dfr/internal/dbus"
	"tiny-dfr/internal/dbus/dbustest"
)

// privateBus is a dbus-daemon of the test's own (dbustest.PrivateBus).
func privateBus(t *testing.T) string { return dbustest.PrivateBus(t) }

// fakePlayer is a minimal MPRIS player on a bus: the Player interface's
// PlaybackStatus and Metadata properties and its PlayPause method.
type fakePlayer struct {
	conn  *godbus.Conn
	props *prop.Properties
	mu    sync.Mutex
	calls []string
}

func newFakePlayer(t *testing.T, addr, name, status, title string, artists ...string) *fakePlayer {
	t.Helper()
	conn, err := godbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	p := &fakePlayer{conn: conn}
	if err := conn.Export(fakePlayerMethods{p}, mprisPath, mprisPlayer); err != nil {
		t.Fatal(err)
	}
	p.props, err = prop.Export(conn, mprisPath, prop.Map{mprisPlayer: {
		propStatus:   {Value: status, Emit: prop.EmitTrue},
		propMetadata: {Value: metadata(title, artists...), Emit: prop.EmitTrue},
	}})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(mprisPrefix+name, godbus.NameFlagDoNotQueue)
	if err != nil || reply != godbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", reply, err)
	}
	return p
}

func metadata(title string, artists ...string) map[string]godbus.Variant {
	return map[string]godbus.Variant{
		"mpris:trackid": godbus.MakeVariant(godbus.ObjectPath("/org/example/track/1")),
		metaTitle:       godbus.MakeVariant(title),
		metaArtist:      godbus.MakeVariant(artists),
	}
}

func (p *fakePlayer) set(prop string, v any) { p.props.SetMust(mprisPlayer, prop, v) }

func (p *fakePlayer) called() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.calls...)
}

type fakePlayerMethods struct{ p *fakePlayer }

func (m fakePlayerMethods) PlayPause() *godbus.Error {
	m.p.mu.Lock()
	m.p.calls = append(m.p.calls, "PlayPause")
	m.p.mu.Unlock()
	s, _ := m.p.props.GetMust(mprisPlayer, propStatus).(string)
	next := "Playing"
	if s == "Playing" {
		next = "Paused"
	}
	m.p.set(propStatus, next)
	return nil
}

// mediaRig is a companion served by a test server, watching media on a
// private bus.
type mediaRig struct {
	ts   *testServer
	addr string
}

func newMediaRig(t *testing.T, env map[string]string) *mediaRig {
	t.Helper()
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{Getenv: func(k string) string { return env[k] }})
	ts.next(t, Connected)
	return &mediaRig{ts: ts}
}

// media waits for the Media event that matches want, skipping others.
func (r *mediaRig) media(t *testing.T, want Event) {
	t.Helper()
	var last Event
	deadline := time.After(wait)
	for {
		select {
		case ev := <-r.ts.Events():
			if ev.Kind != Media {
				continue
			}
			last = ev
			if ev.Status == want.Status && ev.Title == want.Title && ev.Artist == want.Artist {
				return
			}
		case <-deadline:
			t.Fatalf("no Media %v %q %q; last %v %q %q; log:\n%s", want.Status, want.Title, want.Artist,
				last.Status, last.Title, last.Artist, r.ts.log)
		}
	}
}

// The companion reports the playing player's title and artists; a
// PropertiesChanged changes the report; a tap's PlayPause reaches the
// player; a second player that starts playing takes over; a player that
// vanishes reports the other, then none.
func TestMediaMPRIS(t *testing.T) {
	addr := privateBus(t)
	a := newFakePlayer(t, addr, "alpha", "Playing", "Blue in Green", "Miles Davis", "Bill Evans")
	r := newMediaRig(t, map[string]string{"DBUS_SESSION_BUS_ADDRESS": addr})
	r.ts.SetMediaWatch(true)
	r.media(t, Event{Status: MediaPlaying, Title: "Blue in Green", Artist: "Miles Davis, Bill Evans"})

	a.set(propMetadata, metadata("So What", "Miles Davis"))
	r.media(t, Event{Status: MediaPlaying, Title: "So What", Artist: "Miles Davis"})

	if !r.ts.MediaControl(MediaPlayPause) {
		t.Fatal("MediaControl not sent")
	}
	r.media(t, Event{Status: MediaPaused, Title: "So What", Artist: "Miles Davis"})
	if got := a.called(); len(got) != 1 || got[0] != "PlayPause" {
		t.Fatalf("player got %q, want one PlayPause", got)
	}

	b := newFakePlayer(t, addr, "beta.instance42", "Paused", "Other", "Someone")
	r.media(t, Event{Status: MediaPaused, Title: "Other", Artist: "Someone"}) // the most recently active
	b.set(propStatus, "Playing")
	r.media(t, Event{Status: MediaPlaying, Title: "Other", Artist: "Someone"})
	a.set(propStatus, "Playing") // the most recent to start playing wins
	r.media(t, Event{Status: MediaPlaying, Title: "So What", Artist: "Miles Davis"})

	a.conn.Close()
	r.media(t, Event{Status: MediaPlaying, Title: "Other", Artist: "Someone"})
	b.conn.Close()
	r.media(t, Event{Status: MediaNone})
}

// Nothing is watched while MediaWatch is off: a player's changes are not
// reported, and the companion leaves the bus.
func TestMediaWatchOff(t *testing.T) {
	addr := privateBus(t)
	a := newFakePlayer(t, addr, "alpha", "Playing", "One")
	r := newMediaRig(t, map[string]string{"DBUS_SESSION_BUS_ADDRESS": addr})
	r.ts.SetMediaWatch(true)
	r.media(t, Event{Status: MediaPlaying, Title: "One"})
	before := busNames(t, a.conn)
	r.ts.SetMediaWatch(false)
	deadline := time.Now().Add(wait)
	for len(busNames(t, a.conn)) >= len(before) {
		if time.Now().After(deadline) {
			t.Fatalf("the companion stayed on the bus: %q", busNames(t, a.conn))
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.set(propMetadata, metadata("Two"))
	r.ts.SetMediaWatch(true) // watching again: the current state
	r.media(t, Event{Status: MediaPlaying, Title: "Two"})
}

func busNames(t *testing.T, c *godbus.Conn) []string {
	t.Helper()
	var names []string
	if err := c.BusObject().Call(busName+".ListNames", 0).Store(&names); err != nil {
		t.Fatal(err)
	}
	var unique []string
	for _, n := range names {
		if strings.HasPrefix(n, ":") {
			unique = append(unique, n)
		}
	}
	return unique
}

// Without a session bus the companion reports none (and keeps retrying).
func TestMediaNoBus(t *testing.T) {
	r := newMediaRig(t, map[string]string{"XDG_RUNTIME_DIR": t.TempDir()})
	r.ts.SetMediaWatch(true)
	r.media(t, Event{Status: MediaNone})
	if !strings.Contains(r.ts.log.String(), "no session bus") {
		t.Errorf("log does not say why:\n%s", r.ts.log)
	}
}

// A bus address that fails (a dead socket) is retried with back-off: a
// bus that appears there later is watched.
func TestMediaBusLater(t *testing.T) {
	addr := privateBus(t)
	path := strings.TrimPrefix(strings.SplitN(addr, ",", 2)[0], "unix:path=")
	if path == addr {
		t.Skipf("address %q is not a unix path", addr)
	}
	dir := t.TempDir()
	link := filepath.Join(dir, "bus")
	r := newMediaRig(t, map[string]string{"XDG_RUNTIME_DIR": dir})
	r.ts.SetMediaWatch(true)
	r.media(t, Event{Status: MediaNone})
	newFakePlayer(t, addr, "late", "Paused", "Late")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	r.media(t, Event{Status: MediaPaused, Title: "Late"})
}

// parseMetadata bounds and cleans what a player says.
func TestParseMetadata(t *testing.T) {
	v := func(x any) dbus.Variant { return dbus.Variant{Value: x} }
	long := strings.Repeat("é", MaxTitle)
	title, artist := parseMetadata(v(map[string]any{
		metaTitle:  v(" Line\nbreak "),
		metaArtist: v("Just one"),
	}))
	if title != "Line\uFFFDbreak" || artist != "Just one" {
		t.Errorf("got %q %q", title, artist)
	}
	title, artist = parseMetadata(v(map[string]any{
		metaTitle:  v(long),
		metaArtist: v([]any{long, long, "", "x"}),
	}))
	if len(title) > MaxTitle || len(artist) > MaxArtist || title == "" || artist == "" {
		t.Errorf("lengths %d %d", len(title), len(artist))
	}
	title, artist = parseMetadata(v(42))
	if title != "" || artist != "" {
		t.Errorf("not a map: %q %q", title, artist)
	}
}
