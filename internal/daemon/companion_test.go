package daemon

import (
	"bytes"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/session"
)

// fakeCompanion is the session server as the loop sees it: it records
// the calls.
type fakeCompanion struct {
	connected bool
	runs      []string // "id command"
	widgets   [][]session.Widget
	paused    []bool
	users     [][]string
	watch     []bool    // SetVolumeWatch calls
	volumes   []float64 // SetVolume calls accepted
	media     []bool    // SetMediaWatch calls
	controls  []session.MediaOp
}

func (f *fakeCompanion) SetMediaWatch(on bool) { f.media = append(f.media, on) }
func (f *fakeCompanion) MediaControl(op session.MediaOp) bool {
	if !f.connected {
		return false
	}
	f.controls = append(f.controls, op)
	return true
}

func (f *fakeCompanion) Run(id uint32, command string) bool {
	if !f.connected {
		return false
	}
	f.runs = append(f.runs, fmt.Sprintf("%#x %s", id, command))
	return true
}
func (f *fakeCompanion) SetWidgets(ws []session.Widget) { f.widgets = append(f.widgets, ws) }
func (f *fakeCompanion) SetPaused(p bool)               { f.paused = append(f.paused, p) }
func (f *fakeCompanion) SetSessionUsers(n []string)     { f.users = append(f.users, n) }
func (f *fakeCompanion) Connected() bool                { return f.connected }
func (f *fakeCompanion) SetVolumeWatch(on bool)         { f.watch = append(f.watch, on) }
func (f *fakeCompanion) SetVolume(level float64) bool {
	if !f.connected {
		return false
	}
	f.volumes = append(f.volumes, level)
	return true
}

// Buttons of the session tests: primary = F1 | Run | clock widget | load
// widget | now playing; media = mute; code (Apps: code) = F3.
const (
	bRun   = 1
	bWid   = 2
	bWid2  = 3
	lCode  = 2
	appAll = "org.example.code"
)

func sessionTestConfig() *config.Config {
	c := testConfig()
	c.PrimaryLayerKeys = []config.Button{
		{Text: "F1", Codes: []uint16{keyF1}, Stretch: 1},
		{Text: "Run", Command: "touch /tmp/ran", Stretch: 1},
		{Command: "date +%T", Interval: 2 * time.Second, Stretch: 1},
		{Command: "uptime", Interval: 2 * time.Second, OnTap: "top", Stretch: 1},
		{Media: true, Stretch: 1},
	}
	c.Layers = []config.NamedLayer{{Name: "code", Keys: []config.Button{{Text: "F3", Codes: []uint16{keyF3}, Stretch: 1}},
		Apps: []config.AppLayer{{App: "code"}}}}
	c.SessionUsers = []string{"alice"}
	return c
}

type sessionRig struct {
	*rig
	srv *fakeCompanion
}

func newSessionRig(t *testing.T, opts ...func(*rig)) *sessionRig {
	s := &sessionRig{srv: &fakeCompanion{}}
	s.rig = newRig(t, append([]func(*rig){func(r *rig) {
		r.cfg = sessionTestConfig()
		r.session = s.srv
	}}, opts...)...)
	s.takeDraws()
	return s
}

func (s *sessionRig) event(ev session.Event) { s.c.onSession(ev, s.now) }

func (s *sessionRig) connect() {
	s.srv.connected = true
	s.event(session.Event{Kind: session.Connected, Conn: 1, UID: 1000})
}

