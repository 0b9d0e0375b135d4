package daemon

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/drm"
	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// The guest half of TestDaemonVMHostile: the daemon runs on a good config
// while the test replaces it with hostile ones, points icons and the font
// at hostile files, and adds and removes devices that are not the Touch
// Bar's. After each: a line naming the file (and the place in a config),
// the daemon alive with bounded memory, and the bar answering taps.

// maxHostileRSS bounds the daemon's resident memory after any step, and
// maxHostileHWM its peak: half the unit's MemoryMax=128M. (The icon step's
// 4 Mpx PNG at four sizes peaks at about 48 MiB.)
const (
	maxHostileRSS = 40 << 20
	maxHostileHWM = 64 << 20
)

const hostileGood = `PrimaryLayerKeys = [
  { Text = "F1", Action = "F1" },
  { Text = "F2", Action = "F2" },
  { Text = "F3", Action = "F3" },
  { Text = "F4", Action = "F4" },
]
`

// hostileConfig is one thing put in place of the user config.
type hostileConfig struct {
	name string
	mk   func(t *testing.T, path string) // creates path (a fresh name)
	want string                          // regexp the log line matches after the config's path
}

func hostileConfigs(dir string) []hostileConfig {
	link := func(target string) func(*testing.T, string) {
		return func(t *testing.T, p string) {
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	content := func(s func() string) func(*testing.T, string) {
		return func(t *testing.T, p string) {
			if err := os.WriteFile(p, []byte(s()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return []hostileConfig{
		{"fifo", func(t *testing.T, p string) {
			if err := unix.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}, `: .*is a FIFO, not a regular file`},
		{"dev-zero", link("/dev/zero"), `: .*is a character device, not a regular file`},
		{"dev-urandom", link("/dev/urandom"), `: .*is a character device, not a regular file`},
		{"directory", link(dir + "/adir"), `: .*is a directory, not a regular file`},
		{"symlink-loop", link(dir + "/loop-a"), `: .*symbolic links`},
		{"4MiB", content(func() string { return strings.Repeat("#", 4<<20) }), `: .*over the 1.0 MiB cap`},
		{"unknown-keys", content(func() string {
			var b strings.Builder
			for i := range 90000 {
				fmt.Fprintf(&b, "k%05d = 1\n", i)
			}
			return b.String()
		}), `:\d+:\d+: .*more than 4096 keys`},
		{"time-format", content(func() string {
			return "PrimaryLayerKeys = [ { Time = \"" + strings.Repeat("%S", 100000) + "\" } ]\n"
		}), `:\d+:\d+: .*Time: longer than`},
		{"dotted-key", content(func() string {
			return strings.Repeat("a.", 400000-1) + "a = 1\n"
		}), `:\d+:\d+: .*dotted parts`},
	}
}

// logRe waits for a log line matching re; it returns the line and when
// it was read.
func (p *daemonProc) logRe(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("daemon exited before logging %v", re)
			}
			p.log = append(p.log, l)
			if re.MatchString(l) {
				return l
			}
		case <-timeout:
			t.Fatalf("daemon did not log %v", re)
		}
	}
}

// drain collects the log lines that come within d.
func (p *daemonProc) drain(d time.Duration) []string {
	var got []string
	timeout := time.After(d)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				return got
			}
			p.log = append(p.log, l)
			got = append(got, l)
		case <-timeout:
			return got
		}
	}
}

