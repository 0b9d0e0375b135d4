package daemon

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
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

const (
	barLength = 2008
	barHeight = 64
	keyF10    = 68
)

// screen is the host's summary of its screendump.
type screen struct {
	runs, red, lit int
	hash           string
}

func askScreen(t *testing.T) screen {
	t.Helper()
	reply, err := vmtest.AskHost("screen")
	if err != nil {
		t.Fatal(err)
	}
	var s screen
	if _, err := fmt.Sscanf(reply, "runs=%d red=%d lit=%d hash=%s", &s.runs, &s.red, &s.lit, &s.hash); err != nil {
		t.Fatalf("host reply %q: %v", reply, err)
	}
	return s
}

// waitScreen asks for screendumps until ok holds (the daemon draws
// asynchronously), failing after many tries.
func waitScreen(t *testing.T, what string, ok func(screen) bool) screen {
	t.Helper()
	var s screen
	for range 150 {
		if s = askScreen(t); ok(s) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: screen never right; last %+v", what, s)
	return s
}

// daemonProc is a running /bin/tiny-dfr with its log lines.
type daemonProc struct {
	cmd   *exec.Cmd
	lines chan string
	log   []string
}

func startDaemon(t *testing.T, args ...string) *daemonProc {
	t.Helper()
	cmd := exec.Command("/bin/tiny-dfr", args...)
	errp, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = os.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &daemonProc{cmd: cmd, lines: make(chan string, 1000)}
	go func() {
		s := bufio.NewScanner(errp)
		for s.Scan() {
			fmt.Println("daemon:", s.Text())
			p.lines <- s.Text()
		}
		close(p.lines)
	}()
	return p
}

// waitLog waits for a log line containing sub.
func (p *daemonProc) waitLog(t *testing.T, sub string) string {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("daemon exited before logging %q", sub)
			}
			p.log = append(p.log, l)
			if strings.Contains(l, sub) {
				return l
			}
		case <-timeout:
			t.Fatalf("daemon did not log %q", sub)
		}
	}
}

// stop sends SIGTERM and returns the exit code.
func (p *daemonProc) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for l := range p.lines {
		p.log = append(p.log, l)
	}
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// setNodeGroups gives device nodes the groups udev would.
func setNodeGroups(t *testing.T) {
	t.Helper()
	set := func(glob string, gid int) {
		ms, _ := filepath.Glob(glob)
		for _, m := range ms {
			if err := os.Chown(m, 0, gid); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(m, 0o660); err != nil {
				t.Fatal(err)
			}
		}
	}
	set("/dev/input/event*", guestInputGID)
	set("/dev/dri/card*", guestVideoGID)
}

// keys reads the daemon's virtual keyboard.
type keys struct {
	d    *evdev.Device
	down map[uint16]bool
}

func openVirtualKeyboard(t *testing.T) *keys {
	t.Helper()
	for range 100 {
		names, _ := filepath.Glob("/sys/class/input/input*/name")
		for _, n := range names {
			b, _ := os.ReadFile(n)
			if strings.TrimSpace(string(b)) != uinput.KeyboardName {
				continue
			}
			evs, _ := filepath.Glob(filepath.Join(filepath.Dir(n), "event*"))
			if len(evs) == 0 {
				continue
			}
			d, err := evdev.Open("/dev/input/" + filepath.Base(evs[0]))
			if err != nil {
				t.Fatal(err)
			}
			return &keys{d: d, down: map[uint16]bool{}}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no virtual keyboard")
	return nil
}

// next returns the next key event as "+code" or "-code"; "" on timeout.
func (k *keys) next(t *testing.T, wait time.Duration) string {
	t.Helper()
	k.d.SetReadDeadline(time.Now().Add(wait))
	evs := make([]evdev.RawEvent, 1)
	for {
		n, err := k.d.Read(evs)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return ""
		}
		if err != nil {
			t.Fatalf("virtual keyboard: %v", err)
		}
		if n == 1 && evs[0].Type == evdev.EvKey {
			e := evs[0]
			if e.Value == 0 {
				delete(k.down, e.Code)
				return "-" + strconv.Itoa(int(e.Code))
			}
			k.down[e.Code] = true
			return "+" + strconv.Itoa(int(e.Code))
		}
	}
}

// expect reads key events and compares them with want.
func (k *keys) expect(t *testing.T, what string, want ...string) {
	t.Helper()
	var got []string
	for range want {
		e := k.next(t, 20*time.Second)
		if e == "" {
			break
		}
		got = append(got, e)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: keys %q, want %q", what, got, want)
	}
}

// expectNone checks that no key event comes within a short while.
func (k *keys) expectNone(t *testing.T, what string) {
	t.Helper()
	if e := k.next(t, 1500*time.Millisecond); e != "" {
		t.Errorf("%s: unexpected key %s", what, e)
	}
}

// tap touches the centre of button i of n equal buttons.
func tap(t *testing.T, d *uinput.Device, i, n int) {
	t.Helper()
	w := float64(barLength-16*(n-1)) / float64(n)
	x := int32(float64(i)*(w+16) + w/2)
	y := int32(barHeight / 2)
	if err := d.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: 7},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: x},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionY, Value: y},
		uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsX, Value: x},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsY, Value: y},
	); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if err := d.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: -1},
		uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0},
	); err != nil {
		t.Fatal(err)
	}
}