// The layout's widgets (not the media one) and SessionUsers reach the
// server; a command tap (lift inside) runs once, a slide-off runs nothing.
func TestSessionCommandTap(t *testing.T) {
	t.Parallel()
	s := newSessionRig(t)
	if len(s.srv.widgets) != 1 {
		t.Fatalf("SetWidgets calls %v", s.srv.widgets)
	}
	want := []session.Widget{
		{ID: layouts.WidgetID(0, bWid), Command: "date +%T", Interval: 2 * time.Second},
		{ID: layouts.WidgetID(0, bWid2), Command: "uptime", Interval: 2 * time.Second},
	}
	if !slices.Equal(s.srv.widgets[0], want) {
		t.Errorf("widgets %+v, want %+v", s.srv.widgets[0], want)
	}
	if len(s.srv.users) != 1 || !slices.Equal(s.srv.users[0], []string{"alice"}) {
		t.Errorf("session users %v", s.srv.users)
	}
	s.connect()
	if d := s.takeDraws(); !slices.Equal(d, []string{"all L0 (0,0)"}) {
		t.Errorf("connect drew %q", d)
	}
	s.tap(0, bRun)
	if want := []string{"0x1 touch /tmp/ran"}; !slices.Equal(s.srv.runs, want) {
		t.Errorf("runs %q, want %q", s.srv.runs, want)
	}
	s.tap(0, bWid2) // OnTap
	if want := []string{"0x1 touch /tmp/ran", "0x3 top"}; !slices.Equal(s.srv.runs, want) {
		t.Errorf("runs %q, want %q", s.srv.runs, want)
	}
	s.tap(0, bWid) // a widget without OnTap
	// Slide off the Run button and lift on F1.
	s.srv.runs = nil
	s.touchAt(1, input.Down, s.centreX(0, bRun))
	s.touchAt(1, input.Move, s.centreX(0, 0))
	s.touchAt(1, input.Up, s.centreX(0, 0))
	if len(s.srv.runs) != 0 {
		t.Errorf("slide-off ran %q", s.srv.runs)
	}
	if s.kb.held() != 0 {
		t.Errorf("%d keys held", s.kb.held())
	}
}

func (r *rig) centreX(layer, b int) float64 {
	btn := r.c.lay.Layers[layer].Buttons[b]
	return float64(btn.Left) + btn.Width/2
}

// Without a companion, and after it disconnects, a command tap runs
// nothing and the bar is drawn with Session false (dimmed).
func TestSessionWithoutCompanion(t *testing.T) {
	t.Parallel()
	s := newSessionRig(t, func(r *rig) { r.realPainter = true })
	if s.c.sc.Session {
		t.Error("drawn as if a companion were served")
	}
	s.tap(0, bRun)
	if len(s.srv.runs) != 0 {
		t.Errorf("runs %q without a companion", s.srv.runs)
	}
	dim := s.disp.snapshot()
	s.connect()
	if !s.c.sc.Session {
		t.Error("Connected: not drawn as served")
	}
	lit := s.disp.snapshot()
	if bytes.Equal(dim, lit) {
		t.Error("the bar looks the same with and without a companion")
	}
	s.srv.connected = false
	s.event(session.Event{Kind: session.Disconnected, Conn: 1})
	if s.c.sc.Session {
		t.Error("Disconnected: still drawn as served")
	}
	if !bytes.Equal(dim, s.disp.snapshot()) {
		t.Error("disconnected: not dimmed again")
	}
	s.tap(0, bRun)
	if len(s.srv.runs) != 0 {
		t.Errorf("runs %q after disconnect", s.srv.runs)
	}
}

// A widget's output redraws only its button while its layer is shown;
// the same text again, another layout's id or one while another layer
// is shown draws nothing (the text is kept for later).
func TestSessionWidgetOutput(t *testing.T) {
	t.Parallel()
	s := newSessionRig(t)
	s.connect()
	s.takeDraws()
	id := layouts.WidgetID(0, bWid)
	s.event(session.Event{Kind: session.WidgetOutput, ID: id, Text: "10:00:01"})
	s.expectDraws(fmt.Sprintf("buttons L0 [%d] pressed []", bWid))
	if got := s.c.sc.Widget(0, bWid).Text; got != "10:00:01" {
		t.Errorf("widget text %q", got)
	}
	s.event(session.Event{Kind: session.WidgetOutput, ID: id, Text: "10:00:01"})
	s.event(session.Event{Kind: session.WidgetOutput, ID: layouts.WidgetID(7, 1), Text: "x"})
	s.event(session.Event{Kind: session.WidgetOutput, ID: layouts.WidgetID(0, 0), Text: "x"})
	s.expectDraws()
	if len(s.c.widgetOut) != 1 {
		t.Errorf("outputs kept %v", s.c.widgetOut)
	}
	// Fn held: the media layer; output of a primary widget draws nothing.
	s.c.onInput(input.Event{Kind: input.Fn, Down: true}, s.now)
	s.takeDraws()
	s.event(session.Event{Kind: session.WidgetOutput, ID: id, Text: "10:00:03"})
	s.expectDraws()
	s.c.onInput(input.Event{Kind: input.Fn, Down: false}, s.now)
	s.expectDraws("all L0 (0,0)")
	if got := s.c.sc.Widget(0, bWid).Text; got != "10:00:03" {
		t.Errorf("widget text %q after Fn", got)
	}
}