// healthy checks that the daemon lives within its memory bound and prints
// its memory after step.
func healthy(t *testing.T, p *daemonProc, step string, took time.Duration) {
	t.Helper()
	pid := p.cmd.Process.Pid
	if err := p.cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("%s: daemon gone: %v", step, err)
	}
	st := procStatus(t, pid)
	fmt.Printf("MEASURE hostile %s: %v; VmRSS %s, VmHWM %s\n", step, took.Round(time.Millisecond), st["VmRSS"], st["VmHWM"])
	if kB(t, st["VmRSS"])<<10 > maxHostileRSS {
		// A build's garbage goes back to the kernel a moment after the
		// layout is taken (off the loop).
		time.Sleep(time.Second)
		st = procStatus(t, pid)
		fmt.Printf("MEASURE hostile %s, a second later: VmRSS %s, VmHWM %s\n", step, st["VmRSS"], st["VmHWM"])
		if kB(t, st["VmRSS"])<<10 > maxHostileRSS {
			t.Errorf("%s: VmRSS %s, over %d MiB", step, st["VmRSS"], maxHostileRSS>>20)
		}
	}
	if kB(t, st["VmHWM"])<<10 > maxHostileHWM {
		t.Errorf("%s: VmHWM %s, over %d MiB", step, st["VmHWM"], maxHostileHWM>>20)
	}
}

// kB reads a /proc/PID/status size ("1234 kB").
func kB(t *testing.T, v string) int {
	t.Helper()
	f := strings.Fields(v)
	n, err := strconv.Atoi(f[0])
	if len(f) != 2 || f[1] != "kB" || err != nil {
		t.Fatalf("size %q", v)
	}
	return n
}

// replace puts a new file at path the way editors do (a fresh name
// renamed over it) and returns when it did.
func replace(t *testing.T, path string, mk func(*testing.T, string)) time.Time {
	t.Helper()
	tmp := path + ".new"
	os.RemoveAll(tmp)
	mk(t, tmp)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	return time.Now()
}

// runBinary runs /bin/tiny-dfr with args within a minute and returns its
// exit code and stderr.
func runBinary(t *testing.T, args ...string) (int, string, time.Duration) {
	t.Helper()
	cmd := exec.Command("/bin/tiny-dfr", args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("tiny-dfr %v: still running after a minute", args)
	}
	return cmd.ProcessState.ExitCode(), stderr.String(), time.Since(start)
}

