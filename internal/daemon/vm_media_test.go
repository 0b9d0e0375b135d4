package daemon

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"

	"tiny-dfr/internal/dbus/dbustest"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// TestDaemonVMSessionMedia: the media widget end to end in the guest. The
// host's dbus-daemon (with the shared libraries it loads) runs there as
// seat0's active user on $XDG_RUNTIME_DIR/bus, the test binary is an MPRIS
// player on it; the real daemon and the real companion (tiny-dfr session)
// show what it plays: a change of title changes the bar's pixels, a tap
// on the widget makes the player receive PlayPause; with the bar dark the
// companion leaves the bus.
func TestDaemonVMSessionMedia(t *testing.T) {
	vmtest.HostOnly(t)
	host, err := programFiles("/usr/bin/dbus-daemon")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("dbus-daemon for the guest: %v (apt-get install dbus-daemon)", err)
		}
		t.Skipf("dbus-daemon for the guest: %v", err)
	}
	barGuest(t, "TestVMSessionMedia", map[string][]byte{"/etc/machine-id": []byte("0123456789abcdef0123456789abcdef\n")}, host)
}

// programFiles are a host program and the shared libraries ldd says it
// loads, with the dynamic loader (guest path → host path, the same).
func programFiles(prog string) (map[string]string, error) {
	if _, err := os.Stat(prog); err != nil {
		return nil, err
	}
	out, err := exec.Command("ldd", prog).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %w", prog, err)
	}
	files := map[string]string{prog: prog}
	loader := false
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 3 && f[1] == "=>" && strings.HasPrefix(f[2], "/"):
			files[f[2]] = f[2]
		case len(f) >= 1 && strings.HasPrefix(f[0], "/") && strings.Contains(f[0], "/ld-linux"):
			files[f[0]] = f[0]
			loader = true
		}
	}
	if !loader {
		return nil, fmt.Errorf("ldd names no dynamic loader for %s:\n%s", prog, out)
	}
	return files, nil
}

const mediaConfig = `PrimaryLayerKeys = [
  { Media = true, Stretch = 4 },
  { Text = "ten", Action = "F10" },
]
`

// sessionBusAs starts dbus-daemon as uid's session bus on
// $XDG_RUNTIME_DIR/bus (the companion's /tmp/run-UID) and returns its
// address. Any user may connect (the player is this test, as root).
func sessionBusAs(t *testing.T, uid int) string {
	t.Helper()
	dir := fmt.Sprintf("/tmp/run-%d", uid)
	os.MkdirAll(dir, 0o700)
	os.Chown(dir, uid, uid)
	cmd := exec.Command("/usr/bin/dbus-daemon")
	cmd.Env = []string{"HOME=/tmp", "PATH=/bin:/usr/bin", "XDG_RUNTIME_DIR=" + dir}
	cmd.Dir = "/tmp"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	cmd.Stderr = os.Stdout
	return dbustest.Start(t, cmd, dir)
}

// guestPlayer is an MPRIS player: PlaybackStatus and Metadata, PlayPause.
type guestPlayer struct {
	conn  *godbus.Conn
	props *prop.Properties
	mu    sync.Mutex
	calls []string
}

const (
	mprisPath   = "/org/mpris/MediaPlayer2"
	mprisPlayer = "org.mpris.MediaPlayer2.Player"
)

func newGuestPlayer(t *testing.T, addr, title string) *guestPlayer {
	t.Helper()
	conn, err := godbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	p := &guestPlayer{conn: conn}
	if err := conn.Export(guestPlayerMethods{p}, mprisPath, mprisPlayer); err != nil {
		t.Fatal(err)
	}
	p.props, err = prop.Export(conn, mprisPath, prop.Map{mprisPlayer: {
		"PlaybackStatus": {Value: "Playing", Emit: prop.EmitTrue},
		"Metadata":       {Value: trackMetadata(title), Emit: prop.EmitTrue},
	}})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.mpris.MediaPlayer2.guest", godbus.NameFlagDoNotQueue)
	if err != nil || reply != godbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", reply, err)
	}
	return p
}

func trackMetadata(title string) map[string]godbus.Variant {
	return map[string]godbus.Variant{
		"mpris:trackid": godbus.MakeVariant(godbus.ObjectPath("/org/example/track/1")),
		"xesam:title":   godbus.MakeVariant(title),
		"xesam:artist":  godbus.MakeVariant([]string{"The Guests"}),
	}
}

// uidConns counts the bus's connections of uid (the companion's, while it
// watches the players).
func (p *guestPlayer) uidConns(t *testing.T, uid uint32) int {
	t.Helper()
	var names []string
	bus := p.conn.BusObject()
	if err := bus.Call("org.freedesktop.DBus.ListNames", 0).Store(&names); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range names {
		if !strings.HasPrefix(name, ":") {
			continue
		}
		var u uint32
		if err := bus.Call("org.freedesktop.DBus.GetConnectionUnixUser", 0, name).Store(&u); err == nil && u == uid {
			n++
		}
	}
	return n
}

func (p *guestPlayer) called() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

type guestPlayerMethods struct{ p *guestPlayer }

