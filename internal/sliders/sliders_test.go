package sliders

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/backlight"
	"tiny-dfr/internal/safefile"
	"tiny-dfr/internal/uevent"
)

// fakeDev makes a sysfs-like device directory under root/class/<class>.
func fakeDev(t *testing.T, root, class, name, brightness, max string) string {
	t.Helper()
	dir := filepath.Join(root, "class", class, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "brightness"), brightness)
	write(t, filepath.Join(dir, "max_brightness"), max)
	return dir
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// machine is a fake T2 MacBook Pro's sysfs.
func machine(t *testing.T) string {
	root := t.TempDir()
	fakeDev(t, root, "backlight", "acpi_video0", "50\n", "100\n")
	fakeDev(t, root, "backlight", "appletb_backlight", "2\n", "2\n")
	fakeDev(t, root, "backlight", "gmux_backlight", "30000\n", "110000\n")
	fakeDev(t, root, "leds", "input3::capslock", "0\n", "1\n")
	fakeDev(t, root, "leds", "apple::kbd_backlight", "0\n", "255\n")
	return root
}

func open(t *testing.T, kind, root string) *Device {
	t.Helper()
	b, err := Open(kind, DirsUnder(root))
	if err != nil {
		t.Fatalf("Open(%s): %v", kind, err)
	}
	t.Cleanup(func() { b.Close() })
	return b.(*Device)
}

func TestOpenFindsEachKind(t *testing.T) {
	t.Parallel()
	root := machine(t)
	for _, c := range []struct{ kind, name, subsystem string }{
		{Brightness, "acpi_video0", "backlight"}, // first of the display names in name order
		{TouchBar, "appletb_backlight", "backlight"},
		{Keyboard, "apple::kbd_backlight", "leds"},
	} {
		d := open(t, c.kind, root)
		if d.Kind() != c.kind || d.Name() != c.name || d.subsystem != c.subsystem {
			t.Errorf("%s: kind %s name %s subsystem %s; want %s %s", c.kind, d.Kind(), d.Name(), d.subsystem, c.name, c.subsystem)
		}
	}
}

func TestOpenMissingAndVolume(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	for _, k := range []string{Brightness, TouchBar, Keyboard} {
		if _, err := Open(k, DirsUnder(empty)); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s on an empty root: %v, want ErrNotFound", k, err)
		}
	}
	root := t.TempDir()
	fakeDev(t, root, "leds", "input3::capslock", "0\n", "1\n")
	if _, err := Open(Keyboard, DirsUnder(root)); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "kbd_backlight") {
		t.Errorf("keyboard without a kbd_backlight LED: %v", err)
	}
	if _, err := Open(Volume, DirsUnder(root)); !errors.Is(err, ErrCompanion) || !strings.Contains(err.Error(), "session companion") {
		t.Errorf("volume: %v, want ErrCompanion", err)
	}
	if _, err := Open("loudness", DirsUnder(root)); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("loudness: %v, want ErrUnknownKind", err)
	}
}

func TestSetLevelRoundTrip(t *testing.T) {
	t.Parallel()
	root := machine(t)
	for _, kind := range []string{Brightness, Keyboard, TouchBar} {
		d := open(t, kind, root)
		step := 1 / float64(d.Max())
		for _, x := range []float64{0.5, 0.123, 0.999, 1, 0.37, 1.0 / 3} {
			if err := d.Set(x); err != nil {
				t.Fatal(err)
			}
			got, err := d.Level()
			if err != nil {
				t.Fatal(err)
			}
			raw := max(d.floor, ToRaw(x, d.Max()))
			if got != float64(raw)/float64(d.Max()) || raw > d.floor && math.Abs(got-x) > step/2+1e-12 {
				t.Errorf("%s (max %d): Level after Set(%v) = %v", kind, d.Max(), x, got)
			}
			want := strconv.Itoa(raw)
			if f := strings.TrimSpace(read(t, filepath.Join(d.Dir(), "brightness"))); f != want {
				t.Errorf("%s: file after Set(%v) = %q, want %q", kind, x, f, want)
			}
		}
	}
}

func TestSetClampsAndFloors(t *testing.T) {
	t.Parallel()
	root := machine(t)
	for _, c := range []struct {
		kind string
		x    float64
		want string
	}{
		{Brightness, 0, "1"}, {Brightness, -3, "1"}, {Brightness, 7, "100"},
		{TouchBar, 0, "1"}, {TouchBar, 0.2, "1"}, {TouchBar, 0.8, "2"},
		{Keyboard, 0, "0"}, {Keyboard, -1, "0"}, {Keyboard, math.Inf(1), "255"},
	} {
		d := open(t, c.kind, root)
		if err := d.Set(c.x); err != nil {
			t.Fatal(err)
		}
		if f := strings.TrimSpace(read(t, filepath.Join(d.Dir(), "brightness"))); f != c.want {
			t.Errorf("%s Set(%v): file %q, want %q", c.kind, c.x, f, c.want)
		}
	}
	d := open(t, Keyboard, root)
	if err := d.Set(math.NaN()); !errors.Is(err, ErrValue) {
		t.Errorf("Set(NaN): %v, want ErrValue", err)
	}
}

