package preview

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/watch"
	"tiny-dfr/internal/wayland"
	"tiny-dfr/internal/wayland/swaytest"
	"tiny-dfr/internal/wayland/virtualkeyboard"
	"tiny-dfr/internal/wayland/virtualpointer"
)

// vinput is a zwlr_virtual_pointer_v1 and a zwp_virtual_keyboard_v1:
// headless sway has no input devices, so its seat offers no pointer or
// keyboard until a client makes them.
type vinput struct {
	t    *testing.T
	conn *wayland.Conn
	p    *virtualpointer.VirtualPointerV1
	k    *virtualkeyboard.VirtualKeyboardV1
	w, h uint32 // output layout extent
	ms   uint32
}

// usKeymap is compiled by the compositor from the system's xkb data.
const usKeymap = `xkb_keymap {
	xkb_keycodes { include "evdev" };
	xkb_types { include "complete" };
	xkb_compat { include "complete" };
	xkb_symbols { include "pc+us" };
};
`

func newInput(t *testing.T, socket string, w, h int) *vinput {
	t.Helper()
	conn, err := wayland.Dial(socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	reg, err := conn.Display().GetRegistry()
	if err != nil {
		t.Fatal(err)
	}
	var pm *virtualpointer.VirtualPointerManagerV1
	var km *virtualkeyboard.VirtualKeyboardManagerV1
	var seat *wayland.Seat
	reg.OnGlobal = func(name uint32, iface string, version uint32) {
		var o wayland.Object
		switch iface {
		case virtualpointer.VirtualPointerManagerV1Interface:
			pm = &virtualpointer.VirtualPointerManagerV1{}
			o = pm
		case virtualkeyboard.VirtualKeyboardManagerV1Interface:
			km = &virtualkeyboard.VirtualKeyboardManagerV1{}
			o = km
		case wayland.SeatInterface:
			seat = &wayland.Seat{}
			o = seat
		default:
			return
		}
		if err := reg.Bind(name, iface, 1, o); err != nil {
			t.Error(err)
		}
	}
	if err := conn.Roundtrip(); err != nil {
		t.Fatal(err)
	}
	if pm == nil || km == nil || seat == nil {
		t.Fatal("the compositor lacks zwlr_virtual_pointer_manager_v1, zwp_virtual_keyboard_manager_v1 or wl_seat")
	}
	v := &vinput{t: t, conn: conn, w: uint32(w), h: uint32(h)}
	if v.p, err = pm.CreateVirtualPointer(nil); err != nil {
		t.Fatal(err)
	}
	if v.k, err = km.CreateVirtualKeyboard(seat); err != nil {
		t.Fatal(err)
	}
	mem, err := wayland.NewSharedMemory("keymap", len(usKeymap)+1)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	copy(mem.Mem, usKeymap)
	if err := v.k.Keymap(wayland.KeyboardKeymapFormatXkbV1, mem.FD, uint32(len(usKeymap)+1)); err != nil {
		t.Fatal(err)
	}
	if err := conn.Roundtrip(); err != nil {
		t.Fatal(err)
	}
	return v
}

// shift holds or lets go of Shift (modifier bit 0).
func (v *vinput) shift(down bool) {
	v.t.Helper()
	var mods uint32
	if down {
		mods = 1
	}
	err := v.k.Modifiers(mods, 0, 0, 0)
	if err == nil {
		err = v.conn.Roundtrip()
	}
	if err != nil {
		v.t.Fatal(err)
	}
}

func (v *vinput) sync(err error) {
	v.t.Helper()
	if err == nil {
		err = v.p.Frame()
	}
	if err == nil {
		err = v.conn.Roundtrip()
	}
	if err != nil {
		v.t.Fatal(err)
	}
	v.ms += 10
}

func (v *vinput) moveTo(p image.Point) {
	v.t.Helper()
	v.sync(v.p.MotionAbsolute(v.ms, uint32(p.X), uint32(p.Y), v.w, v.h))
}

func (v *vinput) button(b uint32, down bool) {
	v.t.Helper()
	state := uint32(wayland.PointerButtonStateReleased)
	if down {
		state = wayland.PointerButtonStatePressed
	}
	v.sync(v.p.Button(v.ms, b, state))
}

// expected draws what `tiny-dfr render` draws for the config file: the
// same load, layout and renderer.
func expected(t *testing.T, path string, length, layer int, pressed int) *image.RGBA {
	t.Helper()
	cfg, diags := config.Load("", path)
	if config.HasErrors(diags) {
		t.Fatalf("test config: %v", diags)
	}
	dr, _ := renderDrawer(layouts.Build(cfg, length, BarHeight), cfg)
	return dr.draw(layer, func(l, b int) bool { return l == layer && b == pressed }, time.Now(), battery.State{})
}

const (
	config1 = `PrimaryLayerKeys = [
  { Text = "A", Action = "A" },
  { Text = "Chord", Action = ["LeftCtrl", "LeftAlt", "F1"], Stretch = 2 },
  { Text = "F3", Action = "F3" },
  { Icon = "volume_up", Action = "VolumeUp" },
]
`
	config2 = `ShowButtonOutlines = false
PrimaryLayerKeys = [ { Text = "Edited", Action = "F5" }, { Text = "B", Action = "B" } ]
`
	configBad = `PrimaryLayerKeys = [ { Text = "Oops", Action = "NoSuchKey" } ]
`
)

func TestPreviewOnSway(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a compositor")
	}
	s := startSway(t)
	bin := buildTinyDFR(t, s.Dir)
	const length = 2170
	cfgPath := filepath.Join(s.Dir, "config.toml")
	writeFile(t, cfgPath, config1)

	// Without a display: exit status 2 and one line naming tiny-dfr render.
	noDisp := exec.Command(bin, "preview", "-config", cfgPath)
	noDisp.Env = []string{"PATH=/usr/bin:/bin", "XDG_RUNTIME_DIR=" + s.Runtime}
	msg, err := noDisp.CombinedOutput()
	if code := noDisp.ProcessState.ExitCode(); code != 2 || !bytes.Contains(msg, []byte("tiny-dfr render")) || bytes.Count(msg, []byte("\n")) != 1 {
		t.Fatalf("preview without WAYLAND_DISPLAY: exit %d (%v), %q; want 2 and one line naming tiny-dfr render", code, err, msg)
	}

	// The pointer exists before the preview starts, so the seat the
	// preview binds already has it.
	vp := newInput(t, s.Socket, outputW, outputH)
	// A relative path, as people type it (the status line shows it).
	cmd := s.Command(bin, "preview", "-config", "config.toml", "-length", "2170", "-battery-root", s.Dir)
	cmd.Dir = s.Dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := lines(stdout)
	exited := false
	t.Cleanup(func() {
		if !exited {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("preview stderr:\n%s", stderr.String())
		}
	})

	var rect image.Rectangle
	swaytest.Eventually(s.t, "the preview window", func() (err error) { rect, err = s.windowRect(); return err })
	if want := image.Rect(0, 0, length, BarHeight+statusHeight); rect.Size() != want.Size() {
		t.Fatalf("window %v, want size %v", rect, want.Size())
	}
	barAt := rect.Min
	// cursor is where the compositor draws its pointer image over the
	// window, left out of the comparison (sway keeps it shown).
	var cursor image.Rectangle
	check := func(what string, want *image.RGBA) image.Image {
		t.Helper()
		var shot image.Image
		swaytest.Eventually(s.t, what, func() (err error) {
			if shot, err = s.screenshot(rect); err != nil {
				return err
			}
			return diff(shot, image.Point{}, want, cursor)
		})

		return shot
	}

	// 1. The bar's pixels are what `tiny-dfr render` draws.
	rendered := renderCmd(t, bin, cfgPath, s.Dir)
	if err := diff(rendered, image.Point{}, expected(t, cfgPath, length, layouts.Primary, -1), image.Rectangle{}); err != nil {
		t.Fatalf("the test's own drawing is not tiny-dfr render's: %v", err)
	}
	shot := check("bar pixels equal tiny-dfr render's", toRGBA(rendered))
	if p := os.Getenv("PREVIEW_SCREENSHOT"); p != "" {
		saveShot(t, p, shot)
	}

	// 2. A click prints the chord and draws the button pressed.
	lay := layouts.Build(mustLoad(t, cfgPath), length, BarHeight)
	b := lay.Button(layouts.Primary, 2) // esc, A, Chord
	at := image.Pt(b.Left+int(b.Width/2), BarHeight/2)
	vp.moveTo(barAt.Add(at))
	cursor = image.Rectangle{Min: at, Max: at.Add(image.Pt(48, 48))}.Inset(-4).Intersect(image.Rect(0, 0, length, BarHeight))
	clicked := time.Now()
	vp.button(btnLeft, true)
	expectLine(t, out, "press LeftCtrl+LeftAlt+F1")
	printed := time.Since(clicked)
	check("pressed button drawn", expected(t, cfgPath, length, layouts.Primary, 2))
	t.Logf("click to printed line %v, to pressed pixels on screen (screenshot polling) %v", printed, time.Since(clicked))
	vp.button(btnLeft, false)
	expectLine(t, out, "release LeftCtrl+LeftAlt+F1")

	// 3. Right click toggles the Fn layer.
	vp.button(btnRight, true)
	vp.button(btnRight, false)
	check("media layer after toggle", expected(t, cfgPath, length, layouts.Media, -1))
	vp.button(btnRight, true)
	vp.button(btnRight, false)
	check("primary layer after second toggle", expected(t, cfgPath, length, layouts.Primary, -1))

	// 4. Shift shows the Fn layer while held.
	vp.shift(true)
	check("media layer while Shift is held", expected(t, cfgPath, length, layouts.Media, -1))
	vp.shift(false)
	check("primary layer after Shift", expected(t, cfgPath, length, layouts.Primary, -1))

	// 5. An edit (write new, rename) is shown.
	edited := time.Now()
	writeFile(t, cfgPath, config2)
	good := expected(t, cfgPath, length, layouts.Primary, -1)
	check("edited config shown", good)
	t.Logf("edit to new pixels on screen %v (debounce %v)", time.Since(edited), watch.DefaultDebounce)

	// 6. A broken edit keeps the last good bar and says why in red.
	writeFile(t, cfgPath, configBad)
	swaytest.Eventually(s.t, "error shown in the window", func() error {
		shot, err := s.screenshot(rect)
		if err != nil {
			return err
		}
		if err := diff(shot, image.Point{}, good, cursor); err != nil {
			return err
		}
		for y := BarHeight; y < rect.Dy(); y++ {
			for x := 0; x < 400; x++ {
				r, g, b, _ := shot.At(x, y).RGBA()
				if uint8(r>>8) == statusErr.R && uint8(g>>8) == statusErr.G && uint8(b>>8) == statusErr.B {
					return nil
				}
			}
		}
		return errorString("no red status text")
	})

	// 7. Closing the window (xdg_toplevel.close) ends the preview with
	// status 0. (Cancelling Run, as SIGTERM does, is TestRunInProcess.)
	if out, err := s.Command("swaymsg", `[app_id="tiny-dfr-preview"]`, "kill").CombinedOutput(); err != nil {
		t.Fatalf("swaymsg kill: %v: %s", err, out)
	}
	err = cmd.Wait()
	exited = true
	if err != nil {
		t.Fatalf("preview exit: %v", err)
	}
}