func (m guestPlayerMethods) PlayPause() *godbus.Error {
	m.p.mu.Lock()
	m.p.calls = append(m.p.calls, "PlayPause")
	m.p.mu.Unlock()
	next := "Playing"
	if s, _ := m.p.props.GetMust(mprisPlayer, "PlaybackStatus").(string); s == "Playing" {
		next = "Paused"
	}
	m.p.props.SetMust(mprisPlayer, "PlaybackStatus", next)
	return nil
}

func TestVMSessionMedia(t *testing.T) {
	vmtest.GuestOnly(t)
	os.Chmod("/tmp", 0o1777)
	activeSeat(t, "1000")
	addr := sessionBusAs(t, 1000)
	player := newGuestPlayer(t, addr, "Guest Song")
	fmt.Printf("session bus %s, player org.mpris.MediaPlayer2.guest\n", addr)

	g := newGeometry(t)
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, int32(g.length), barHeight, 4))
	fn := create(t, uinput.FnKeyboardConfig("Apple Internal Keyboard"))
	defer fn.Close()
	rootOnlyNodes(t)
	b := startLitBar(t, g, mediaConfig)
	p, kb, lay, bl, args := b.p, b.kb, b.lay, b.bl, b.args
	none := askScreen(t)
	top := t

	t.Run("no companion", func(t *testing.T) {
		g.tapCentre(t, dig, lay, 0, 0)
		time.Sleep(1500 * time.Millisecond)
		if c := player.called(); len(c) != 0 {
			t.Errorf("the player was called without a companion: %q", c)
		}
		kb.expectNone(t, "a tap on the media widget")
	})

	var song screen
	t.Run("served", func(t *testing.T) {
		companion(top, 1000)
		p.waitLog(t, "session companion served")
		song = waitScreen(t, "Guest Song shown", func(s screen) bool { return s.hash != none.hash })
		time.Sleep(1500 * time.Millisecond)
		if s := askScreen(t); s.hash != song.hash {
			t.Fatalf("the media widget's picture changed with the player unchanged: %+v, was %+v", s, song)
		}
		fmt.Printf("MEASURE screens: no companion %+v, Guest Song playing %+v\n", none, song)
	})

	t.Run("title", func(t *testing.T) {
		var lat []time.Duration
		t0 := time.Now()
		player.props.SetMust(mprisPlayer, "Metadata", trackMetadata("Another Song"))
		other := waitScreen(t, "Another Song shown", func(s screen) bool { return s.hash != song.hash })
		lat = append(lat, time.Since(t0))
		t0 = time.Now()
		player.props.SetMust(mprisPlayer, "Metadata", trackMetadata("Guest Song"))
		waitScreen(t, "Guest Song shown again", func(s screen) bool { return s.hash == song.hash })
		lat = append(lat, time.Since(t0))
		fmt.Printf("MEASURE title changed on the bus → pixels (screendump polls): p50 %v (of %v); Another Song %+v\n",
			median(lat).Round(time.Millisecond), lat, other)
	})

	t.Run("tap", func(t *testing.T) {
		g.tapCentre(t, dig, lay, 0, 0)
		for i := 0; !slices.Contains(player.called(), "PlayPause"); i++ {
			if i == 100 {
				t.Fatalf("the player received no PlayPause; calls %q", player.called())
			}
			time.Sleep(100 * time.Millisecond)
		}
		paused := waitScreen(t, "paused shown", func(s screen) bool { return s.hash != song.hash })
		g.tapCentre(t, dig, lay, 0, 0)
		waitScreen(t, "playing shown again", func(s screen) bool { return s.hash == song.hash })
		if c := player.called(); !slices.Equal(c, []string{"PlayPause", "PlayPause"}) {
			t.Errorf("player calls %q, want two PlayPause", c)
		}
		kb.expectNone(t, "taps on the media widget")
		fmt.Printf("MEASURE paused %+v\n", paused)
	})

	// Dark, the companion leaves the bus; lit again, it watches again.
	t.Run("dark", func(t *testing.T) {
		if n := player.uidConns(t, 1000); n != 1 {
			t.Errorf("%d connections of uid 1000 on the bus while the widget shows, want 1", n)
		}
		if code := p.stop(t); code != 0 {
			t.Errorf("exit code %d", code)
		}
		// Margins for a loaded CI host: the companion reconnects with back-off.
		p = startDaemon(t, append(args, "-idle-dim", "4s", "-idle-off", "10s")...)
		p.waitLog(t, "session companion served")
		for i := 0; player.uidConns(t, 1000) != 1; i++ {
			if i == 400 || readFile(t, bl+"/brightness") == "0" {
				t.Fatalf("the companion did not join the bus while the bar was lit")
			}
			time.Sleep(20 * time.Millisecond)
		}
		waitFile(t, "dark", bl+"/brightness", "0")
		for i := 0; player.uidConns(t, 1000) != 0; i++ {
			if i == 100 {
				t.Fatalf("the companion stayed on the bus with the bar dark")
			}
			time.Sleep(100 * time.Millisecond)
		}
		g.tap(t, dig, float64(g.length)-10, barHeight/2)
		waitFile(t, "lit again", bl+"/brightness", "128")
		waitScreen(t, "Guest Song shown once lit", func(s screen) bool { return s.hash == song.hash })
		if n := player.uidConns(t, 1000); n != 1 {
			t.Errorf("%d connections of uid 1000 on the bus once lit again, want 1", n)
		}
	})

	if code := p.stop(t); code != 0 {
		t.Errorf("exit code %d", code)
	}
}
