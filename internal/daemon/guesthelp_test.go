package daemon

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// Helpers of the guest scenario (guest_test.go).

// barHeight is the guest display's (and the fake digitizer's) short side.
const barHeight = 64

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

// daemonProc is a running /bin/tiny-dfr (or a helper) with its log lines.
type daemonProc struct {
	cmd   *exec.Cmd
	name  string // in the printed lines and the failures; "" is "daemon"
	lines chan string
	log   []string
}

func startDaemon(t *testing.T, args ...string) *daemonProc {
	t.Helper()
	return startProc(t, "daemon", exec.Command("/bin/tiny-dfr", args...))
}

// startProc starts cmd; its stderr lines are printed after name and
// kept for waitLog, its stdout printed.
func startProc(t *testing.T, name string, cmd *exec.Cmd) *daemonProc {
	t.Helper()
	errp, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = os.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &daemonProc{cmd: cmd, name: name, lines: make(chan string, 1000)}
	go func() {
		s := bufio.NewScanner(errp)
		for s.Scan() {
			fmt.Println(name+":", s.Text())
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
				t.Fatalf("%s exited before logging %q", cmp.Or(p.name, "daemon"), sub)
			}
			p.log = append(p.log, l)
			if strings.Contains(l, sub) {
				return l
			}
		case <-timeout:
			t.Fatalf("%s did not log %q", cmp.Or(p.name, "daemon"), sub)
		}
	}
}

// stop sends SIGTERM and returns the exit code.
func (p *daemonProc) stop(t *testing.T) int {
	t.Helper()
	p.term(t)
	return p.wait(t)
}

// term sends SIGTERM without waiting.
func (p *daemonProc) term(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
}

// wait collects the log and returns the exit code.
func (p *daemonProc) wait(t *testing.T) int {
	t.Helper()
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

// rootOnlyNodes makes every input and DRM node root:root 0600, as
// devtmpfs makes them without udev (the harness may have been kinder),
// and checks it.
func rootOnlyNodes(t *testing.T) {
	t.Helper()
	time.Sleep(200 * time.Millisecond) // let devtmpfs make the nodes
	ms, _ := filepath.Glob("/dev/input/event*")
	cards, _ := filepath.Glob("/dev/dri/card*")
	if len(ms) == 0 || len(cards) == 0 {
		t.Fatalf("nodes: input %v, dri %v", ms, cards)
	}
	for _, m := range append(ms, cards...) {
		if err := os.Chown(m, 0, 0); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(m, 0o600); err != nil {
			t.Fatal(err)
		}
		var st syscall.Stat_t
		if err := syscall.Stat(m, &st); err != nil {
			t.Fatal(err)
		}
		if st.Uid != 0 || st.Gid != 0 || st.Mode&0o777 != 0o600 {
			t.Fatalf("%s: uid %d gid %d mode %o, want root:root 0600", m, st.Uid, st.Gid, st.Mode&0o777)
		}
	}
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

// geometry is the bar of this guest run: its length comes from the host
// (DAEMON_BAR_LENGTH, the display's mode), the buttons from the config the
// daemon reads, built with the daemon's own layout code.
type geometry struct {
	length int
	full   bool  // the run at 2008 px: also the parts that do not depend on the length
	id     int32 // last tracking id
}

func newGeometry(t *testing.T) *geometry {
	t.Helper()
	g := &geometry{length: 2008}
	if v := os.Getenv("DAEMON_BAR_LENGTH"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("DAEMON_BAR_LENGTH=%q", v)
		}
		g.length = n
	}
	g.full = g.length == 2008
	return g
}

// layout is the daemon's layout for the user config at path.
func (g *geometry) layout(t *testing.T, path string) *layouts.Layout {
	t.Helper()
	cfg, diags := config.Load("/nonexistent/config.toml", path)
	if config.HasErrors(diags) {
		t.Fatalf("config %s: %v", path, diags)
	}
	return layouts.Build(cfg, g.length, barHeight)
}

// raw is the digitizer value (axis 0..size−1) that the daemon maps to bar
// pixel p of a side of size px.
func raw(p float64, size int) int32 {
	v := int32(math.Round(p * float64(size-1) / float64(size)))
	return max(0, min(v, int32(size-1)))
}

// seen is the bar pixel the daemon makes of a raw value.
func seen(v int32, size int) float64 { return float64(v) * float64(size) / float64(size-1) }

// tap touches bar pixel (x, y) and lifts.
func (g *geometry) tap(t *testing.T, d *uinput.Device, x, y float64) {
	t.Helper()
	g.touch(t, d, x, y)
	time.Sleep(20 * time.Millisecond)
	if err := d.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: -1},
		uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0},
	); err != nil {
		t.Fatal(err)
	}
}

