package backlight

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// fakeDevice makes a sysfs-like backlight directory.
func fakeDevice(t *testing.T, root, name string, brightness, max int) string {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "brightness"), strconv.Itoa(brightness)+"\n")
	write(t, filepath.Join(dir, "max_brightness"), strconv.Itoa(max)+"\n")
	return dir
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fakeDevice(t, root, "acpi_video0", 50, 100)
	fakeDevice(t, root, "appletb_backlight", 1, 2)
	fakeDevice(t, root, "gmux_backlight", 30000, 110000)
	fakeDevice(t, root, "nvidia_0", 10, 100)

	got, err := Find(root, TouchBarNames())
	if err != nil || got != filepath.Join(root, "appletb_backlight") {
		t.Errorf("touch bar: %q, %v", got, err)
	}
	// First in name order wins.
	got, err = Find(root, DisplayNames())
	if err != nil || got != filepath.Join(root, "acpi_video0") {
		t.Errorf("display: %q, %v", got, err)
	}
}

func TestFindNone(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fakeDevice(t, root, "nvidia_0", 10, 100)
	if _, err := Find(root, TouchBarNames()); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
	if _, err := Find(filepath.Join(root, "missing"), TouchBarNames()); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing root: got %v, want ErrNotFound", err)
	}
}

func TestLightSet(t *testing.T) {
	t.Parallel()
	dir := fakeDevice(t, t.TempDir(), "228600000.dsi.0", 128, 255)
	l, err := OpenLight(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Max() != 255 {
		t.Errorf("Max = %d", l.Max())
	}
	for _, c := range []struct {
		set, want int
		wrote     bool
	}{
		{0, 0, true}, {0, 0, false}, {1, 1, true}, {300, 255, true}, {255, 255, false}, {-4, 0, true},
	} {
		wrote, err := l.Set(c.set)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "brightness"))
		if wrote != c.wrote || string(b) != strconv.Itoa(c.want) {
			t.Errorf("Set(%d): wrote %v, file %q; want %v, %d", c.set, wrote, b, c.wrote, c.want)
		}
	}
}

func TestOpenErrorsKeepCause(t *testing.T) {
	t.Parallel()
	if _, err := OpenLight(t.TempDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenLight: %v, want ErrNotExist", err)
	}
	dir := fakeDevice(t, t.TempDir(), "x", 1, 2)
	write(t, filepath.Join(dir, "max_brightness"), "lots\n")
	if _, err := OpenMeter(dir); !errors.Is(err, strconv.ErrSyntax) {
		t.Errorf("OpenMeter: %v, want ErrSyntax", err)
	}
}

func TestMeterRead(t *testing.T) {
	t.Parallel()
	dir := fakeDevice(t, t.TempDir(), "apple-panel-bl", 200, 500)
	m, err := OpenMeter(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if v, err := m.Read(); v != 200 || err != nil || m.Max() != 500 {
		t.Errorf("Read = %d, %v; Max %d", v, err, m.Max())
	}
	write(t, filepath.Join(dir, "brightness"), "7\n")
	if v, err := m.Read(); v != 7 || err != nil {
		t.Errorf("Read after change = %d, %v", v, err)
	}
}

func TestAdaptive(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ active, display, max, want int }{
		{128, 0, 509, 1},
		{128, 509, 509, 129},
		{255, 509, 509, 255}, // capped
		{128, 127, 509, 64},  // sqrt(127/509)=0.4995 → 63.9 → 63 + 1
		{128, 25, 100, 65},   // T2 acpi_video0: sqrt(.25)·128 = 64 → 65
		{128, 50, 0, 128},    // no display: active
		{128, 900, 500, 129}, // display above its max is clamped
		{0, 300, 500, 1},
	} {
		if got := Adaptive(c.active, c.display, c.max); got != c.want {
			t.Errorf("Adaptive(%d, %d, %d) = %d, want %d", c.active, c.display, c.max, got, c.want)
		}
	}
}