// Widgets are paused while the bar is dark and started again when it
// lights; a dark bar's widget output draws nothing and costs no timer.
func TestSessionPausedWhileDark(t *testing.T) {
	t.Parallel()
	s := newSessionRig(t)
	s.connect()
	s.run(s.c.env.Timing.Off + time.Second)
	if s.c.level != 0 {
		t.Fatalf("level %d, want dark", s.c.level)
	}
	if !slices.Equal(s.srv.paused, []bool{true}) {
		t.Fatalf("paused %v, want [true]", s.srv.paused)
	}
	s.takeDraws()
	s.event(session.Event{Kind: session.WidgetOutput, ID: layouts.WidgetID(0, bWid), Text: "late"})
	s.expectDraws()
	if n := s.run(time.Hour); n != 0 {
		t.Errorf("%d wake-ups while dark", n)
	}
	s.touch(0, input.Down, 0)
	s.touch(0, input.Up, 0)
	if !slices.Equal(s.srv.paused, []bool{true, false}) {
		t.Errorf("paused %v, want [true false]", s.srv.paused)
	}
}

// A focused app listed in a layer's Apps makes that layer the resting
// one; Fn still shows the media layer; another app (or a disconnect)
// brings the base back. A key held across the switch stays held.
func TestSessionFocusLayer(t *testing.T) {
	t.Parallel()
	s := newSessionRig(t)
	s.connect()
	s.takeDraws()
	s.touch(0, input.Down, 0) // F1 held
	s.event(session.Event{Kind: session.Focus, AppID: appAll})
	if got := s.c.sw.Shown(); got != lCode {
		t.Fatalf("focused %q: layer %d, want %d", appAll, got, lCode)
	}
	if s.kb.held() != 1 {
		t.Errorf("the key held across the switch was released (%d held)", s.kb.held())
	}
	s.touch(0, input.Up, 0)
	s.c.onInput(input.Event{Kind: input.Fn, Down: true}, s.now)
	if got := s.c.sw.Shown(); got != layouts.Media {
		t.Errorf("Fn over the app layer: %d", got)
	}
	s.c.onInput(input.Event{Kind: input.Fn, Down: false}, s.now)
	if got := s.c.sw.Shown(); got != lCode {
		t.Errorf("Fn released: %d", got)
	}
	s.kb.take()
	s.tap(0, 0) // the app layer's F3
	s.expectKeys("+61", "-61")
	s.event(session.Event{Kind: session.Focus, AppID: "firefox"})
	if got := s.c.sw.Shown(); got != layouts.Primary {
		t.Errorf("other app: layer %d", got)
	}
	s.event(session.Event{Kind: session.Focus, AppID: "code"})
	s.c.onConfigChanged(s.now) // a reload keeps the focused app's layer
	if got := s.c.sw.Shown(); got != lCode {
		t.Errorf("after reload: layer %d", got)
	}
	s.srv.connected = false
	s.event(session.Event{Kind: session.Disconnected})
	if got := s.c.sw.Shown(); got != layouts.Primary {
		t.Errorf("disconnected: layer %d", got)
	}
}

