package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/logging/loggingtest"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/session"
	"tiny-dfr/internal/wayland/swaytest"
)

// layerPainter is a Painter that tells which layer it drew last.
type layerPainter struct {
	Painter
	layer *atomic.Int32
}

func (p layerPainter) DrawAll(s *Scene) *render.Frame {
	p.layer.Store(int32(s.Layer))
	return p.Painter.DrawAll(s)
}

func (p layerPainter) DrawButtons(s *Scene, bs ...int) *render.Frame {
	p.layer.Store(int32(s.Layer))
	return p.Painter.DrawButtons(s, bs...)
}

// shown is a present of a frame of layer at.
type shown struct {
	layer int
	at    time.Time
}

// Issue 13: on a real headless sway, the real companion (session.Companion
// with $SWAYSOCK) reports the focused window's app id to the real
// session.Server, and the daemon's loop shows the [[Layer]] whose Apps
// lists it; focusing another window shows the base layer again. Logs the
// issue's figure "focus change → layer shown" (p50 over the switches).
func TestSwayFocusSwitchesLayer(t *testing.T) {
	t.Parallel()
	sway := swaytest.Start(t)

	// The daemon's session server, serving the test's own uid as seat0's
	// active user.
	base := t.TempDir()
	seats := filepath.Join(base, "seats")
	if err := os.Mkdir(seats, 0o755); err != nil {
		t.Fatal(err)
	}
	seat := fmt.Sprintf("ACTIVE=1\nACTIVE_UID=%d\nUIDS=%d\n", os.Getuid(), os.Getuid())
	if err := os.WriteFile(filepath.Join(seats, "seat0"), []byte(seat), 0o644); err != nil {
		t.Fatal(err)
	}
	var srvLog loggingtest.Buffer
	srv, err := session.Listen(filepath.Join(base, "run"), session.Options{
		SeatsDir: seats, Log: slog.New(slog.NewTextHandler(&srvLog, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	// The loop: fake display, keyboard and painter, the real server.
	const editorApp = "editor" // listed; the window's id is org.example.editor
	cfg := testConfig()
	cfg.Layers = []config.NamedLayer{{Name: "code",
		Keys: []config.Button{{Text: "F3", Codes: []uint16{keyF3}, Stretch: 1}},
		Apps: []config.AppLayer{{App: editorApp}}}}
	disp := newFakeDisplay()
	kb := &fakeKeyboard{down: map[uint16]bool{}}
	var drawn atomic.Int32
	drawn.Store(-1)
	shows := make(chan shown, 1000)
	last := -1
	disp.onPresent = func() { // the display's lock held: one at a time
		if l := int(drawn.Load()); l != last {
			last = l
			select {
			case shows <- shown{l, time.Now()}:
			default:
			}
		}
	}
	env := Env{
		Clock:      &fakeClock{now: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)},
		Rand:       rand.New(rand.NewPCG(1, 1)),
		Timing:     instantTiming(),
		LoadConfig: func() (*config.Config, []config.Diagnostic) { return cfg, nil },
		NewPainter: func(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
			p, diags := newRenderPainter(lay, look) // the real renderer: the figure includes drawing
			return layerPainter{p, &drawn}, diags
		},
		OpenDisplay: func() (Display, error) { return disp, nil },
		Tracker:     input.NewTracker(kb),
		OpenLight:   func() (Light, error) { return nil, errors.New("no light") },
		ReadBattery: func() (battery.State, error) { return battery.State{}, nil },
		Crash:       func(length, h int, _ string) *render.Frame { return render.NewFrame(length, h) },
		Session:     srv,
	}
	ctx, cancel := context.WithCancel(context.Background())
	loopDone := make(chan error, 1)
	go func() { loopDone <- Loop(ctx, env, Sources{Session: srv.Events()}, nil) }()
	defer func() {
		cancel()
		if err := <-loopDone; err != nil {
			t.Errorf("loop: %v", err)
		}
	}()
	codeLayer := -1
	next := func(what string) shown {
		t.Helper()
		select {
		case s := <-shows:
			return s
		case err := <-loopDone:
			t.Fatalf("%s: loop ended: %v", what, err)
		case <-time.After(30 * time.Second): // turns a hang into a failure
			t.Fatalf("%s: no layer change shown; server log:\n%s", what, srvLog.String())
		}
		return shown{}
	}
	if s := next("first frame"); s.layer != 0 {
		t.Fatalf("first frame shows layer %d, want 0", s.layer)
	}

	// Two windows; the second one mapped has the focus.
	swaytest.OpenWindow(t, sway.Socket, "org.example.editor")
	swaytest.OpenWindow(t, sway.Socket, "org.example.other")
	ipc := sway.DialIPC(t)
	// Wait until sway has both (the focus command finds its window).
	sway.WaitMapped(t, "org.example.editor", "org.example.other")
	swaytest.Command(t, ipc, `[app_id="org.example.other"] focus`)

	// The real companion, in the session of that sway.
	compCtx, compCancel := context.WithCancel(context.Background())
	compDone := make(chan error, 1)
	var compLog loggingtest.Buffer
	comp := &session.Companion{
		Socket: srv.Path(), AnyServer: true, Log: slog.New(slog.NewTextHandler(&compLog, nil)),
		Getenv:     func(k string) string { return map[string]string{"SWAYSOCK": sway.IPC}[k] },
		MinBackoff: 50 * time.Millisecond,
	}
	go func() { compDone <- comp.Run(compCtx) }()
	defer func() {
		compCancel()
		<-compDone
		if t.Failed() {
			t.Logf("companion log:\n%s", compLog.String())
		}
	}()
	srv.Start()
	swaytest.Eventually(t, "companion served", func() error {
		if !srv.Connected() {
			return errors.New("not connected")
		}
		return nil
	})

	const switches = 10
	var lat []time.Duration
	for i := range 2 * switches {
		app, want := "org.example.editor", -2 // -2: the layer named "code"
		if i%2 == 1 {
			app, want = "org.example.other", 0
		}
		start := time.Now()
		swaytest.Command(t, ipc, fmt.Sprintf(`[app_id="%s"] focus`, app))
		s := next("focus " + app)
		if want == -2 {
			if codeLayer < 0 {
				codeLayer = s.layer
			}
			if s.layer == 0 || s.layer != codeLayer {
				t.Fatalf("focus %s: layer %d shown, want the Apps layer (first seen %d)", app, s.layer, codeLayer)
			}
		} else if s.layer != want {
			t.Fatalf("focus %s: layer %d shown, want the base layer %d", app, s.layer, want)
		}
		lat = append(lat, s.at.Sub(start))
	}
	// The layer shown for the editor is the one named "code".
	if name := layerName(t, cfg, codeLayer); name != "code" {
		t.Errorf("the editor's layer is %q, want code", name)
	}
	select {
	case s := <-shows:
		t.Errorf("an extra layer change to %d", s.layer)
	default:
	}
	if kb.held() != 0 {
		t.Errorf("%d keys held", kb.held())
	}
	slices.Sort(lat)
	t.Logf("focus change (sway IPC command) → layer drawn and presented (real renderer, fake display, no frame pacing): p50 %v, min %v, max %v over %d switches",
		lat[len(lat)/2], lat[0], lat[len(lat)-1], len(lat))
}

// layerName names the layout's layer i for cfg.
func layerName(t *testing.T, cfg *config.Config, i int) string {
	t.Helper()
	lay := layouts.Build(cfg, 2008, 60)
	if lay == nil || i < 0 || i >= len(lay.Layers) {
		return ""
	}
	return lay.Layers[i].Name
}
