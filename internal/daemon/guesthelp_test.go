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

// Helpers of the guest scenario (guest_test.go).

const (
	barLength = 2008
	barHeight = 64
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

// memStep prints the daemon's memory now (VmHWM is the peak so far), so a
// run shows which step of the scenario raised the peak.
func memStep(t *testing.T, pid int, step string) {
	t.Helper()
	st := procStatus(t, pid)
	fmt.Printf("MEASURE memory after %s: VmRSS %s (anon %s, shmem %s), VmHWM %s\n", step, st["VmRSS"], st["RssAnon"], st["RssShmem"], st["VmHWM"])
}