// With a companion served and widgets on the bar (real renderer), a key
// tap still allocates nothing in the loop.
func TestSessionKeyTapAllocs(t *testing.T) { // not parallel: AllocsPerRun
	s := newSessionRig(t, func(r *rig) { r.realPainter = true })
	s.connect()
	s.event(session.Event{Kind: session.WidgetOutput, ID: layouts.WidgetID(0, bWid), Text: "10:00"})
	s.c.bar = input.NewBar(input.NewTracker(nopKeyboard{}), input.BarOptions{Alarm: &s.c.la, WakeGap: meterGap})
	s.c.flush(s.now)
	x := s.centreX(0, 0) / float64(s.c.lay.Length)
	down := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Down, X: x, Y: 0.5}}}
	up := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Up, X: x, Y: 0.5}}}
	tap := func() {
		s.c.onInput(down, s.now)
		s.c.onInput(up, s.now)
		s.disp.frames = s.disp.frames[:0]
	}
	tap()
	if n := testing.AllocsPerRun(100, tap); n != 0 {
		t.Errorf("%v allocations per key tap", n)
	}
}

// countCompanion counts Run calls without recording them.
type countCompanion struct {
	fakeCompanion
	n int
}

func (c *countCompanion) Run(uint32, string) bool { c.n++; return true }

// BenchmarkCommandTap is a command button's tap in the loop: touch, lift
// inside, the Act taken and handed to the server (Run), both redraws of
// the real renderer.
func BenchmarkCommandTap(b *testing.B) {
	srv := &countCompanion{}
	r := newRig(b, func(r *rig) { r.cfg = sessionTestConfig(); r.session = srv; r.realPainter = true })
	r.c.onSession(session.Event{Kind: session.Connected}, r.now)
	r.c.bar = input.NewBar(input.NewTracker(nopKeyboard{}), input.BarOptions{Alarm: &r.c.la, WakeGap: meterGap})
	r.c.flush(r.now)
	x := r.centreX(0, bRun) / float64(r.c.lay.Length)
	down := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Down, X: x, Y: 0.5}}}
	up := input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: input.Up, X: x, Y: 0.5}}}
	for b.Loop() {
		r.c.onInput(down, r.now)
		r.c.onInput(up, r.now)
		r.disp.frames = r.disp.frames[:0]
	}
	if srv.n != b.N {
		b.Fatalf("%d runs for %d taps", srv.n, b.N)
	}
}

// snapshot copies the pixels of the last frame presented.
func (d *fakeDisplay) snapshot() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.frames) == 0 {
		return nil
	}
	return bytes.Clone(d.frames[len(d.frames)-1].Pix)
}

// bMedia is the now-playing widget of sessionTestConfig.
const bMedia = 4

// mediaRows copies the panel rows of the media widget in the last frame.
func (s *sessionRig) mediaRows() []byte {
	f := s.disp.snapshot()
	btn := s.c.lay.Layers[0].Buttons[bMedia]
	stride := len(f) / s.c.lay.Length
	return bytes.Clone(f[btn.Left*stride : (btn.Left+int(btn.Width))*stride])
}