func create(t *testing.T, c uinput.Config) *uinput.Device {
	t.Helper()
	d, err := uinput.Create("/dev/uinput", c)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// waitFile waits until the file holds want.
func waitFile(t *testing.T, what, p, want string) {
	t.Helper()
	got := ""
	for range 200 {
		if got = readFile(t, p); got == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("%s: %s = %q, want %q", what, p, got, want)
}

// writeConfig replaces the file the way editors do: new file, rename.
func writeConfig(t *testing.T, p, s string) {
	t.Helper()
	tmp := p + ".new"
	if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
}

// procStatus reads /proc/PID/status fields.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, l := range strings.Split(readFile(t, fmt.Sprintf("/proc/%d/status", pid)), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			m[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	return m
}

// ctxSwitches sums the context switches of every thread of pid.
func ctxSwitches(t *testing.T, pid int) int {
	t.Helper()
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	n := 0
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the thread ended
		}
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.HasSuffix(k, "ctxt_switches") {
				c, _ := strconv.Atoi(strings.TrimSpace(v))
				n += c
			}
		}
	}
	return n
}

// cpuTicks is the process's user+system time in clock ticks.
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	b := readFile(t, fmt.Sprintf("/proc/%d/stat", pid))
	// Fields after the command name (which may hold spaces): state is 3rd.
	f := strings.Fields(b[strings.LastIndexByte(b, ')')+1:])
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}

const threeButtons = `PrimaryLayerKeys = [
  { Text = "one", Action = "F10" },
  { Text = "two", Action = "F11" },
  { Text = "three", Action = "F12" },
]
`

