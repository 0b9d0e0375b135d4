package backlight

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Light is a backlight whose brightness is set. The file is opened once (as
// root, before privileges are dropped) and written through that descriptor.
type Light struct {
	dir  string
	f    *os.File
	max  int
	last int  // last value written; -1 before the first write
	file bool // an ordinary file (a test's fake), not sysfs: truncate after writing
}

// OpenLight opens the backlight in dir for writing.
func OpenLight(dir string) (*Light, error) {
	max, err := readInt(filepath.Join(dir, "max_brightness"))
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "brightness"), os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("backlight: %w", err)
	}
	var st unix.Statfs_t
	plain := unix.Fstatfs(int(f.Fd()), &st) == nil && st.Type != unix.SYSFS_MAGIC
	return &Light{dir: dir, f: f, max: max, last: -1, file: plain}, nil
}

// Dir is the device's sysfs directory.
func (l *Light) Dir() string { return l.dir }

// Max is the device's max_brightness.
func (l *Light) Max() int { return l.max }

// Set writes v, clamped to 0..Max, unless it is the value last written. It
// reports whether it wrote.
func (l *Light) Set(v int) (bool, error) {
	v = max(0, min(v, l.max))
	if v == l.last {
		return false, nil
	}
	b := strconv.AppendInt(make([]byte, 0, 8), int64(v), 10)
	if _, err := l.f.WriteAt(b, 0); err != nil {
		return false, fmt.Errorf("backlight: set %s to %d: %w", filepath.Base(l.dir), v, err)
	}
	if l.file {
		if err := l.f.Truncate(int64(len(b))); err != nil {
			return false, fmt.Errorf("backlight: set %s to %d: %w", filepath.Base(l.dir), v, err)
		}
	}
	l.last = v
	return true, nil
}

// Close closes the device.
func (l *Light) Close() error { return l.f.Close() }

// Meter is a backlight whose brightness is read (the main display's).
type Meter struct {
	dir string
	f   *os.File
	max int
	buf []byte
}

// OpenMeter opens the backlight in dir for reading.
func OpenMeter(dir string) (*Meter, error) {
	max, err := readInt(filepath.Join(dir, "max_brightness"))
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, "brightness"))
	if err != nil {
		return nil, fmt.Errorf("backlight: %w", err)
	}
	return &Meter{dir: dir, f: f, max: max, buf: make([]byte, 32)}, nil
}

// Dir is the device's sysfs directory.
func (m *Meter) Dir() string { return m.dir }

// Max is the device's max_brightness.
func (m *Meter) Max() int { return m.max }

// Read returns the current brightness (sysfs regenerates the file on each
// read from offset 0).
func (m *Meter) Read() (int, error) {
	n, err := m.f.ReadAt(m.buf, 0)
	if n == 0 && err != nil {
		return 0, fmt.Errorf("backlight: read %s: %w", filepath.Base(m.dir), err)
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(m.buf[:n])))
	if err != nil {
		return 0, fmt.Errorf("backlight: read %s: %w", filepath.Base(m.dir), err)
	}
	return v, nil
}

// Close closes the device.
func (m *Meter) Close() error { return m.f.Close() }

func readInt(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("backlight: %w", err)
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("backlight: %s: %w", path, err)
	}
	return v, nil
}