// The layout's media widget asks the companion to watch; Media redraws
// only that button; a tap sends play/pause while a player is reported,
// nothing without one or without a companion.
func TestSessionMediaWidget(t *testing.T) {
	t.Parallel()
	s := newSessionRig(t)
	if !slices.Equal(s.srv.media, []bool{true}) {
		t.Fatalf("SetMediaWatch %v, want [true]", s.srv.media)
	}
	s.tap(0, bMedia) // no companion
	s.connect()
	s.takeDraws()
	s.tap(0, bMedia) // no player
	if len(s.srv.controls) != 0 {
		t.Fatalf("controls %v with no player", s.srv.controls)
	}
	s.takeDraws()
	s.event(session.Event{Kind: session.Media, Status: session.MediaPlaying, Title: "So What", Artist: "Miles Davis"})
	s.expectDraws(fmt.Sprintf("buttons L0 [%d] pressed []", bMedia))
	want := render.WidgetLook{Text: "So What", Sub: "Miles Davis", Media: render.MediaPlaying}
	if got := s.c.sc.Widget(0, bMedia); got != want {
		t.Errorf("media look %+v, want %+v", got, want)
	}
	s.event(session.Event{Kind: session.Media, Status: session.MediaPlaying, Title: "So What", Artist: "Miles Davis"})
	s.expectDraws() // no change
	s.tap(0, bMedia)
	if !slices.Equal(s.srv.controls, []session.MediaOp{session.MediaPlayPause}) {
		t.Fatalf("controls %v, want one play-pause", s.srv.controls)
	}
	if s.kb.held() != 0 || len(s.srv.runs) != 0 {
		t.Errorf("a media tap pressed keys (%d) or ran %q", s.kb.held(), s.srv.runs)
	}
	s.event(session.Event{Kind: session.Media, Status: session.MediaNone})
	s.tap(0, bMedia)
	if len(s.srv.controls) != 1 {
		t.Errorf("controls %v after the player went", s.srv.controls)
	}
	s.event(session.Event{Kind: session.Media, Status: session.MediaPaused, Title: "x"})
	s.srv.connected = false
	s.event(session.Event{Kind: session.Disconnected, Conn: 1})
	if got := s.c.sc.Widget(0, bMedia); got != (render.WidgetLook{}) {
		t.Errorf("disconnected: media look %+v, want none", got)
	}
	s.tap(0, bMedia)
	if len(s.srv.controls) != 1 {
		t.Errorf("controls %v without a companion", s.srv.controls)
	}
	// A layout without a media widget stops the watch.
	s.cfg = sessionTestConfig()
	s.cfg.PrimaryLayerKeys = s.cfg.PrimaryLayerKeys[:bMedia]
	s.c.onConfigChanged(s.now)
	if got := s.srv.media; got[len(got)-1] {
		t.Errorf("SetMediaWatch %v after the media widget went", got)
	}
}

// With the real renderer: the media widget is dimmed without a companion
// and with no player, lit once a player is reported, dimmed when it goes.
func TestSessionMediaDimmed(t *testing.T) {
	t.Parallel()
	s := newSessionRig(t, func(r *rig) { r.realPainter = true })
	off := s.mediaRows()
	s.connect()
	noPlayer := s.mediaRows()
	if !bytes.Equal(off, noPlayer) {
		t.Error("no player: not drawn as without a companion (dimmed)")
	}
	s.event(session.Event{Kind: session.Media, Status: session.MediaPaused, Title: "So What"})
	paused := s.mediaRows()
	if bytes.Equal(paused, noPlayer) {
		t.Fatal("a player's title did not change the widget's pixels")
	}
	s.event(session.Event{Kind: session.Media, Status: session.MediaPlaying, Title: "So What"})
	if bytes.Equal(paused, s.mediaRows()) {
		t.Error("playing looks as paused")
	}
	s.event(session.Event{Kind: session.Media, Status: session.MediaNone})
	if !bytes.Equal(noPlayer, s.mediaRows()) {
		t.Error("the player went: not dimmed again")
	}
}

// A widget's output colour and icon reach the painter; a colour that is
// not one is dropped and logged once for that widget.
func TestSessionWidgetColorIcon(t *testing.T) {
	t.Parallel()
	s := newSessionRig(t)
	var logBuf bytes.Buffer
	s.c.log = slog.New(slog.NewTextHandler(&logBuf, nil))
	s.connect()
	id := layouts.WidgetID(0, bWid)
	s.event(session.Event{Kind: session.WidgetOutput, ID: id, Text: "hot", Color: "#f00", Icon: "/usr/share/icons/x.svg"})
	want := render.WidgetLook{Text: "hot", Color: config.Color{R: 0xff, A: 0xff, Set: true}, Icon: "/usr/share/icons/x.svg"}
	if got := s.c.sc.Widget(0, bWid); got != want {
		t.Fatalf("look %+v, want %+v", got, want)
	}
	for _, bad := range []string{"red", "#12345", "#ff0000ff00"} {
		s.event(session.Event{Kind: session.WidgetOutput, ID: id, Text: "cold " + bad, Color: bad, Icon: "weather"})
		if got := s.c.sc.Widget(0, bWid); got.Color.Set || got.Text != "cold "+bad || got.Icon != "weather" {
			t.Errorf("colour %q: look %+v", bad, got)
		}
	}
	if n := strings.Count(logBuf.String(), "not a colour"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, logBuf.String())
	}
}