// countingLight is a Light that records its writes.
type countingLight struct {
	dir    string
	max    int
	writes []int
}

func (l *countingLight) Set(v int) (bool, error) {
	l.writes = append(l.writes, v)
	return true, os.WriteFile(filepath.Join(l.dir, "brightness"), []byte(strconv.Itoa(v)), 0o644)
}
func (l *countingLight) Max() int    { return l.max }
func (l *countingLight) Dir() string { return l.dir }

func TestSetSkipsUnchanged(t *testing.T) {
	t.Parallel()
	root := machine(t)
	d := open(t, Keyboard, root)
	path := filepath.Join(d.Dir(), "brightness")
	if err := d.Set(0.5); err != nil {
		t.Fatal(err)
	}
	// A value written behind its back is not rewritten on the same Set
	// (nothing read it yet) …
	write(t, path, "7\n")
	if err := d.Set(0.5); err != nil {
		t.Fatal(err)
	}
	if f := read(t, path); f != "7\n" {
		t.Errorf("unchanged Set wrote: %q", f)
	}
	// … but once Level has seen the change, the same level is written again.
	if l, _ := d.Level(); l != 7.0/255 {
		t.Errorf("Level = %v, want 7/255", l)
	}
	if err := d.Set(0.5); err != nil {
		t.Fatal(err)
	}
	if f := read(t, path); f != "128" {
		t.Errorf("Set after a change elsewhere: file %q, want 128", f)
	}

	// Through a shared light: one write per distinct value.
	l := &countingLight{dir: filepath.Join(root, "class", "backlight", "appletb_backlight"), max: 2}
	s, err := Share(TouchBar, l)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, x := range []float64{0.5, 0.6, 0.4, 1, 1, 0.9} {
		if err := s.Set(x); err != nil {
			t.Fatal(err)
		}
	}
	// Share read the kernel's 2 at open, so 1 (0.5) is a change, 2 too.
	if got := l.writes; len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("shared light writes %v, want [1 2]", got)
	}
	if lv, _ := s.Level(); lv != 1 {
		t.Errorf("shared Level = %v, want 1", lv)
	}
}

func TestLevelSeesChangeElsewhere(t *testing.T) {
	t.Parallel()
	root := machine(t)
	d := open(t, Brightness, root)
	if l, err := d.Level(); l != 0.5 || err != nil {
		t.Fatalf("Level = %v, %v", l, err)
	}
	write(t, filepath.Join(d.Dir(), "brightness"), "25\n")
	if l, err := d.Level(); l != 0.25 || err != nil {
		t.Errorf("Level after a change elsewhere = %v, %v; want 0.25", l, err)
	}
	write(t, filepath.Join(d.Dir(), "brightness"), "900\n") // above max: clamped
	if l, err := d.Level(); l != 1 || err != nil {
		t.Errorf("Level above max = %v, %v; want 1", l, err)
	}
}

func TestHostileFiles(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, brightness, max string
		want                  error
	}{
		{"max zero", "0\n", "0\n", ErrValue},
		{"max negative", "0\n", "-5\n", ErrValue},
		{"max garbage", "0\n", "lots\n", ErrValue},
		{"max empty", "0\n", "", ErrValue},
		{"max huge number", "0\n", "99999999999999999999\n", ErrValue},
		{"max huge file", "0\n", strings.Repeat("1", 1<<20), safefile.ErrTooLarge},
		{"brightness garbage", "bright\n", "10\n", ErrValue},
		{"brightness huge file", strings.Repeat("9", 1<<20), "10\n", ErrValue},
		{"brightness empty", "", "10\n", ErrValue},
	} {
		root := t.TempDir()
		fakeDev(t, root, "leds", "x::kbd_backlight", c.brightness, c.max)
		b, err := Open(Keyboard, DirsUnder(root))
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if b != nil {
			b.Close()
		}
	}
	for _, file := range []string{"brightness", "max_brightness"} {
		root := t.TempDir()
		dir := fakeDev(t, root, "leds", "x::kbd_backlight", "1\n", "10\n")
		p := filepath.Join(dir, file)
		os.Remove(p)
		if err := unix.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(Keyboard, DirsUnder(root)); !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("%s a FIFO: %v, want ErrNotRegular", file, err)
		}
		os.Remove(p)
		os.Mkdir(p, 0o755)
		if _, err := Open(Keyboard, DirsUnder(root)); err == nil {
			t.Errorf("%s a directory: opened", file)
		}
	}
	// brightness unreadable after open (a garbage write elsewhere).
	root := machine(t)
	d := open(t, Keyboard, root)
	write(t, filepath.Join(d.Dir(), "brightness"), "1e3\n")
	if _, err := d.Level(); !errors.Is(err, ErrValue) {
		t.Errorf("Level of garbage: %v", err)
	}
}

