package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// The guest half of TestDaemonVM. Fake devices: a Touch Bar digitizer, a
// keyboard with Fn, a lid switch, a backlight directory.

const threeButtons = `PrimaryLayerKeys = [
  { Text = "one", Action = "F10" },
  { Text = "two", Action = "F11" },
  { Text = "three", Action = "F12" },
]
`

func TestVMDaemon(t *testing.T) {
	vmtest.GuestOnly(t)
	g := newGeometry(t)
	// Devices first, as on a laptop.
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, int32(g.length), barHeight, 4))
	fn := create(t, uinput.FnKeyboardConfig("Apple Internal Keyboard"))
	lid := create(t, uinput.LidConfig("Lid Switch"))
	defer fn.Close()
	defer lid.Close()
	// No udev: the nodes stay root-only, as devtmpfs makes them. The
	// daemon opens the devices present now as root, before dropping to
	// nobody.
	rootOnlyNodes(t)

	bl := "/tmp/backlight/appletb_backlight"
	os.MkdirAll(bl, 0o755)
	os.WriteFile(bl+"/max_brightness", []byte("255\n"), 0o644)
	os.WriteFile(bl+"/brightness", []byte("0\n"), 0o644)
	cfgDir := "/tmp/etc/tiny-dfr"
	os.MkdirAll(cfgDir, 0o755)
	cfg := cfgDir + "/config.toml"
	os.Remove(cfg)
	// The base config is absent at start (the built-in default); the
	// SIGHUP step writes one, which no watcher sees.
	base := "/tmp/usr/share/tiny-dfr/config.toml"
	os.Remove(base)
	args := []string{"-config", cfg, "-base-config", base, "-backlight", "/tmp/backlight",
		"-power-supply", "/tmp/no-power-supply"}
	lay := g.layout(t, cfg)
	n := len(lay.Layers[0].Buttons)

	start := time.Now()
	p := startDaemon(t, args...)
	p.waitLog(t, "bar drawn")
	fmt.Printf("MEASURE start to first frame: %v (process start → drawn log line)\n", time.Since(start).Round(time.Millisecond))
	kb := openVirtualKeyboard(t)
	defer kb.d.Close()

	def := waitScreen(t, "default layer", func(s screen) bool { return s.runs == n && s.red == 0 })
	vmtest.AskHost(fmt.Sprintf("png default-%d", g.length))
	waitFile(t, "active", bl+"/brightness", "128")
	pid := p.cmd.Process.Pid
	memStep(t, pid, "start")

	t.Run("identity", func(t *testing.T) {
		st := procStatus(t, p.cmd.Process.Pid)
		// The service user tiny-dfr where it exists, else nobody (vm_test.go).
		id := os.Getenv("DAEMON_UID")
		ids := strings.Repeat(id+" ", 3) + id
		want := map[string]string{"Uid": ids, "Gid": ids, "CapEff": "0000000000000000", "CapPrm": "0000000000000000"}
		if id == "65534" && !slices.ContainsFunc(p.log, func(l string) bool {
			return strings.Contains(l, "no user tiny-dfr") && strings.Contains(l, "WARN")
		}) {
			t.Errorf("fallback to nobody without the WARN line saying how to fix it")
		}
		for k, w := range want {
			if st[k] != w {
				t.Errorf("%s: %q, want %q", k, st[k], w)
			}
		}
		g := strings.Fields(st["Groups"])
		slices.Sort(g)
		if want := []string{strconv.Itoa(guestInputGID), strconv.Itoa(guestVideoGID)}; !slices.Equal(g, want) {
			t.Errorf("Groups %v, want %v", g, want)
		}
	})

	t.Run("every key", func(t *testing.T) {
		for i := range lay.Layers[0].Buttons {
			g.tapButton(t, dig, kb, lay, 0, i)
		}
	})

	t.Run("gaps and edges", func(t *testing.T) {
		// Nothing is pressed; the next tap on a button gives its key
		// and nothing before it.
		for _, pt := range g.misses(t, lay, 0) {
			g.tap(t, dig, float64(pt.X), float64(pt.Y))
		}
		g.tapButton(t, dig, kb, lay, 0, n-1)
	})

	t.Run("fn", func(t *testing.T) {
		fn.Report(uinput.Event{Type: evdev.EvKey, Code: evdev.KeyFn, Value: 1})
		waitScreen(t, "media layer", func(s screen) bool { return s.runs == n && s.hash != def.hash })
		vmtest.AskHost(fmt.Sprintf("png media-%d", g.length))
		for i := range lay.Layers[1].Buttons {
			g.tapButton(t, dig, kb, lay, 1, i)
		}
		for _, pt := range g.misses(t, lay, 1) {
			g.tap(t, dig, float64(pt.X), float64(pt.Y))
		}
		g.tapButton(t, dig, kb, lay, 1, 0)
		fn.Report(uinput.Event{Type: evdev.EvKey, Code: evdev.KeyFn, Value: 0})
		waitScreen(t, "back to F-keys", func(s screen) bool { return s.hash == def.hash })
		memStep(t, pid, "both layers shown")
	})

	t.Run("lid", func(t *testing.T) {
		lid.Report(uinput.Event{Type: evdev.EvSw, Code: evdev.SwLid, Value: 1})
		waitFile(t, "lid closed", bl+"/brightness", "0")
		g.tapCentre(t, dig, lay, 0, 1)
		kb.expectNone(t, "tap with the lid closed")
		lid.Report(uinput.Event{Type: evdev.EvSw, Code: evdev.SwLid, Value: 0})
		waitFile(t, "lid open", bl+"/brightness", "128")
	})

	t.Run("reload", func(t *testing.T) {
		writeConfig(t, cfg, threeButtons)
		lay = g.layout(t, cfg)
		n = len(lay.Layers[0].Buttons)
		waitScreen(t, "three buttons", func(s screen) bool { return s.runs == n && s.red == 0 })
		g.tapCode(t, dig, kb, lay, 68)
		memStep(t, pid, "a valid reload")
		writeConfig(t, cfg, "PrimaryLayerKeys = [ { Text = \"x\", Action = \"NoSuchKey\" } ]\nthis is not toml\n")
		waitScreen(t, "banner", func(s screen) bool { return s.red > 0 })
		vmtest.AskHost("png banner")
		p.waitLog(t, "config.toml:")
		// The banner goes; the old layout stays and works.
		waitScreen(t, "old layout after the banner", func(s screen) bool { return s.runs == n && s.red == 0 })
		g.tapCode(t, dig, kb, lay, 87)
		memStep(t, pid, "an invalid reload (banner)")
	})

	t.Run("digitizer", func(t *testing.T) {
		dig.Close()
		p.waitLog(t, "digitizer gone")
		// A digitizer that appears after the drop is opened with the
		// daemon's rights: root-only, it is refused with a warning that
		// says what to fix; once udev (here the test) gives it the group
		// input, the change of rights is seen and it works.
		dig = create(t, uinput.DigitizerConfig(uinput.DigitizerT2, int32(g.length), barHeight, 4))
		if l := p.waitLog(t, "input: no access"); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "group input") {
			t.Errorf("refused digitizer logged as %q", l)
		}
		setNodeGroups(t)
		p.waitLog(t, "msg=digitizer")
		g.tapCode(t, dig, kb, lay, 88)
		memStep(t, pid, "digitizer re-created")
	})

	t.Run("card", func(t *testing.T) {
		// The card's virtio device, bound to virtio_gpu.
		bound, _ := filepath.Glob("/sys/bus/virtio/drivers/virtio_gpu/virtio*")
		if len(bound) != 1 {
			t.Fatalf("virtio_gpu devices %v", bound)
		}
		dev := filepath.Base(bound[0])
		if err := os.WriteFile("/sys/bus/virtio/drivers/virtio_gpu/unbind", []byte(dev), 0o200); err != nil {
			t.Fatal(err)
		}
		p.waitLog(t, "display gone")
		// The guest kernel's virtio_gpu probe now and then fails with
		// ENOMEM right after an unbind (seen once in ~6 runs, at 2170 px):
		// a guest kernel matter, not the daemon's, so the bind is retried.
		for try := 1; ; try++ {
			err := os.WriteFile("/sys/bus/virtio/drivers/virtio_gpu/bind", []byte(dev), 0o200)
			if err == nil {
				break
			}
			if !errors.Is(err, syscall.ENOMEM) || try == 5 {
				t.Fatal(err)
			}
			fmt.Printf("MEASURE virtio_gpu bind try %d: %v\n", try, err)
			time.Sleep(500 * time.Millisecond)
		}
		for range 100 {
			if ms, _ := filepath.Glob("/dev/dri/card*"); len(ms) > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		setNodeGroups(t)
		p.waitLog(t, "bar drawn")
		waitScreen(t, "redrawn after rebind", func(s screen) bool { return s.runs == n && s.red == 0 })
		vmtest.AskHost(fmt.Sprintf("png rebound-%d", g.length))
		g.tapCode(t, dig, kb, lay, 68)
		memStep(t, pid, "display re-bound")
	})

	t.Run("memory", func(t *testing.T) {
		st := procStatus(t, p.cmd.Process.Pid)
		fmt.Printf("MEASURE memory after the scenario: VmRSS %s (anon %s, file %s, shmem %s: the binary lives in the initramfs), VmHWM %s\n", st["VmRSS"], st["RssAnon"], st["RssFile"], st["RssShmem"], st["VmHWM"])
	})

	t.Run("held key released on reload", func(t *testing.T) {
		g.down(t, dig, lay, 68)
		kb.expect(t, "held", "+68")
		writeConfig(t, cfg, threeButtons+"# touched\n")
		kb.expect(t, "reload while held", "-68")
		dig.Report(
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: -1},
			uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0},
		)
		kb.expectNone(t, "lift after the reload released")
	})

	t.Run("SIGHUP", func(t *testing.T) {
		// systemctl reload: the signal re-reads both files, here the
		// unwatched base config; the daemon stays and its keys work.
		writeConfig(t, cfg, threeButtons)
		before := waitScreen(t, "three buttons before SIGHUP", func(s screen) bool { return s.runs == n && s.red == 0 })
		os.MkdirAll(filepath.Dir(base), 0o755)
		writeConfig(t, base, "ShowButtonOutlines = false\n")
		if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		p.waitLog(t, "SIGHUP")
		waitScreen(t, "outlines gone after SIGHUP", func(s screen) bool { return s.hash != before.hash && s.red == 0 })
		g.tapCode(t, dig, kb, lay, 68)
		memStep(t, pid, "SIGHUP reload")
	})

	t.Run("stop", func(t *testing.T) {
		// A finger is down at SIGTERM: its key must come up before the
		// virtual keyboard goes (the kernel drops unread events of a
		// removed device, so the daemon lingers a moment after releasing).
		g.down(t, dig, lay, 68)
		kb.expect(t, "held at stop", "+68")
		p.term(t)
		kb.expect(t, "released at stop", "-68")
		// The daemon released it, not the kernel's clean-up of a removed
		// device: the keyboard is still there, with nothing down.
		if down, err := kb.d.Keys(); err != nil {
			t.Errorf("virtual keyboard gone before the daemon's release was read (%v): the release came from the kernel", err)
		} else if down.Has(68) {
			t.Error("F10 still down on the virtual keyboard after the release")
		}
		if len(kb.down) != 0 {
			t.Errorf("keys still down after stop: %v", kb.down)
		}
		if code := p.wait(t); code != 0 {
			t.Errorf("exit code %d after SIGTERM", code)
		}
		waitFile(t, "stopped", bl+"/brightness", "0")
		// Closed, the output is off (QEMU then writes a notice of its own
		// in the middle): no button is left.
		if s := askScreen(t); s.runs != 0 || s.red != 0 {
			t.Errorf("bar not blank after stop: %+v", s)
		}
		for _, l := range p.log {
			if strings.Contains(l, "loop ended") {
				fmt.Println("MEASURE", l)
			}
		}
	})
	dig.Close()

	t.Run("idle", func(t *testing.T) {
		if !g.full {
			t.Skip("the idle timers do not depend on the bar's length: run at 2008 px only")
		}
		os.Remove(cfg)
		rootOnlyNodes(t)
		q := startDaemon(t, append(args, "-idle-dim", "5s", "-idle-off", "10s")...)
		q.waitLog(t, "bar drawn")
		waitFile(t, "active", bl+"/brightness", "128")
		waitFile(t, "dim", bl+"/brightness", "1")
		waitFile(t, "off", bl+"/brightness", "0")
		// Dark, no clock on the bar: count the process's context switches.
		pid := q.cmd.Process.Pid
		const window = 30 * time.Second
		c0, cpu0 := ctxSwitches(t, pid), cpuTicks(t, pid)
		time.Sleep(window)
		c1, cpu1 := ctxSwitches(t, pid), cpuTicks(t, pid)
		st := procStatus(t, pid)
		fmt.Printf("MEASURE idle (dark, no clock): %d context switches and %d CPU ticks (1/100 s) in %v (all threads); VmRSS %s, VmHWM %s\n",
			c1-c0, cpu1-cpu0, window, st["VmRSS"], st["VmHWM"])
		if code := q.stop(t); code != 0 {
			t.Errorf("exit code %d", code)
		}
		for _, l := range q.log {
			if strings.Contains(l, "loop ended") {
				fmt.Println("MEASURE idle run:", l)
			}
		}
	})
}
