package input

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/uinput"
)

func TestParseSysBits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		n    int
		want []int
	}{
		{"b\n", evdev.EvMax + 1, []int{0, 1, 3}},
		{"0\n", evdev.EvMax + 1, nil},
		// KEY_FN (464 = 7×64+16) and BTN_TOUCH (330 = 5×64+10): the
		// kernel prints words most significant first.
		{"10000 0 400 0 0 0 0 0\n", evdev.KeyCnt, []int{464, 330}},
		{"663800000000003", evdev.AbsCnt, []int{0, 1, 0x2f, 0x30, 0x31, 0x35, 0x36, 0x39, 0x3a}},
		{"1 0", 64, nil}, // past n: dropped
	} {
		b, err := parseSysBits(c.s, c.n)
		if err != nil {
			t.Errorf("%q: %v", c.s, err)
			continue
		}
		var got []int
		for i := range c.n {
			if b.Has(i) {
				got = append(got, i)
			}
		}
		for _, w := range c.want {
			if !b.Has(w) {
				t.Errorf("%q: bit %d not set (got %v)", c.s, w, got)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: bits %v, want %v", c.s, got, c.want)
		}
	}
	for _, bad := range []string{"", " \n", "xyz", "1 -2"} {
		if _, err := parseSysBits(bad, 64); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// fakeSysfs writes <dir>/eventN/device/{name,capabilities/*} as the kernel
// does.
func fakeSysfs(t *testing.T, dir, node, name, ev, key, abs, sw string) {
	t.Helper()
	d := filepath.Join(dir, node, "device")
	if err := os.MkdirAll(filepath.Join(d, "capabilities"), 0o755); err != nil {
		t.Fatal(err)
	}
	for f, v := range map[string]string{"name": name, "capabilities/ev": ev, "capabilities/key": key, "capabilities/abs": abs, "capabilities/sw": sw} {
		if err := os.WriteFile(filepath.Join(d, f), []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type logBuf struct{ bytes.Buffer }

func (b *logBuf) lines(level string) []string {
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, "level="+level) {
			out = append(out, l)
		}
	}
	return out
}

// A digitizer, Fn keyboard or lid switch whose node we may not open is
// logged at Warn with the node, the errno and the fix, once per node (it
// used to be Debug only: a bar dead without a word); what it is comes from
// sysfs. Other devices we may not open stay at Debug. A refused node is
// tried again on every change (IN_ATTRIB), and a new node at the same path
// warns again.
func TestRefusedNodeWarnsOnce(t *testing.T) {
	t.Parallel()
	sys := t.TempDir()
	fakeSysfs(t, sys, "event3", uinput.DigitizerT2, "b", "400 0 0 0 0 0", "663800000000003", "0")
	fakeSysfs(t, sys, "event4", "Apple Internal Keyboard / Trackpad", "120013", "10000 0 0 0 0 0 0 fffffffffffffffe", "0", "0")
	fakeSysfs(t, sys, "event5", "Lid Switch", "21", "0", "0", "1")
	fakeSysfs(t, sys, "event6", "Power Button", "3", "10000000000000 0", "0", "0")
	fakeSysfs(t, sys, "event7", "Logitech USB Optical Mouse", "17", "70000 0 0 0 0", "0", "0")
	var buf logBuf
	m := newMonitor("/dev/input", sys, slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	tries := map[string]int{}
	m.openDev = func(path string) (*evdev.Device, error) {
		tries[path]++
		return nil, fmt.Errorf("evdev: open %s: %w", path, unix.EACCES)
	}
	for range 3 { // the scan at start, then two IN_ATTRIB
		for n := 3; n <= 8; n++ { // event8 has no sysfs entry
			m.open(fmt.Sprintf("/dev/input/event%d", n))
		}
	}
	warns := buf.lines("WARN")
	if len(warns) != 3 {
		t.Fatalf("%d warnings, want 3 (digitizer, Fn keyboard, lid):\n%s", len(warns), buf.String())
	}
	for i, want := range []string{"dev=/dev/input/event3", "dev=/dev/input/event4", "dev=/dev/input/event5"} {
		if !strings.Contains(warns[i], want) || !strings.Contains(warns[i], "permission denied") || !strings.Contains(warns[i], "group input") {
			t.Errorf("warning %q: want %s, the errno and the fix", warns[i], want)
		}
	}
	if !strings.Contains(warns[0], uinput.DigitizerT2) {
		t.Errorf("warning %q does not name the device", warns[0])
	}
	if n := len(buf.lines("DEBUG")); n != 3*6-3 {
		t.Errorf("%d debug lines, want 15", n)
	}
	for n := 3; n <= 8; n++ {
		if p := fmt.Sprintf("/dev/input/event%d", n); tries[p] != 3 {
			t.Errorf("%s tried %d times, want 3", p, tries[p])
		}
	}
	// The node goes and comes back, still refused: a new warning.
	delete(m.warned, "/dev/input/event3") // what Run does on IN_DELETE
	buf.Reset()
	m.open("/dev/input/event3")
	if n := len(buf.lines("WARN")); n != 1 {
		t.Errorf("re-created node: %d warnings, want 1", n)
	}
}

// sysInfo reads what classify needs; a device without the sw attribute
// (old kernels) is no lid.
func TestSysInfo(t *testing.T) {
	t.Parallel()
	sys := t.TempDir()
	fakeSysfs(t, sys, "event3", uinput.DigitizerT2, "b", "400 0 0 0 0 0", "663800000000003", "0")
	in, err := sysInfo(sys, "event3")
	if err != nil {
		t.Fatal(err)
	}
	if classify(&in) != roleDigitizer {
		t.Errorf("role %d, want digitizer; info %+v", classify(&in), in)
	}
	os.Remove(filepath.Join(sys, "event3/device/capabilities/sw"))
	if _, err := sysInfo(sys, "event3"); err != nil {
		t.Errorf("without sw: %v", err)
	}
	if _, err := sysInfo(sys, "event9"); err == nil {
		t.Error("missing node: no error")
	}
}

// Run waits a grace period before warning about a refused node: udev
// gives a new node its group a moment after devtmpfs made it root-only,
// and a hotplugged digitizer must not log a false alarm. A node still
// refused after the grace period is warned about; one gone is not.
func TestRefusedNodeWarnsAfterGrace(t *testing.T) {
	t.Parallel()
	sys := t.TempDir()
	fakeSysfs(t, sys, "event3", uinput.DigitizerT2, "b", "400 0 0 0 0 0", "663800000000003", "0")
	fakeSysfs(t, sys, "event4", uinput.DigitizerM1, "b", "400 0 0 0 0 0", "663800000000003", "0")
	var buf logBuf
	m := newMonitor("/dev/input", sys, slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	m.grace = time.Hour // the test fires the recheck itself
	gone := map[string]bool{}
	m.openDev = func(path string) (*evdev.Device, error) {
		if gone[path] {
			return nil, fmt.Errorf("evdev: open %s: %w", path, unix.ENOENT)
		}
		return nil, fmt.Errorf("evdev: open %s: %w", path, unix.EACCES)
	}
	m.open("/dev/input/event3")
	m.open("/dev/input/event4")
	m.open("/dev/input/event3") // IN_ATTRIB, still refused
	if w := buf.lines("WARN"); len(w) != 0 || m.graceC == nil {
		t.Fatalf("warned within the grace period (%v), or no recheck armed", w)
	}
	gone["/dev/input/event4"] = true
	m.recheck()
	w := buf.lines("WARN")
	if len(w) != 1 || !strings.Contains(w[0], "dev=/dev/input/event3") {
		t.Errorf("after the grace period: warnings %q, want one for event3", w)
	}
	if m.graceC != nil || len(m.due) != 0 {
		t.Error("recheck left work behind")
	}
	m.open("/dev/input/event3")
	if n := len(buf.lines("WARN")); n != 1 {
		t.Errorf("%d warnings after another try, want still 1", n)
	}
}

// A device that goes between its node's appearance and our open is no
// problem worth a warning: its node may still be there, without a device
// behind it (ENXIO), as the guest showed with a keyboard plugged and
// unplugged at once.
func TestGoneBeforeOpenIsQuiet(t *testing.T) {
	t.Parallel()
	var buf logBuf
	m := newMonitor("/dev/input", "", slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	for i, errno := range []error{unix.ENXIO, unix.ENODEV, unix.ENOENT} {
		m.openDev = func(path string) (*evdev.Device, error) {
			return nil, fmt.Errorf("evdev: open %s: %w", path, errno)
		}
		m.open(fmt.Sprintf("/dev/input/event%d", i))
	}
	if w := buf.lines("WARN"); len(w) != 0 {
		t.Errorf("warnings for devices gone before the open: %q", w)
	}
	m.openDev = func(path string) (*evdev.Device, error) {
		return nil, fmt.Errorf("evdev: open %s: %w", path, unix.EIO)
	}
	m.open("/dev/input/event9")
	if w := buf.lines("WARN"); len(w) != 1 {
		t.Errorf("an I/O error at open: %d warnings, want 1", len(w))
	}
}
