package session

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// fakeKWin owns org.kde.KWin on the bus and serves the scripting calls
// the companion makes. It cannot run JavaScript: when asked to run the
// script it reads the callDBus target out of it and calls it as the
// script would, with the reports the test sends on apps.
type fakeKWin struct {
	t    *testing.T
	conn *dbus.Conn
	mu   sync.Mutex
	log  []string // the scripting calls, in order
	path string   // the script loaded
	ran  chan string
}

func (k *fakeKWin) record(s string) {
	k.mu.Lock()
	k.log = append(k.log, s)
	k.mu.Unlock()
}

func (k *fakeKWin) calls() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return strings.Join(k.log, " ")
}

type fakeScripting struct{ k *fakeKWin }

func (s fakeScripting) LoadScript(path, name string) (int32, *dbus.Error) {
	s.k.record("loadScript:" + name)
	s.k.mu.Lock()
	s.k.path = path
	s.k.mu.Unlock()
	return 7, nil
}

func (s fakeScripting) UnloadScript(name string) (bool, *dbus.Error) {
	s.k.record("unloadScript:" + name)
	return true, nil
}

func (s fakeScripting) Start() *dbus.Error {
	s.k.record("start")
	return nil
}

type fakeScript struct{ k *fakeKWin }

func (s fakeScript) Run() *dbus.Error {
	s.k.record("run")
	s.k.mu.Lock()
	path := s.k.path
	s.k.mu.Unlock()
	b, err := os.ReadFile(path)
	if err != nil {
		return dbus.MakeFailedError(err)
	}
	s.k.ran <- string(b)
	return nil
}

func startFakeKWin(t *testing.T, addr string) *fakeKWin {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	k := &fakeKWin{t: t, conn: conn, ran: make(chan string, 4)}
	// Method names as KWin has them (lower camel case).
	if err := conn.ExportWithMap(fakeScripting{k}, map[string]string{
		"LoadScript": "loadScript", "UnloadScript": "unloadScript", "Start": "start"},
		"/Scripting", "org.kde.kwin.Scripting"); err != nil {
		t.Fatal(err)
	}
	if err := conn.ExportWithMap(fakeScript{k}, map[string]string{"Run": "run"},
		"/Scripting/Script7", "org.kde.kwin.Script"); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName("org.kde.KWin", dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName org.kde.KWin: %v, %v", r, err)
	}
	return k
}

// callDBusRE finds the script's callback: callDBus(service, path,
// interface, method, …).
var callDBusRE = regexp.MustCompile(`callDBus\(("[^"]+"), "([^"]+)", "([^"]+)", "([^"]+)", app\(w\), String\(seq\)\)`)

// Issue 13 on KDE Plasma: the companion loads a KWin script over D-Bus and
// reports what it calls back; calls from others are refused, late ones
// (an older sequence number) ignored, and the script is unloaded when the
// companion stops.
func TestFocusKWinScript(t *testing.T) {
	addr := privateBus(t)
	k := startFakeKWin(t, addr)
	env := map[string]string{"XDG_CURRENT_DESKTOP": "KDE", "DBUS_SESSION_BUS_ADDRESS": addr, "XDG_RUNTIME_DIR": t.TempDir()}
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	stop := startCompanion(t, ts, Companion{Getenv: func(k string) string { return env[k] }})

	var script string
	select {
	case script = <-k.ran:
	case <-time.After(wait):
		t.Fatalf("the script was not run; KWin calls %q; log:\n%s", k.calls(), ts.log)
	}
	if got := k.calls(); got != "unloadScript:tiny-dfr-focus loadScript:tiny-dfr-focus run" {
		t.Errorf("KWin calls %q", got)
	}
	for _, hook := range []string{"workspace.windowActivated.connect(report)", "workspace.clientActivated.connect(report)",
		"report(workspace.activeWindow)", "report(workspace.activeClient)", "resourceClass", "desktopFileName"} {
		if !strings.Contains(script, hook) {
			t.Errorf("the script lacks %s:\n%s", hook, script)
		}
	}
	m := callDBusRE.FindStringSubmatch(script)
	if m == nil {
		t.Fatalf("no callDBus in the script:\n%s", script)
	}
	dest := strings.Trim(m[1], `"`)
	activated := func(c *dbus.Conn, app string, seq int) error {
		return c.Object(dest, dbus.ObjectPath(m[2])).Call(m[3]+"."+m[4], 0, app, fmt.Sprint(seq)).Err
	}
	expect := func(want string) {
		t.Helper()
		if ev := ts.next(t, Focus); ev.AppID != want {
			t.Fatalf("Focus %q, want %q", ev.AppID, want)
		}
	}

	// What the script sends at once (the active window), then on changes.
	if err := activated(k.conn, "org.kde.dolphin", 1); err != nil {
		t.Fatal(err)
	}
	expect("org.kde.dolphin")
	if err := activated(k.conn, "firefox", 2); err != nil {
		t.Fatal(err)
	}
	expect("firefox")
	// Another client of the bus cannot pose as KWin.
	spoof, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer spoof.Close()
	if err := activated(spoof, "evil", 100); err == nil {
		t.Error("a call from another client than KWin was taken")
	}
	// A call that arrives late (an older sequence number) changes nothing.
	if err := activated(k.conn, "org.kde.dolphin", 1); err != nil {
		t.Fatal(err)
	}
	if err := activated(k.conn, "", 3); err != nil { // the desktop: no window
		t.Fatal(err)
	}
	expect("")
	if err := activated(k.conn, "org.kde.konsole", 4); err != nil {
		t.Fatal(err)
	}
	expect("org.kde.konsole")
	if !strings.Contains(ts.log.String(), "source=kwin") {
		t.Errorf("the source used is not logged:\n%s", ts.log)
	}

	stop()
	if got := k.calls(); !strings.HasSuffix(got, "run unloadScript:tiny-dfr-focus") {
		t.Errorf("KWin calls %q: the script was not unloaded at stop", got)
	}
}

// Without KWin on the bus the watcher fails (and is retried).
func TestFocusKWinAbsent(t *testing.T) {
	addr := privateBus(t)
	err := watchKDE(t.Context(), addr, t.TempDir(), func(string) {})
	if err == nil || !strings.Contains(err.Error(), "KWin is not on the session bus") {
		t.Fatalf("watchKDE = %v", err)
	}
}