// touch puts a finger down at bar pixel (x, y).
func (g *geometry) touch(t *testing.T, d *uinput.Device, x, y float64) {
	t.Helper()
	g.id++
	rx, ry := raw(x, g.length), raw(y, barHeight)
	if err := d.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: g.id},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: rx},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionY, Value: ry},
		uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsX, Value: rx},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsY, Value: ry},
	); err != nil {
		t.Fatal(err)
	}
}

// centre is the middle of button i of layer.
func centre(lay *layouts.Layout, layer, i int) (float64, float64) {
	b := lay.Button(layer, i)
	return float64(b.Left) + b.Width/2, barHeight / 2
}

// tapCentre taps the middle of button i of layer.
func (g *geometry) tapCentre(t *testing.T, d *uinput.Device, lay *layouts.Layout, layer, i int) {
	t.Helper()
	x, y := centre(lay, layer, i)
	g.tap(t, d, x, y)
}

// codesOf is the key chord of a button.
func codesOf(t *testing.T, lay *layouts.Layout, layer, i int) []uint16 {
	t.Helper()
	k, ok := lay.Button(layer, i).Action.(layouts.KeyAction)
	if !ok {
		t.Fatalf("button %d of layer %d sends no keys", i, layer)
	}
	return k.Codes
}

// tapButton taps button i of layer (shown) and expects its keys down
// and up.
func (g *geometry) tapButton(t *testing.T, d *uinput.Device, kb *keys, lay *layouts.Layout, layer, i int) {
	t.Helper()
	g.tapCentre(t, d, lay, layer, i)
	var want []string
	codes := codesOf(t, lay, layer, i)
	for _, c := range codes {
		want = append(want, "+"+strconv.Itoa(int(c)))
	}
	for _, c := range codes {
		want = append(want, "-"+strconv.Itoa(int(c)))
	}
	kb.expect(t, fmt.Sprintf("button %d of layer %d (%d px bar)", i, layer, g.length), want...)
}

// button finds the button of layer 0 sending code.
func button(t *testing.T, lay *layouts.Layout, code uint16) int {
	t.Helper()
	for i := range lay.Layers[0].Buttons {
		if k, ok := lay.Button(0, i).Action.(layouts.KeyAction); ok && slices.Equal(k.Codes, []uint16{code}) {
			return i
		}
	}
	t.Fatalf("no button sends %d", code)
	return -1
}

// tapCode taps the button of layer 0 sending code and expects it.
func (g *geometry) tapCode(t *testing.T, d *uinput.Device, kb *keys, lay *layouts.Layout, code uint16) {
	t.Helper()
	g.tapButton(t, d, kb, lay, 0, button(t, lay, code))
}

// down puts a finger on the button sending code, and leaves it there.
func (g *geometry) down(t *testing.T, d *uinput.Device, lay *layouts.Layout, code uint16) {
	t.Helper()
	x, y := centre(lay, 0, button(t, lay, code))
	g.touch(t, d, x, y)
}