func TestVMHostile(t *testing.T) {
	vmtest.GuestOnly(t)
	g := newGeometry(t)
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, int32(g.length), barHeight, 4))
	fn := create(t, uinput.FnKeyboardConfig("Apple Internal Keyboard"))
	defer fn.Close()
	defer func() { dig.Close() }()
	rootOnlyNodes(t)

	t.Run("two cards", func(t *testing.T) {
		// The foreign landscape card is card0; the Touch Bar's is found
		// all the same.
		cards, _ := filepath.Glob("/dev/dri/card*")
		if len(cards) != 2 {
			t.Fatalf("cards %v, want 2", cards)
		}
		d, err := drm.Open(drm.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if m := d.Mode(); m.Width != barHeight || m.Height != g.length {
			t.Errorf("drm.Open picked %s, a %dx%d display; want the %dx%d Touch Bar", d.Card(), m.Width, m.Height, barHeight, g.length)
		}
		fmt.Printf("MEASURE two cards %v: drm.Open picked %s\n", cards, d.Card())
	})

	dir := "/tmp/hostile"
	bl := dir + "/backlight/appletb_backlight"
	os.MkdirAll(bl, 0o755)
	os.WriteFile(bl+"/max_brightness", []byte("255\n"), 0o644)
	os.WriteFile(bl+"/brightness", []byte("0\n"), 0o644)
	os.MkdirAll(dir+"/etc/adir", 0o755)
	os.Symlink(dir+"/etc/loop-b", dir+"/etc/loop-a")
	os.Symlink(dir+"/etc/loop-a", dir+"/etc/loop-b")
	cfg := dir + "/etc/config.toml"
	writeConfig(t, cfg, hostileGood)
	lay := g.layout(t, cfg)
	args := []string{"-config", cfg, "-base-config", "/nonexistent/config.toml", "-backlight", dir + "/backlight",
		"-power-supply", "/tmp/no-power-supply"}
	p := startDaemon(t, args...)
	defer func() {
		if p.cmd.ProcessState == nil {
			p.stop(t)
		}
	}()
	p.waitLog(t, "display open")
	p.waitLog(t, "bar drawn")
	kb := openVirtualKeyboard(t)
	defer kb.d.Close()
	waitScreen(t, "good layout", func(s screen) bool { return s.runs == 4 && s.red == 0 })
	healthy(t, p, "start", 0)
	g.tapCode(t, dig, kb, lay, 59)

	quoted := regexp.QuoteMeta(cfg)
	t.Run("configs", func(t *testing.T) {
		for i, h := range hostileConfigs(dir + "/etc") {
			at := replace(t, cfg, h.mk)
			re := regexp.MustCompile(quoted + h.want)
			l := p.logRe(t, re)
			took := time.Since(at)
			if !strings.Contains(l, "level=ERROR") && !strings.Contains(l, "level=WARN") {
				t.Errorf("%s: logged as %q", h.name, l)
			}
			healthy(t, p, "config "+h.name, took)
			// The last good layout answers.
			g.tapCode(t, dig, kb, lay, uint16(59+i%4))
		}
		// A directory made in its place (rm, mkdir): without the file the
		// built-in layout is used, then the directory is refused.
		if err := os.Remove(cfg); err != nil {
			t.Fatal(err)
		}
		p.waitLog(t, "config reloaded")
		at := time.Now()
		if err := os.Mkdir(cfg, 0o755); err != nil {
			t.Fatal(err)
		}
		p.logRe(t, regexp.MustCompile(`level=ERROR .*`+quoted+`: .*is a directory, not a regular file`))
		healthy(t, p, "config directory (mkdir)", time.Since(at))
		g.tapCode(t, dig, kb, g.layout(t, "/nonexistent/config.toml"), 68)
		if err := os.Remove(cfg); err != nil {
			t.Fatal(err)
		}
		p.waitLog(t, "config reloaded")
		// A good config again: its layout is taken.
		at = replace(t, cfg, func(t *testing.T, p string) {
			os.WriteFile(p, []byte(strings.Replace(hostileGood, `"F4" }`, `"F4" },
  { Text = "F5", Action = "F5" }`, 1)), 0o644)
		})
		p.waitLog(t, "config reloaded")
		healthy(t, p, "config good again", time.Since(at))
		lay = g.layout(t, cfg)
		waitScreen(t, "five buttons", func(s screen) bool { return s.runs == 5 && s.red == 0 })
		g.tapCode(t, dig, kb, lay, 63)
	})

	t.Run("icons", func(t *testing.T) {
		icons := hostileIconDir
		os.MkdirAll(icons, 0o755)
		unix.Mkfifo(icons+"/hfifo.svg", 0o644)
		os.Symlink("/dev/zero", icons+"/hzero.svg")
		os.MkdirAll(icons+"/hdir.svg", 0o755)
		rects := func(n int) string {
			return `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">` +
				strings.Repeat(`<rect width="24" height="24" fill="#fff"/>`, n) + `</svg>`
		}
		os.WriteFile(icons+"/hrects.svg", []byte(rects(100000)), 0o644) // over the size cap
		os.WriteFile(icons+"/hrects20k.svg", []byte(rects(20000)), 0o644)
		// F1 first: a tap at its far left hits it in the old layout and
		// the new one alike, so it is tapped while the new one is
		// prepared.
		conf := `PrimaryLayerKeys = [
  { Text = "F1", Action = "F1" },
  { Icon = "hfifo", Action = "F2" },
  { Icon = "hzero", Action = "F3" },
  { Icon = "hdir", Action = "F4" },
  { Icon = "hbig", Action = "F5" },
  { Icon = "hbig", Action = "F6", IconWidth = 1024, IconHeight = 1024 },
  { Icon = "hmid", Action = "F7" },
  { Icon = "hmid", Action = "F8", IconWidth = 60, IconHeight = 60 },
  { Icon = "hmid", Action = "F9", IconWidth = 1024, IconHeight = 64 },
  { Icon = "hmid", Action = "F10", IconWidth = 100, IconHeight = 1024 },
  { Icon = "hrects", Action = "F11" },
  { Icon = "hrects20k", Action = "F12", IconWidth = 1024, IconHeight = 1024 },
  { Text = "end", Action = "F1" },
]
`
		from := len(p.log)
		at := replace(t, cfg, func(t *testing.T, p string) { os.WriteFile(p, []byte(conf), 0o644) })
		// Taps while the layout is prepared (and after): F1 at the far
		// left is F1 in either layout.
		done := make(chan struct{})
		var during []string
		go func() {
			defer close(done)
			p.waitLog(t, "config reloaded")
		}()
		taps := 0
	loop:
		for {
			select {
			case <-done:
				break loop
			default:
			}
			g.tap(t, dig, 20, barHeight/2)
			during = append(during, kb.next(t, 20*time.Second), kb.next(t, 20*time.Second))
			taps++
		}
		took := time.Since(at)
		for i := 0; i+1 < len(during); i += 2 {
			if during[i] != "+59" || during[i+1] != "-59" {
				t.Errorf("tap %d during the build: keys %q, want +59 -59", i/2, during[i:i+2])
			}
		}
		fmt.Printf("MEASURE hostile icons: %d taps served while the layout was prepared\n", taps)
		healthy(t, p, "icons (write → config reloaded)", took)
		// Each refused file is named, at its button's line in the config.
		for _, w := range []struct{ line, icon string }{{"3", "hfifo.svg"}, {"4", "hzero.svg"}, {"5", "hdir.svg"},
			{"6", "hbig.png"}, {"12", "hrects.svg"}, {"13", "hrects20k.svg"}} {
			re := regexp.MustCompile(`level=WARN .*` + quoted + `:` + w.line + `:\d+: warning: icon ` + regexp.QuoteMeta(icons+"/"+w.icon) + `: `)
			if !slices.ContainsFunc(p.log[from:], re.MatchString) {
				p.logRe(t, re)
			}
		}
		lay = g.layout(t, cfg)
		n := len(lay.Layers[0].Buttons)
		waitScreen(t, "icon layout", func(s screen) bool { return s.runs == n && s.red == 0 })
		vmtest.AskHost("png hostile-icons")
		for _, code := range []uint16{68, 65, 59} {
			g.tapCode(t, dig, kb, lay, code)
		}
		g.tapButton(t, dig, kb, lay, 0, 1) // the FIFO's placeholder
	})

	t.Run("font", func(t *testing.T) {
		for _, tmpl := range []string{"--help", "-v", "/dev/zero"} {
			from := len(p.log)
			at := replace(t, cfg, func(t *testing.T, p string) {
				os.WriteFile(p, []byte(fmt.Sprintf("FontTemplate = %q\n", tmpl)+hostileGood), 0o644)
			})
			p.waitLog(t, "config reloaded")
			took := time.Since(at)
			lay = g.layout(t, cfg)
			waitScreen(t, "fallback font", func(s screen) bool { return s.runs == 4 && s.red == 0 })
			// At the line that set it (FontTemplate = "…" opens the file).
			re := regexp.MustCompile(`level=WARN .*` + quoted + `:1:16: warning: font: .*` + regexp.QuoteMeta(tmpl) + `.*embedded`)
			l, ok := "", false
			for _, l = range p.log[from:] {
				if ok = re.MatchString(l); ok {
					break
				}
			}
			if !ok {
				l = p.logRe(t, re)
			}
			fmt.Printf("MEASURE hostile FontTemplate %q warned: %s\n", tmpl, l)
			healthy(t, p, fmt.Sprintf("FontTemplate %q", tmpl), took)
			g.tapCode(t, dig, kb, lay, 62)
		}
	})

	t.Run("foreign card", func(t *testing.T) {
		lay = g.layout(t, cfg)
		g.down(t, dig, lay, 60)
		kb.expect(t, "held", "+60")
		time.Sleep(300 * time.Millisecond) // drawn pressed
		held := waitScreen(t, "pressed", func(s screen) bool { return s.runs == 4 && s.red == 0 })
		dev := foreignGPU(t, p.cmd.Process.Pid)
		drv := "/sys/bus/virtio/drivers/virtio_gpu/"
		at := time.Now()
		if err := os.WriteFile(drv+"unbind", []byte(dev), 0o200); err != nil {
			t.Fatal(err)
		}
		lines := p.drain(1500 * time.Millisecond)
		for try := 1; ; try++ {
			err := os.WriteFile(drv+"bind", []byte(dev), 0o200)
			if err == nil {
				break
			}
			if !errors.Is(err, syscall.ENOMEM) || try == 5 {
				t.Fatal(err)
			}
			time.Sleep(500 * time.Millisecond)
		}
		for range 100 {
			if ms, _ := filepath.Glob("/dev/dri/card*"); len(ms) == 2 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		lines = append(lines, p.drain(1500*time.Millisecond)...)
		for _, l := range lines {
			if strings.Contains(l, "display") || strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") {
				t.Errorf("foreign card's unbind and bind logged %q", l)
			}
		}
		kb.expectNone(t, "key held through the foreign card's unbind and bind")
		if s := askScreen(t); s.hash != held.hash {
			t.Errorf("bar changed with the foreign card: %+v, was %+v", s, held)
		}
		healthy(t, p, "foreign card unbound and bound", time.Since(at))
		dig.Report(
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: -1},
			uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0},
		)
		kb.expect(t, "lift", "-60")
		g.tapCode(t, dig, kb, lay, 61)
	})

	t.Run("foreign input devices", func(t *testing.T) {
		at := time.Now()
		var lines []string
		for i := range 20 {
			k := create(t, uinput.Config{Name: "Foreign Keyboard", ID: evdev.InputID{Bustype: evdev.BusUSB, Vendor: 0x1234, Product: 0x5678, Version: 1},
				Keys: []uint16{30, 31, 32, 33, 34, 35}})
			m := create(t, uinput.Config{Name: "Foreign Mouse", ID: evdev.InputID{Bustype: evdev.BusUSB, Vendor: 0x1234, Product: 0x5679, Version: 1},
				Keys: []uint16{0x110, 0x111}, Rel: []uint16{0, 1}})
			if i%2 == 0 {
				time.Sleep(100 * time.Millisecond)
				setNodeGroups(t) // as udev would; the odd ones stay root-only
			}
			g.tapCode(t, dig, kb, lay, uint16(59+i%4))
			k.Close()
			m.Close()
			lines = append(lines, p.drain(50*time.Millisecond)...)
		}
		lines = append(lines, p.drain(3*time.Second)...)
		for _, l := range lines {
			if strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") {
				t.Errorf("foreign devices logged %q", l)
			}
		}
		healthy(t, p, "20 foreign keyboards and mice", time.Since(at))
	})

	t.Run("check and render", func(t *testing.T) {
		// The binary's own commands on each hostile config: an answer at
		// once, exit 1, a line naming the file (and the place).
		hdir := dir + "/cli"
		os.MkdirAll(hdir, 0o755)
		os.MkdirAll(hdir+"/adir", 0o755)
		os.Symlink(hdir+"/loop-b", hdir+"/loop-a")
		os.Symlink(hdir+"/loop-a", hdir+"/loop-b")
		for _, h := range hostileConfigs(hdir) {
			path := hdir + "/" + h.name + ".toml"
			h.mk(t, path)
			line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path) + h.want)
			for _, args := range [][]string{
				{"check", path},
				{"render", "--base-config", "", "--config", path, "-o", hdir + "/" + h.name + ".png"},
			} {
				code, stderr, took := runBinary(t, args...)
				fmt.Printf("MEASURE hostile %s %s: exit %d after %v\n", args[0], h.name, code, took.Round(time.Millisecond))
				if code != 1 || !line.MatchString(stderr) {
					t.Errorf("%v: exit %d, stderr %q; want 1 and %v", args, code, stderr, line)
				}
			}
		}
		// Icons and fonts: render draws (placeholder, fallback font) and
		// says why, promptly.
		for _, c := range []struct{ name, conf, want string }{
			{"icons", `PrimaryLayerKeys = [ { Icon = "hfifo", Action = "F2" }, { Icon = "hzero", Action = "F3" }, { Icon = "hdir", Action = "F4" }, { Icon = "hbig", Action = "F5" }, { Icon = "hrects", Action = "F6" }, { Icon = "hrects20k", Action = "F7", IconWidth = 1024, IconHeight = 1024 } ]` + "\n", hostileIconDir + "/hfifo.svg"},
			{"font-help", `FontTemplate = "--help"` + "\n" + hostileGood, "font"},
			{"font-v", `FontTemplate = "-v"` + "\n" + hostileGood, "font"},
			{"font-zero", `FontTemplate = "/dev/zero"` + "\n" + hostileGood, "/dev/zero"},
		} {
			path := hdir + "/" + c.name + ".toml"
			os.WriteFile(path, []byte(c.conf), 0o644)
			out := hdir + "/" + c.name + ".png"
			code, stderr, took := runBinary(t, "render", "--base-config", "", "--config", path, "-o", out)
			fmt.Printf("MEASURE hostile render %s: exit %d after %v\n", c.name, code, took.Round(time.Millisecond))
			if _, err := os.Stat(out); code != 0 || err != nil || !strings.Contains(stderr, c.want) {
				t.Errorf("render %s: exit %d, %v, stderr %q; want 0, a picture and a warning with %q", c.name, code, err, stderr, c.want)
			}
			// check: warnings only, the same.
			code, stderr, took = runBinary(t, "check", path)
			fmt.Printf("MEASURE hostile check %s: exit %d after %v, %d lines\n", c.name, code, took.Round(time.Millisecond), strings.Count(stderr, "\n"))
			if code != 0 || !strings.Contains(stderr, c.want) {
				t.Errorf("check %s: exit %d, stderr %q; want 0 and a warning with %q", c.name, code, stderr, c.want)
			}
		}
	})

	t.Run("stop", func(t *testing.T) {
		healthy(t, p, "end", 0)
		if code := p.stop(t); code != 0 {
			t.Errorf("exit code %d after SIGTERM", code)
		}
	})
}