func TestVMDaemon(t *testing.T) {
	vmtest.GuestOnly(t)
	// Devices first, as on a laptop.
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, barLength, barHeight, 4))
	fn := create(t, uinput.FnKeyboardConfig("Apple Internal Keyboard"))
	lid := create(t, uinput.LidConfig("Lid Switch"))
	defer fn.Close()
	defer lid.Close()
	time.Sleep(200 * time.Millisecond) // let devtmpfs make the nodes
	setNodeGroups(t)

	bl := "/tmp/backlight/appletb_backlight"
	os.MkdirAll(bl, 0o755)
	os.WriteFile(bl+"/max_brightness", []byte("255\n"), 0o644)
	os.WriteFile(bl+"/brightness", []byte("0\n"), 0o644)
	cfgDir := "/tmp/etc/tiny-dfr"
	os.MkdirAll(cfgDir, 0o755)
	cfg := cfgDir + "/config.toml"
	args := []string{"-config", cfg, "-base-config", "/nonexistent/config.toml", "-backlight", "/tmp/backlight",
		"-power-supply", "/tmp/no-power-supply"}

	start := time.Now()
	p := startDaemon(t, args...)
	p.waitLog(t, "bar drawn")
	fmt.Printf("MEASURE start to first frame: %v (process start → drawn log line)\n", time.Since(start).Round(time.Millisecond))
	kb := openVirtualKeyboard(t)
	defer kb.d.Close()

	def := waitScreen(t, "default layer", func(s screen) bool { return s.runs == 12 && s.red == 0 })
	vmtest.AskHost("png default")
	waitFile(t, "active", bl+"/brightness", "128")

	t.Run("identity", func(t *testing.T) {
		st := procStatus(t, p.cmd.Process.Pid)
		want := map[string]string{"Uid": "65534 65534 65534 65534", "Gid": "65534 65534 65534 65534", "CapEff": "0000000000000000", "CapPrm": "0000000000000000"}
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

	t.Run("taps", func(t *testing.T) {
		tap(t, dig, 0, 12)
		kb.expect(t, "F1", "+59", "-59")
		tap(t, dig, 11, 12)
		kb.expect(t, "F12", "+88", "-88")
	})

	t.Run("fn", func(t *testing.T) {
		fn.Report(uinput.Event{Type: evdev.EvKey, Code: evdev.KeyFn, Value: 1})
		waitScreen(t, "media layer", func(s screen) bool { return s.runs == 12 && s.hash != def.hash })
		vmtest.AskHost("png media")
		tap(t, dig, 11, 12)
		kb.expect(t, "volume up", "+115", "-115")
		fn.Report(uinput.Event{Type: evdev.EvKey, Code: evdev.KeyFn, Value: 0})
		waitScreen(t, "back to F-keys", func(s screen) bool { return s.hash == def.hash })
	})

	t.Run("lid", func(t *testing.T) {
		lid.Report(uinput.Event{Type: evdev.EvSw, Code: evdev.SwLid, Value: 1})
		waitFile(t, "lid closed", bl+"/brightness", "0")
		tap(t, dig, 0, 12)
		kb.expectNone(t, "tap with the lid closed")
		lid.Report(uinput.Event{Type: evdev.EvSw, Code: evdev.SwLid, Value: 0})
		waitFile(t, "lid open", bl+"/brightness", "128")
	})

	t.Run("reload", func(t *testing.T) {
		writeConfig(t, cfg, threeButtons)
		waitScreen(t, "three buttons", func(s screen) bool { return s.runs == 3 && s.red == 0 })
		tap(t, dig, 0, 3)
		kb.expect(t, "F10", "+68", "-68")
		writeConfig(t, cfg, "PrimaryLayerKeys = [ { Text = \"x\", Action = \"NoSuchKey\" } ]\nthis is not toml\n")
		waitScreen(t, "banner", func(s screen) bool { return s.red > 0 })
		vmtest.AskHost("png banner")
		p.waitLog(t, "config.toml:")
		// The banner goes; the old layout stays and works.
		waitScreen(t, "old layout after the banner", func(s screen) bool { return s.runs == 3 && s.red == 0 })
		tap(t, dig, 1, 3)
		kb.expect(t, "F11", "+87", "-87")
	})

	t.Run("digitizer", func(t *testing.T) {
		dig.Close()
		p.waitLog(t, "digitizer gone")
		dig = create(t, uinput.DigitizerConfig(uinput.DigitizerT2, barLength, barHeight, 4))
		time.Sleep(200 * time.Millisecond)
		setNodeGroups(t)
		p.waitLog(t, "msg=digitizer")
		tap(t, dig, 2, 3)
		kb.expect(t, "F12 after re-creation", "+88", "-88")
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
		if err := os.WriteFile("/sys/bus/virtio/drivers/virtio_gpu/bind", []byte(dev), 0o200); err != nil {
			t.Fatal(err)
		}
		for range 100 {
			if ms, _ := filepath.Glob("/dev/dri/card*"); len(ms) > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		setNodeGroups(t)
		p.waitLog(t, "bar drawn")
		waitScreen(t, "redrawn after rebind", func(s screen) bool { return s.runs == 3 && s.red == 0 })
		vmtest.AskHost("png rebound")
		tap(t, dig, 0, 3)
		kb.expect(t, "F10 after rebind", "+68", "-68")
	})

	t.Run("memory", func(t *testing.T) {
		st := procStatus(t, p.cmd.Process.Pid)
		fmt.Printf("MEASURE memory after the scenario: VmRSS %s, VmHWM %s\n", st["VmRSS"], st["VmHWM"])
	})

	t.Run("held key released on reload", func(t *testing.T) {
		if err := dig.Report(
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: 9},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: 300},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionY, Value: 30},
			uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1},
		); err != nil {
			t.Fatal(err)
		}
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

	t.Run("stop", func(t *testing.T) {
		// (Keys held at stop: the unit tests see them released; here the
		// virtual keyboard vanishes with the process, and the kernel drops
		// unread events of a removed device.)
		if code := p.stop(t); code != 0 {
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
		os.Remove(cfg)
		setNodeGroups(t)
		q := startDaemon(t, append(args, "-idle-dim", "2s", "-idle-off", "4s")...)
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
