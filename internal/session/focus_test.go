package session

import (
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// fakeSway answers GET_TREE with a tree focused on firefox, then sends
// window events once subscribed.
func fakeSway(t *testing.T, events ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sway.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		for {
			typ, b, err := i3Read(c)
			if err != nil {
				return
			}
			switch typ {
			case i3GetTree:
				i3Send(c, i3GetTree, []byte(`{"nodes":[{"nodes":[{"app_id":"foot"},{"focused":true,"app_id":null,"window_properties":{"class":"Firefox"}}]}]}`))
			case i3Subscribe:
				if string(b) != `["window"]` {
					t.Errorf("subscribed to %s", b)
				}
				i3Send(c, i3Subscribe, []byte(`{"success":true}`))
				i3Send(c, 0x80000000, []byte(`{"change":"run"}`)) // another event kind
				for _, e := range events {
					i3Send(c, i3EventWindow, []byte(e))
				}
			}
		}
	}()
	return path
}

func focusEvents(t *testing.T, env map[string]string, want ...string) {
	t.Helper()
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{Getenv: func(k string) string { return env[k] }})
	for _, w := range want {
		if ev := ts.next(t, Focus); ev.AppID != w {
			t.Fatalf("Focus %q, want %q", ev.AppID, w)
		}
	}
}

func TestFocusSway(t *testing.T) {
	sock := fakeSway(t,
		`{"change":"focus","container":{"app_id":"code","focused":true}}`,
		`{"change":"title","container":{"app_id":"code","focused":true}}`, // no change: not sent
		`{"change":"new","container":{"app_id":"other"}}`,
		`not json`,
		`{"change":"focus","container":{"app_id":"org.mozilla.firefox","focused":true}}`,
		`{"change":"close","container":{"app_id":"org.mozilla.firefox","focused":true}}`,
	)
	focusEvents(t, map[string]string{"SWAYSOCK": sock}, "Firefox", "code", "org.mozilla.firefox", "")
}

func TestFocusHyprland(t *testing.T) {
	run := t.TempDir()
	dir := filepath.Join(run, "hypr", "sig1")
	os.MkdirAll(dir, 0o755)
	req, err := net.Listen("unix", filepath.Join(dir, ".socket.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer req.Close()
	go func() {
		c, err := req.Accept()
		if err != nil {
			return
		}
		buf := make([]byte, 64)
		n, _ := c.Read(buf)
		if string(buf[:n]) == "j/activewindow" {
			json.NewEncoder(c).Encode(map[string]string{"class": "kitty", "title": "x"})
		}
		c.Close()
	}()
	evs, err := net.Listen("unix", filepath.Join(dir, ".socket2.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer evs.Close()
	go func() {
		c, err := evs.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		long := make([]byte, 10000)
		for i := range long {
			long[i] = 'x'
		}
		c.Write([]byte("workspace>>2\nactivewindow>>firefox,Mozilla Firefox\n" + string(long) + "\nactivewindow>>,\n"))
		io.Copy(io.Discard, c) // until the companion hangs up
	}()
	focusEvents(t, map[string]string{"HYPRLAND_INSTANCE_SIGNATURE": "sig1", "XDG_RUNTIME_DIR": run}, "kitty", "firefox", "")
}

func TestFocusNoCompositor(t *testing.T) {
	if _, _, err := pickFocus(func(string) string { return "" }); err != errNoFocusSource {
		t.Fatalf("pickFocus = %v", err)
	}
	if _, _, err := pickFocus(func(k string) string {
		return map[string]string{"HYPRLAND_INSTANCE_SIGNATURE": "../x"}[k]
	}); err != errNoFocusSource {
		t.Fatalf("a signature with a slash was used: %v", err)
	}
}