// misses are points of layer where a tap presses nothing: the middle of
// every gap between buttons, and the top and bottom edges of the bar
// (outside the band that counts as a touch) over the first, a middle and
// the last button, and its corners. Each is checked against the layout
// as the daemon will see it.
func (g *geometry) misses(t *testing.T, lay *layouts.Layout, layer int) []image.Point {
	t.Helper()
	bs := lay.Layers[layer].Buttons
	var pts []image.Point
	for i := 0; i+1 < len(bs); i++ {
		end := float64(bs[i].Left) + bs[i].Width
		pts = append(pts, image.Pt(int(math.Round((end+float64(bs[i+1].Left))/2)), barHeight/2))
	}
	for _, i := range []int{0, len(bs) / 2, len(bs) - 1} {
		x, _ := centre(lay, layer, i)
		pts = append(pts, image.Pt(int(x), 1), image.Pt(int(x), barHeight-2))
	}
	pts = append(pts, image.Pt(0, 0), image.Pt(g.length-1, 0), image.Pt(0, barHeight-1), image.Pt(g.length-1, barHeight-1))
	for _, p := range pts {
		x, y := seen(raw(float64(p.X), g.length), g.length), seen(raw(float64(p.Y), barHeight), barHeight)
		if b := lay.Hit(layer, x, y); b >= 0 {
			t.Fatalf("test point %v hits button %d", p, b)
		}
	}
	return pts
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

// statFields are the fields of a /proc stat file after the command name
// (which may hold spaces): the state first, utime at 11, stime at 12 (the
// man page's fields 3, 14 and 15); never fewer than 13.
func statFields(stat string) []string {
	f := strings.Fields(stat[strings.LastIndexByte(stat, ')')+1:])
	for len(f) < 13 {
		f = append(f, "")
	}
	return f
}

// cpuTicks is the process's user+system time in clock ticks.
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	f := statFields(readFile(t, fmt.Sprintf("/proc/%d/stat", pid)))
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}

// pageFaults is the process's minor plus major page faults.
func pageFaults(t *testing.T, pid int) int {
	t.Helper()
	f := statFields(readFile(t, fmt.Sprintf("/proc/%d/stat", pid)))
	minflt, _ := strconv.Atoi(f[7])
	majflt, _ := strconv.Atoi(f[9])
	return minflt + majflt
}

// memStep prints the daemon's memory now (VmHWM is the peak so far), so a
// run shows which step of the scenario raised the peak.
func memStep(t *testing.T, pid int, step string) {
	t.Helper()
	st := procStatus(t, pid)
	fmt.Printf("MEASURE memory after %s: VmRSS %s (anon %s, shmem %s), VmHWM %s\n", step, st["VmRSS"], st["RssAnon"], st["RssShmem"], st["VmHWM"])
}

// litBar is a daemon started by startLitBar and what it runs on.
type litBar struct {
	p    *daemonProc
	kb   *keys
	lay  *layouts.Layout
	cfg  string   // the user config
	bl   string   // the Touch Bar backlight's directory
	args []string // the daemon's arguments
}

// startLitBar writes a Touch Bar backlight (off) and config as the user
// config under /tmp, starts the daemon on them with extra arguments, and
// waits until the bar is drawn and lit, with the virtual keyboard open.
// The devices must exist first, their nodes root-only (rootOnlyNodes), as
// on a laptop.
func startLitBar(t *testing.T, g *geometry, config string, extra ...string) litBar {
	t.Helper()
	b := litBar{bl: "/tmp/backlight/appletb_backlight", cfg: "/tmp/etc/tiny-dfr/config.toml"}
	os.MkdirAll(b.bl, 0o755)
	os.WriteFile(b.bl+"/max_brightness", []byte("255\n"), 0o644)
	os.WriteFile(b.bl+"/brightness", []byte("0\n"), 0o644)
	os.MkdirAll(filepath.Dir(b.cfg), 0o755)
	writeConfig(t, b.cfg, config)
	b.lay = g.layout(t, b.cfg)
	b.args = append([]string{"-config", b.cfg, "-base-config", "/nonexistent/config.toml", "-backlight", filepath.Dir(b.bl),
		"-power-supply", "/tmp/no-power-supply"}, extra...)
	b.p = startDaemon(t, b.args...)
	b.p.waitLog(t, "bar drawn")
	b.kb = openVirtualKeyboard(t)
	t.Cleanup(func() { b.kb.d.Close() })
	waitFile(t, "active", b.bl+"/brightness", "128")
	return b
}

// activeSeat writes logind's state: seat0's active user is 1000, and
// uids (as logind lists them) have sessions on it.
func activeSeat(t *testing.T, uids string) {
	t.Helper()
	os.MkdirAll("/run/systemd/seats", 0o755)
	if err := os.WriteFile("/run/systemd/seats/seat0", []byte("# This is private data. Do not parse.\nACTIVE=c1\nACTIVE_UID=1000\nUIDS="+uids+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