func TestGone(t *testing.T) {
	t.Parallel()
	if err := (&Device{dir: "/x"}).fail("write", &os.PathError{Op: "write", Path: "/x", Err: syscall.ENODEV}); !errors.Is(err, ErrGone) || !errors.Is(err, syscall.ENODEV) {
		t.Errorf("ENODEV: %v", err)
	}
	if err := (&Device{dir: "/x"}).fail("write", syscall.EIO); errors.Is(err, ErrGone) || !errors.Is(err, syscall.EIO) {
		t.Errorf("EIO: %v", err)
	}
}

func TestConcerns(t *testing.T) {
	t.Parallel()
	root := machine(t)
	bl := open(t, Brightness, root)
	kb := open(t, Keyboard, root)
	for _, c := range []struct {
		e      uevent.Event
		bl, kb bool
	}{
		{uevent.Event{Action: "change", Subsystem: "backlight", DevPath: "/devices/pci0000:00/0000:00:02.0/backlight/acpi_video0"}, true, false},
		{uevent.Event{Action: "change", Subsystem: "backlight", DevPath: "/devices/virtual/backlight/appletb_backlight"}, false, false},
		{uevent.Event{Action: "change", Subsystem: "backlight"}, true, false}, // synthetic rescan
		{uevent.Event{Action: "change", Subsystem: "leds", DevPath: "/devices/x/leds/apple::kbd_backlight"}, false, true},
		{uevent.Event{Action: "change", Subsystem: "leds", DevPath: "/devices/x/leds/input3::capslock"}, false, false},
		{uevent.Event{Action: "change", Subsystem: "drm", DevPath: "/devices/x/drm/acpi_video0"}, false, false},
	} {
		if got := bl.Concerns(c.e); got != c.bl {
			t.Errorf("brightness Concerns(%+v) = %v", c.e, got)
		}
		if got := kb.Concerns(c.e); got != c.kb {
			t.Errorf("keyboard Concerns(%+v) = %v", c.e, got)
		}
	}
}

func TestShareWrapsBacklightLight(t *testing.T) {
	t.Parallel()
	root := machine(t)
	dir := filepath.Join(root, "class", "backlight", "appletb_backlight")
	l, err := backlight.OpenLight(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, err := Share(TouchBar, l)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Set(0.3); err != nil {
		t.Fatal(err)
	}
	if f := read(t, filepath.Join(dir, "brightness")); f != "1" {
		t.Errorf("file %q, want 1", f)
	}
	if lv, err := s.Level(); lv != 0.5 || err != nil {
		t.Errorf("Level = %v, %v", lv, err)
	}
	if !s.Concerns(uevent.Event{Subsystem: "backlight", DevPath: "/devices/virtual/backlight/appletb_backlight"}) {
		t.Error("shared light does not concern its own uevent")
	}
}

func TestLevelSetAllocs(t *testing.T) { // not parallel: AllocsPerRun
	root := machine(t)
	d := open(t, Keyboard, root)
	i := 0
	if n := testing.AllocsPerRun(100, func() {
		if _, err := d.Level(); err != nil {
			t.Fatal(err)
		}
		i++
		if err := d.Set(float64(i%255) / 255); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Level+Set allocate %v times", n)
	}
}

func TestParseInt(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"0": 0, " 42\n": 42, "-3": -3, "+7\t": 7, "2147483600": 2147483600} {
		if v, err := parseInt([]byte(in)); v != want || err != nil {
			t.Errorf("parseInt(%q) = %d, %v", in, v, err)
		}
	}
	for _, in := range []string{"", " ", "-", "1 2", "0x10", "99999999999", "1.5"} {
		if _, err := parseInt([]byte(in)); err == nil {
			t.Errorf("parseInt(%q) accepted", in)
		}
	}
}

func BenchmarkLevel(b *testing.B) {
	root := t2root(b)
	d, err := OpenDevice(Keyboard, filepath.Join(root, "class", "leds", "apple::kbd_backlight"))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Level(); err != nil {
			b.Fatal(err)
		}
	}
}

func t2root(b *testing.B) string {
	root := b.TempDir()
	dir := filepath.Join(root, "class", "leds", "apple::kbd_backlight")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "brightness"), []byte("10\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "max_brightness"), []byte("255\n"), 0o644)
	return root
}
