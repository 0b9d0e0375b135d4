package session

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// serveOnce listens on path (a unix socket) until the test ends and hands
// the first connection to serve, on its own goroutine; it returns path.
func serveOnce(t *testing.T, path string, serve func(c net.Conn)) string {
	t.Helper()
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
		serve(c)
	}()
	return path
}

// fakeSway answers GET_TREE with a tree focused on firefox, then sends
// window events once subscribed.
func fakeSway(t *testing.T, events ...string) string {
	t.Helper()
	return serveOnce(t, filepath.Join(t.TempDir(), "sway.sock"), func(c net.Conn) {
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
	})
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
	serveOnce(t, filepath.Join(dir, ".socket.sock"), func(c net.Conn) {
		buf := make([]byte, 64)
		n, _ := c.Read(buf)
		if string(buf[:n]) == "j/activewindow" {
			json.NewEncoder(c).Encode(map[string]string{"class": "kitty", "title": "x"})
		}
	})
	serveOnce(t, filepath.Join(dir, ".socket2.sock"), func(c net.Conn) {
		long := make([]byte, 10000)
		for i := range long {
			long[i] = 'x'
		}
		c.Write([]byte("workspace>>2\nactivewindow>>firefox,Mozilla Firefox\n" + string(long) + "\nactivewindow>>,\n"))
		io.Copy(io.Discard, c) // until the companion hangs up
	})
	focusEvents(t, map[string]string{"HYPRLAND_INSTANCE_SIGNATURE": "sig1", "XDG_RUNTIME_DIR": run}, "kitty", "firefox", "")
}

func TestFocusNoCompositor(t *testing.T) {
	if _, _, err := pickFocus(context.Background(), func(string) string { return "" }); err != errNoFocusSource {
		t.Fatalf("pickFocus = %v", err)
	}
	if _, _, err := pickFocus(context.Background(), func(k string) string {
		return map[string]string{"HYPRLAND_INSTANCE_SIGNATURE": "../x"}[k]
	}); err != errNoFocusSource {
		t.Fatalf("a signature with a slash was used: %v", err)
	}
}

// fakeNiri serves niri's IPC at a socket: it answers the "EventStream"
// request and then writes events (one JSON object a line, as niri does).
func fakeNiri(t *testing.T, events ...string) string {
	t.Helper()
	return serveOnce(t, filepath.Join(t.TempDir(), "niri.sock"), func(c net.Conn) {
		req, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || req != "\"EventStream\"\n" {
			t.Errorf("niri request %q (%v), want \"EventStream\" and a newline", req, err)
			return
		}
		io.WriteString(c, `{"Ok":"Handled"}`+"\n")
		for _, e := range events {
			io.WriteString(c, e+"\n")
		}
		io.Copy(io.Discard, c) // until the companion hangs up
	})
}

func niriWin(id int, app string, focused bool) string {
	a := "null"
	if app != "" {
		a = strconv.Quote(app)
	}
	return fmt.Sprintf(`{"id":%d,"title":"t%d","app_id":%s,"pid":%d,"workspace_id":1,"is_focused":%v,"is_floating":false,"is_urgent":false}`,
		id, id, a, 1000+id, focused)
}

func TestFocusNiri(t *testing.T) {
	sock := fakeNiri(t,
		`{"WorkspacesChanged":{"workspaces":[{"id":1,"idx":1,"name":null,"output":"eDP-1","is_urgent":false,"is_active":true,"is_focused":true,"active_window_id":2}]}}`,
		`{"WindowsChanged":{"windows":[`+niriWin(1, "foot", false)+`,`+niriWin(2, "firefox", true)+`]}}`,
		`{"KeyboardLayoutsChanged":{"keyboard_layouts":{"names":["English (US)"],"current_idx":0}}}`,
		`{"WindowFocusChanged":{"id":1}}`,
		`{"WindowOpenedOrChanged":{"window":`+niriWin(3, "code", true)+`}}`,
		`{"WindowFocusChanged":{"id":3}}`,
		`{"WindowOpenedOrChanged":{"window":`+niriWin(3, "code", true)+`}}`, // a title change
		`not json`,
		`{"WindowClosed":{"id":3}}`,
		`{"WindowFocusChanged":{"id":2}}`,
		`{"WindowOpenedOrChanged":{"window":`+niriWin(4, "", true)+`}}`, // no app id
		`{"WindowFocusChanged":{"id":1}}`,
		`{"WindowFocusTimestampChanged":{"id":1,"focus_timestamp":{"secs":5,"nanos":0}}}`,
		`{"WindowFocusChanged":{"id":null}}`,
		`{"WindowFocusChanged":{"id":2}}`,
	)
	focusEvents(t, map[string]string{"NIRI_SOCKET": sock},
		"firefox", "foot", "code", "", "firefox", "", "foot", "", "firefox")
}

func TestFocusNiriRefused(t *testing.T) {
	path := serveOnce(t, filepath.Join(t.TempDir(), "niri.sock"), func(c net.Conn) {
		bufio.NewReader(c).ReadString('\n')
		io.WriteString(c, `{"Err":"error parsing request"}`+"\n")
	})
	err := watchNiri(context.Background(), path, func(app string) { t.Errorf("reported %q", app) })
	if err == nil || !strings.Contains(err.Error(), "error parsing request") {
		t.Fatalf("watchNiri = %v, want niri's refusal", err)
	}
}

func TestReadLongLine(t *testing.T) {
	long := strings.Repeat("x", 100)
	br := bufio.NewReaderSize(strings.NewReader("ab\n"+long+"\n\ncd"), 16)
	for _, want := range []string{"ab", "<nil>", ""} {
		b, err := readLongLine(br, 50)
		got := string(b)
		if b == nil {
			got = "<nil>"
		}
		if err != nil || got != want {
			t.Fatalf("readLongLine = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := readLongLine(br, 50); err != io.EOF {
		t.Fatalf("an unterminated last line: %v, want EOF", err)
	}
}
