package session

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"tiny-dfr/internal/unixsock"
)

// Focus sources: which compositor tells the companion the focused app,
// tried in this order: sway and i3 (IPC, $SWAYSOCK / $I3SOCK), Hyprland
// (its event socket), niri ($NIRI_SOCKET's event stream), any Wayland
// compositor offering zwlr_foreign_toplevel_manager_v1 ($WAYLAND_DISPLAY),
// KDE Plasma (a KWin script calling back over the session bus). GNOME has
// no public route: per-app layers stay off there.

// maxFocusMsg bounds one compositor message (a sway tree can be large).
const maxFocusMsg = 4 << 20

// errNoFocusSource means no supported compositor is in the environment.
var errNoFocusSource = errors.New("no supported compositor (sway, i3, Hyprland, niri, wlroots' foreign toplevels, KDE Plasma) in the environment")

// focusWatcher reports the focused app's id until ctx ends or the
// compositor's socket fails.
type focusWatcher func(ctx context.Context, report func(appID string)) error

// pickFocus chooses the watcher for the session's environment.
func pickFocus(ctx context.Context, getenv func(string) string) (string, focusWatcher, error) {
	for _, k := range []string{"SWAYSOCK", "I3SOCK"} {
		if p := getenv(k); p != "" {
			return "sway", func(ctx context.Context, report func(string)) error {
				return watchSway(ctx, p, report)
			}, nil
		}
	}
	if sig := getenv("HYPRLAND_INSTANCE_SIGNATURE"); sig != "" && !strings.ContainsAny(sig, "/") {
		dir := filepath.Join(getenv("XDG_RUNTIME_DIR"), "hypr", sig)
		if getenv("XDG_RUNTIME_DIR") == "" {
			dir = filepath.Join("/tmp/hypr", sig)
		}
		return "hyprland", func(ctx context.Context, report func(string)) error {
			return watchHyprland(ctx, dir, report)
		}, nil
	}
	if p := getenv("NIRI_SOCKET"); p != "" {
		return "niri", func(ctx context.Context, report func(string)) error {
			return watchNiri(ctx, p, report)
		}, nil
	}
	if wlrAvailable(ctx, getenv) {
		return "wlr-foreign-toplevel", func(ctx context.Context, report func(string)) error {
			return watchWlr(ctx, getenv, report)
		}, nil
	}
	if addr, err := sessionBusAddress(getenv); err == nil && isKDE(getenv) {
		return "kwin", func(ctx context.Context, report func(string)) error {
			return watchKDE(ctx, addr, getenv("XDG_RUNTIME_DIR"), report)
		}, nil
	}
	return "", nil, errNoFocusSource
}

