package session

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/wayland/swaytest"
)

// Issue 13: on a real headless sway reached only through $WAYLAND_DISPLAY
// (no $SWAYSOCK), the companion reads the focused app from
// zwlr_foreign_toplevel_management_v1: the activated toplevel's app id at
// start, on each focus change, when the focused window closes, and none
// when no window is left.
func TestFocusWlrForeignToplevelSway(t *testing.T) {
	t.Parallel()
	sway := swaytest.Start(t)
	closeEditor := swaytest.OpenWindow(t, sway.Socket, "org.example.editor")
	closeOther := swaytest.OpenWindow(t, sway.Socket, "org.example.other")
	sway.WaitMapped(t, "org.example.editor", "org.example.other")
	ipc := sway.DialIPC(t)
	swaytest.Command(t, ipc, `[app_id="org.example.other"] focus`)

	env := map[string]string{"WAYLAND_DISPLAY": filepath.Base(sway.Socket), "XDG_RUNTIME_DIR": sway.Runtime}
	if name, _, err := pickFocus(context.Background(), func(k string) string { return env[k] }); err != nil || name != "wlr-foreign-toplevel" {
		t.Fatalf("pickFocus = %q, %v; want wlr-foreign-toplevel", name, err)
	}
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{Getenv: func(k string) string { return env[k] }})
	expect := func(what, want string) {
		t.Helper()
		if ev := ts.next(t, Focus); ev.AppID != want {
			t.Fatalf("%s: Focus %q, want %q", what, ev.AppID, want)
		}
	}
	expect("at start", "org.example.other")
	var lat []time.Duration
	for range 5 {
		for _, app := range []string{"org.example.editor", "org.example.other"} {
			start := time.Now()
			swaytest.Command(t, ipc, fmt.Sprintf(`[app_id="%s"] focus`, app))
			expect(app+" focused", app)
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	t.Logf("focus change (sway IPC command) → Focus at the daemon's server over wlr-foreign-toplevel: p50 %v, max %v over %d switches",
		lat[len(lat)/2], lat[len(lat)-1], len(lat))
	swaytest.Command(t, ipc, `[app_id="org.example.editor"] focus`)
	expect("editor focused", "org.example.editor")
	closeEditor()
	expect("the focused editor closed", "org.example.other")
	closeOther()
	expect("no window left", "")
	if !strings.Contains(ts.log.String(), "source=wlr-foreign-toplevel") {
		t.Errorf("the source used is not logged:\n%s", ts.log)
	}
}
