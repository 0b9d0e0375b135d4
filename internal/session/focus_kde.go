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
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

// KDE Plasma: KWin tells no other client which window is active, but it
// runs scripts it is handed over D-Bus (org.kde.KWin /Scripting
// org.kde.kwin.Scripting.loadScript(path, name), then the script's run).
// The companion hands it a script that calls the companion back over the
// session bus (callDBus, to the companion's unique name) on
// workspace.windowActivated (Plasma 6; clientActivated on Plasma 5) with
// the window's resourceClass (its Wayland app id or X11 class), else
// desktopFileName. Only calls from KWin's own connection count, and a
// sequence number puts them in order (the bus library serves each call
// on its own goroutine). The script is unloaded when the companion stops
// and loaded again when KWin restarts.

const (
	kwinService    = "org.kde.KWin"
	kwinScripting  = "org.kde.kwin.Scripting"
	kwinScript     = "org.kde.kwin.Script"
	kwinPluginName = "tiny-dfr-focus"
	kdeFocusPath   = dbus.ObjectPath("/org/tinydfr/Focus")
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

// kdeFocus is the object the script calls; it keeps the latest report.
type kdeFocus struct {
	kwin   string // KWin's unique name on the bus
	mu     sync.Mutex
	seq    uint64
	app    string
	notify chan struct{} // one pending wake-up
}

// Activated is called by the script: app is the active window's app ("":
// none), seq counts the script's calls.
func (k *kdeFocus) Activated(sender dbus.Sender, app, seq string) *dbus.Error {
	if string(sender) != k.kwin {
		return dbus.MakeFailedError(errors.New("only KWin reports the active window"))
	}
	n, err := strconv.ParseUint(seq, 10, 64)
	if err != nil {
		return dbus.MakeFailedError(fmt.Errorf("sequence %q: %w", seq, err))
	}
	k.mu.Lock()
	if n > k.seq {
		k.seq, k.app = n, clip(app, MaxAppID)
		select {
		case k.notify <- struct{}{}:
		default:
		}
	}
	k.mu.Unlock()
	return nil
}

func (k *kdeFocus) latest() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.app
}

// watchKDE loads the script into KWin and reports what it calls back.
// The script is written to a new directory in tmp ("": the system's).
func watchKDE(ctx context.Context, address, tmp string, report func(string)) error {
	conn, err := dbus.Connect(address) // not closed by ctx: the script is unloaded first
	if err != nil {
		return fmt.Errorf("session bus: %w", err)
	}
	defer conn.Close()
	call := func(obj dbus.BusObject, method string, args ...any) *dbus.Call {
		cctx, cancel := context.WithTimeout(ctx, kdeCallTimeout)
		defer cancel()
		return obj.CallWithContext(cctx, method, 0, args...)
	}
	var kwin string
	if err := call(conn.BusObject(), "org.freedesktop.DBus.GetNameOwner", kwinService).Store(&kwin); err != nil {
		return fmt.Errorf("KWin is not on the session bus: %w", err)
	}
	// KWin gone or restarted: its scripts went with it.
	sigs := make(chan *dbus.Signal, 16)
	conn.Signal(sigs)
	if err := conn.AddMatchSignalContext(ctx, dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, kwinService)); err != nil {
		return fmt.Errorf("session bus: %w", err)
	}
	k := &kdeFocus{kwin: kwin, notify: make(chan struct{}, 1)}
	if err := conn.Export(k, kdeFocusPath, kdeFocusIface); err != nil {
		return err
	}

	dir, err := os.MkdirTemp(tmp, "tiny-dfr-kwin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	name, _ := json.Marshal(conn.Names()[0])
	path := filepath.Join(dir, "focus.js")
	if err := os.WriteFile(path, fmt.Appendf(nil, kdeScript, name), 0o600); err != nil {
		return err
	}
	scripting := conn.Object(kwinService, "/Scripting")
	call(scripting, kwinScripting+".unloadScript", kwinPluginName) // a crashed companion's
	var id int32
	if err := call(scripting, kwinScripting+".loadScript", path, kwinPluginName).Store(&id); err != nil {
		return fmt.Errorf("KWin loadScript: %w", err)
	}
	if id < 0 {
		return errors.New("KWin loadScript refused the script")
	}
	defer func() {
		// ctx may be over: unload with a bound of its own.
		uctx, cancel := context.WithTimeout(context.Background(), kdeCallTimeout)
		defer cancel()
		scripting.CallWithContext(uctx, kwinScripting+".unloadScript", 0, kwinPluginName)
	}()
	// The script's object: /Scripting/ScriptN on Plasma 6, /N on Plasma 5;
	// start runs every script loaded and not running.
	if call(conn.Object(kwinService, dbus.ObjectPath(fmt.Sprintf("/Scripting/Script%d", id))), kwinScript+".run").Err != nil &&
		call(conn.Object(kwinService, dbus.ObjectPath(fmt.Sprintf("/%d", id))), kwinScript+".run").Err != nil {
		if err := call(scripting, kwinScripting+".start").Err; err != nil {
			return fmt.Errorf("KWin: running the script: %w", err)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-k.notify:
			report(k.latest())
		case s, ok := <-sigs:
			if !ok {
				return errors.New("session bus: connection closed")
			}
			if s.Name == "org.freedesktop.DBus.NameOwnerChanged" && len(s.Body) == 3 && s.Body[0] == kwinService {
				return errors.New("KWin left the session bus")
			}
		}
	}
}