// dialCtx connects to a unix socket that ctx closes.
func dialCtx(ctx context.Context, path string) (*unixsock.Conn, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	c, err := unixsock.Dial(path)
	if err != nil {
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	return c, func() { stop(); c.Close() }, nil
}

// watchHyprland reads Hyprland's event socket: "activewindow>>CLASS,TITLE".
func watchHyprland(ctx context.Context, dir string, report func(string)) error {
	// The focused window now: "j/activewindow" on the request socket.
	if c, done, err := dialCtx(ctx, filepath.Join(dir, ".socket.sock")); err == nil {
		c.SetDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Write([]byte("j/activewindow")); err == nil {
			var w struct {
				Class string `json:"class"`
			}
			if b, err := io.ReadAll(io.LimitReader(c, maxFocusMsg)); err == nil && json.Unmarshal(b, &w) == nil {
				report(w.Class)
			}
		}
		done()
	}
	c, done, err := dialCtx(ctx, filepath.Join(dir, ".socket2.sock"))
	if err != nil {
		return err
	}
	defer done()
	br := bufio.NewReaderSize(c, 4096)
	for {
		line, err := readBoundedLine(br)
		if err != nil {
			return err
		}
		if v, ok := bytes.CutPrefix(line, []byte("activewindow>>")); ok {
			class, _, _ := bytes.Cut(v, []byte{','})
			report(string(class))
		}
	}
}

// readBoundedLine returns the next line without its newline; a line past
// the buffer is skipped whole (it is no event we read).
func readBoundedLine(br *bufio.Reader) ([]byte, error) {
	for {
		line, err := br.ReadSlice('\n')
		if err == nil {
			return bytes.TrimSuffix(line, []byte{'\n'}), nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = br.ReadSlice('\n')
		}
		if err != nil {
			return nil, err
		}
	}
}

// i3 IPC: "i3-ipc", payload length and type (host order: little-endian
// on amd64 and arm64), payload.
const (
	i3Magic        = "i3-ipc"
	i3Subscribe    = 2
	i3GetTree      = 4
	i3EventWindow  = 0x80000003
	i3HeaderLength = len(i3Magic) + 8
)

func i3Send(w io.Writer, typ uint32, payload []byte) error {
	b := make([]byte, 0, i3HeaderLength+len(payload))
	b = append(b, i3Magic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	b = binary.LittleEndian.AppendUint32(b, typ)
	_, err := w.Write(append(b, payload...))
	return err
}

func i3Read(r io.Reader) (uint32, []byte, error) {
	var h [i3HeaderLength]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	if string(h[:len(i3Magic)]) != i3Magic {
		return 0, nil, errors.New("sway IPC: bad magic")
	}
	n := binary.LittleEndian.Uint32(h[len(i3Magic):])
	typ := binary.LittleEndian.Uint32(h[len(i3Magic)+4:])
	if n > maxFocusMsg {
		return 0, nil, fmt.Errorf("sway IPC: %d-byte message over the bound", n)
	}
	b := make([]byte, n)
	_, err := io.ReadFull(r, b)
	return typ, b, err
}

// swayNode is the part of a sway/i3 container the watcher reads.
type swayNode struct {
	Focused    bool   `json:"focused"`
	AppID      string `json:"app_id"`
	Properties struct {
		Class string `json:"class"`
	} `json:"window_properties"`
	Nodes    []swayNode `json:"nodes"`
	Floating []swayNode `json:"floating_nodes"`
}

func (n *swayNode) app() string {
	if n.AppID != "" {
		return n.AppID
	}
	return n.Properties.Class
}

func (n *swayNode) focused(depth int) (*swayNode, bool) {
	if n.Focused {
		return n, true
	}
	if depth > 64 {
		return nil, false
	}
	for _, list := range [][]swayNode{n.Nodes, n.Floating} {
		for i := range list {
			if f, ok := list[i].focused(depth + 1); ok {
				return f, true
			}
		}
	}
	return nil, false
}

// watchSway subscribes to sway's (or i3's) window events.
func watchSway(ctx context.Context, path string, report func(string)) error {
	c, done, err := dialCtx(ctx, path)
	if err != nil {
		return err
	}
	defer done()
	if err := i3Send(c, i3GetTree, nil); err != nil {
		return err
	}
	if typ, b, err := i3Read(c); err != nil {
		return err
	} else if typ == i3GetTree {
		var tree swayNode
		if json.Unmarshal(b, &tree) == nil {
			if f, ok := tree.focused(0); ok {
				report(f.app())
			}
		}
	}
	if err := i3Send(c, i3Subscribe, []byte(`["window"]`)); err != nil {
		return err
	}
	for {
		typ, b, err := i3Read(c)
		if err != nil {
			return err
		}
		if typ != i3EventWindow {
			continue
		}
		var ev struct {
			Change    string   `json:"change"`
			Container swayNode `json:"container"`
		}
		if json.Unmarshal(b, &ev) != nil {
			continue
		}
		switch ev.Change {
		case "focus", "title":
			if ev.Change == "focus" || ev.Container.Focused {
				report(ev.Container.app())
			}
		case "close":
			if ev.Container.Focused {
				report("")
			}
		}
	}
}