// renderCmd runs `tiny-dfr render` for the config at the test's length.
func renderCmd(t *testing.T, bin, cfgPath, batteryRoot string) image.Image {
	t.Helper()
	cmd := exec.Command(bin, "render", "-config", cfgPath, "-length", "2170", "-battery-root", batteryRoot, "-o", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tiny-dfr render: %v\n%s", err, stderr.String())
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func toRGBA(img image.Image) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

type errorString string

func (e errorString) Error() string { return string(e) }

func mustLoad(t *testing.T, path string) *config.Config {
	t.Helper()
	cfg, diags := config.Load("", path)
	if config.HasErrors(diags) {
		t.Fatal(diags)
	}
	return cfg
}

func saveShot(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunInProcess runs Run itself against sway (so -race sees the window
// code) and checks that cancelling it closes the window and leaks no
// descriptor.
func TestRunInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a compositor")
	}
	s := startSway(t)
	cfgPath := filepath.Join(s.Dir, "config.toml")
	writeFile(t, cfgPath, config1)
	before, goroutines := countFDs(t), runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	env := map[string]string{"WAYLAND_DISPLAY": filepath.Base(s.Socket), "XDG_RUNTIME_DIR": s.Runtime}
	opts := Options{Config: cfgPath, Length: 2008, Scale: 2, BatteryRoot: s.Dir, Getenv: func(k string) string { return env[k] }}
	go func() { done <- Run(ctx, opts, io.Discard, io.Discard) }()
	var rect image.Rectangle
	swaytest.Eventually(s.t, "the preview window", func() (err error) { rect, err = s.windowRect(); return err })
	if want := image.Pt(2008*2, (BarHeight+statusHeight)*2); rect.Size() != want {
		t.Fatalf("window size %v, want %v at scale 2", rect.Size(), want)
	}
	// Each bar pixel becomes a 2×2 block.
	bar := expected(t, cfgPath, 2008, layouts.Primary, -1)
	want := image.NewRGBA(image.Rect(0, 0, 2*2008, 2*BarHeight))
	for y := range want.Rect.Dy() {
		for x := range want.Rect.Dx() {
			want.SetRGBA(x, y, bar.RGBAAt(x/2, y/2))
		}
	}
	swaytest.Eventually(s.t, "bar at scale 2", func() error {
		shot, err := s.screenshot(rect)
		if err != nil {
			return err
		}
		return diff(shot, image.Point{}, want, image.Rectangle{})
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	swaytest.Eventually(s.t, "the window gone", func() error {
		if _, err := s.windowRect(); err == nil {
			return errorString("still there")
		}
		return nil
	})
	if after := countFDs(t); after != before {
		t.Fatalf("%d descriptors before Run, %d after", before, after)
	}
	swaytest.Eventually(s.t, "Run's goroutines gone", func() error {
		if n := runtime.NumGoroutine(); n > goroutines {
			return fmt.Errorf("%d goroutines before Run, %d after", goroutines, n)
		}
		return nil
	})
}

func countFDs(t *testing.T) int {
	t.Helper()
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}