// foreignGPU is the virtio device of the foreign card (vmtest puts the
// extra cards at PCI slots 0x10..) and its card node; the daemon must hold
// another card open.
func foreignGPU(t *testing.T, pid int) string {
	t.Helper()
	devs, _ := filepath.Glob("/sys/bus/pci/devices/0000:00:10.0/virtio*")
	if len(devs) != 1 {
		t.Fatalf("foreign card's virtio device: %v", devs)
	}
	// /sys/class/drm/cardN links to the device's path, under its PCI slot.
	var cards, all []string
	links, _ := filepath.Glob("/sys/class/drm/card*")
	for _, l := range links {
		dst, _ := filepath.EvalSymlinks(l)
		all = append(all, dst)
		if strings.Contains(dst, "/0000:00:10.0/") && !strings.Contains(filepath.Base(l), "-") {
			cards = append(cards, filepath.Base(l))
		}
	}
	if len(cards) != 1 {
		t.Fatalf("foreign card's node: %v among %v", cards, all)
	}
	node := "/dev/dri/" + cards[0]
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	var open []string
	for _, fd := range fds {
		if l, err := os.Readlink(fd); err == nil && strings.HasPrefix(l, "/dev/dri/") {
			open = append(open, l)
		}
	}
	if len(open) == 0 || slices.Contains(open, node) {
		t.Fatalf("daemon holds %v open; the foreign card is %s", open, node)
	}
	fmt.Printf("MEASURE foreign card %s (%s); the daemon holds %v\n", node, filepath.Base(devs[0]), open)
	return filepath.Base(devs[0])
}
