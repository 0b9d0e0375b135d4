package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"tiny-dfr/internal/dbus"
)

// KDE Plasma: KWin tells no other client which window is active, but it
// runs scripts it is handed over D-Bus (org.kde.KWin /Scripting
// org.kde.kwin.Scripting.loadScript(path, name), then the script's run).
// The companion hands it a script that calls the companion back over the
// session bus (callDBus, to the companion's unique name) on
// workspace.windowActivated (Plasma 6; clientActivated on Plasma 5) with
// the window's resourceClass (its Wayland app id or X11 class), else
// desktopFileName. Only calls from KWin's own connection count, and a
// sequence number puts them in order (a late call changes nothing). The
// script is unloaded when the companion stops
// and loaded again when KWin restarts.

const (
	kwinService    = "org.kde.KWin"
	kwinScripting  = "org.kde.kwin.Scripting"
	kwinScript     = "org.kde.kwin.Script"
	kwinPluginName = "tiny-dfr-focus"
	kdeFocusPath   = "/org/tinydfr/Focus"
	kdeFocusIface  = "org.tinydfr.Focus"
	kdeCallTimeout = 5 * time.Second
)

// kdeScript is the KWin script; %s is the companion's unique name, a JSON
// (and so JavaScript) string.
const kdeScript = `// tiny-dfr session companion: the active window's app, for per-app layers.
(function () {
    var seq = 0;
    function app(w) {
        if (!w) {
            return "";
        }
        var c = w.resourceClass ? String(w.resourceClass) : "";
        if (c === "" && w.desktopFileName) {
            c = String(w.desktopFileName);
        }
        return c;
    }
    function report(w) {
        seq++;
        callDBus(%s, "` + string(kdeFocusPath) + `", "` + kdeFocusIface + `", "Activated", app(w), String(seq));
    }
    if (workspace.windowActivated) { // Plasma 6
        workspace.windowActivated.connect(report);
        report(workspace.activeWindow);
    } else { // Plasma 5
        workspace.clientActivated.connect(report);
        report(workspace.activeClient);
    }
})();
`

// isKDE says whether the session is Plasma's.
func isKDE(getenv func(string) string) bool {
	if getenv("KDE_FULL_SESSION") == "true" {
		return true
	}
	for _, d := range strings.Split(getenv("XDG_CURRENT_DESKTOP"), ":") {
		if strings.EqualFold(d, "KDE") {
			return true
		}
	}
	return false
}

// kdeFocus keeps the latest report of the script.
type kdeFocus struct {
	kwin string // KWin's unique name on the bus
	seq  uint64
	app  string
}

// activated takes a call of the script: Activated(app, seq), app the
// active window's app ("": none), seq counting the script's calls. It
// answers the call and tells whether k.app is a new report (false: a
// call refused, or late).
func (k *kdeFocus) activated(call *dbus.Call) bool {
	if call.Interface != kdeFocusIface || call.Member != "Activated" {
		call.Error(dbus.ErrorUnknownMethod, "no method "+call.Interface+"."+call.Member)
		return false
	}
	if call.Sender != k.kwin {
		call.Error(dbus.ErrorAccessDenied, "only KWin reports the active window")
		return false
	}
	var app, seq string
	ok := len(call.Body) == 2
	if ok {
		app, ok = call.Body[0].(string)
	}
	if ok {
		seq, ok = call.Body[1].(string)
	}
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || err != nil {
		call.Error(dbus.ErrorInvalidArgs, "want Activated(app string, seq string): a decimal sequence number")
		return false
	}
	call.Reply()
	if n <= k.seq {
		return false // late: an older call
	}
	k.seq, k.app = n, clip(app, MaxAppID)
	return true
}

// watchKDE loads the script into KWin and reports what it calls back.
// The script is written to a new directory in tmp ("": the system's).
func watchKDE(ctx context.Context, address, tmp string, report func(string)) error {
	dctx, cancel := context.WithTimeout(ctx, kdeCallTimeout)
	conn, err := dbus.Dial(dctx, address, os.Getuid()) // not closed by ctx: the script is unloaded first
	cancel()
	if err != nil {
		return fmt.Errorf("session bus: %w", err)
	}
	defer conn.Close()
	call := func(ctx context.Context, dest, path, iface, method string, args ...string) ([]any, error) {
		cctx, cancel := context.WithTimeout(ctx, kdeCallTimeout)
		defer cancel()
		return conn.Call(cctx, dest, path, iface, method, args...)
	}
	bus := func(method string, args ...string) ([]any, error) {
		return call(ctx, busName, "/org/freedesktop/DBus", busName, method, args...)
	}
	body, err := bus("GetNameOwner", kwinService)
	if err != nil {
		return fmt.Errorf("KWin is not on the session bus: %w", err)
	}
	var kwin string
	if len(body) == 1 {
		kwin, _ = body[0].(string)
	}
	if kwin == "" {
		return fmt.Errorf("session bus: GetNameOwner answered %v", body)
	}
	// KWin gone or restarted: its scripts went with it.
	if _, err := bus("AddMatch", "type='signal',sender='"+busName+"',interface='"+busName+
		"',member='NameOwnerChanged',arg0='"+kwinService+"'"); err != nil {
		return fmt.Errorf("session bus: AddMatch: %w", err)
	}
	k := &kdeFocus{kwin: kwin}
	conn.Export(kdeFocusPath)

	dir, err := os.MkdirTemp(tmp, "tiny-dfr-kwin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	name, _ := json.Marshal(conn.Name())
	path := filepath.Join(dir, "focus.js")
	if err := os.WriteFile(path, fmt.Appendf(nil, kdeScript, name), 0o600); err != nil {
		return err
	}
	scripting := func(method string, args ...string) ([]any, error) {
		return call(ctx, kwinService, "/Scripting", kwinScripting, method, args...)
	}
	scripting("unloadScript", kwinPluginName) // a crashed companion's
	body, err = scripting("loadScript", path, kwinPluginName)
	if err != nil {
		return fmt.Errorf("KWin loadScript: %w", err)
	}
	id, ok := scriptID(body)
	if !ok || id < 0 {
		return fmt.Errorf("KWin loadScript refused the script (%v)", body)
	}
	defer func() {
		// ctx may be over: unload with a bound of its own.
		call(context.Background(), kwinService, "/Scripting", kwinScripting, "unloadScript", kwinPluginName)
	}()
	// The script's object: /Scripting/ScriptN on Plasma 6, /N on Plasma 5;
	// start runs every script loaded and not running.
	if _, err := call(ctx, kwinService, fmt.Sprintf("/Scripting/Script%d", id), kwinScript, "run"); err != nil {
		if _, err := call(ctx, kwinService, fmt.Sprintf("/%d", id), kwinScript, "run"); err != nil {
			if _, err := scripting("start"); err != nil {
				return fmt.Errorf("KWin: running the script: %w", err)
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-conn.Done():
			return errors.New("session bus: connection closed")
		case c := <-conn.Calls():
			if k.activated(c) {
				report(k.app)
			}
		case s := <-conn.Signals():
			if s.Member == "NameOwnerChanged" && s.Interface == busName && len(s.Body) == 3 && s.Body[0] == kwinService {
				return errors.New("KWin left the session bus")
			}
		}
	}
}

// scriptID is loadScript's answer: the script's number (int32).
func scriptID(body []any) (int32, bool) {
	if len(body) != 1 {
		return 0, false
	}
	id, ok := body[0].(int32)
	return id, ok
}
