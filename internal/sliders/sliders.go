package sliders

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/backlight"
	"tiny-dfr/internal/safefile"
	"tiny-dfr/internal/uevent"
)

// Slider kinds, as the config names them.
const (
	Brightness = "brightness" // the main display's backlight
	Keyboard   = "keyboard"   // the keyboard backlight LED
	TouchBar   = "touchbar"   // the Touch Bar's own backlight
	Volume     = "volume"     // served by the session companion
)

// Kinds lists every slider kind.
func Kinds() []string { return []string{Brightness, Keyboard, TouchBar, Volume} }

var (
	// ErrUnknownKind is returned by Open for a kind not in Kinds.
	ErrUnknownKind = errors.New("sliders: unknown slider kind")
	// ErrNotFound means no device of the kind exists (the slider is drawn
	// dimmed and inert).
	ErrNotFound = errors.New("sliders: no device")
	// ErrCompanion is returned for "volume": the session companion serves
	// it, not the daemon.
	ErrCompanion = errors.New("sliders: volume is served by the session companion, not the daemon")
	// ErrGone wraps a read or write that failed because the device went
	// away (ENODEV, ENOENT, ENXIO): close it and Open again on its next
	// "add" uevent.
	ErrGone = errors.New("sliders: device gone")
	// ErrValue is returned for a brightness or max_brightness that is not
	// a number in range (a fake or broken sysfs file).
	ErrValue = errors.New("sliders: bad value")
)

// Backend is one slider's device.
type Backend interface {
	Kind() string
	// Level is the device's level now, 0..1 (a change made elsewhere is
	// seen). It allocates nothing.
	Level() (float64, error)
	// Set makes the device's level x (clamped to 0..1), writing only when
	// the raw value differs from the one the device was last seen at.
	Set(x float64) error
	// Concerns tells whether the uevent e is about this device (its level
	// may have changed: call Level), including the loop's synthetic
	// "rescan" event of the subsystem (empty DevPath).
	Concerns(e uevent.Event) bool
	Close() error
}

// Dirs are the sysfs class directories the devices are looked up in.
type Dirs struct {
	Backlight string // /sys/class/backlight
	LEDs      string // /sys/class/leds
}

// DirsUnder gives the class directories under a sysfs root ("/sys").
func DirsUnder(sysRoot string) Dirs {
	return Dirs{
		Backlight: filepath.Join(sysRoot, "class", "backlight"),
		LEDs:      filepath.Join(sysRoot, "class", "leds"),
	}
}

// DefaultDirs are the real ones.
func DefaultDirs() Dirs { return DirsUnder("/sys") }

// KeyboardPattern is the LED name fragment of keyboard backlights
// ("apple::kbd_backlight", "smc::kbd_backlight", ":white:kbd_backlight").
const KeyboardPattern = "kbd_backlight"

// Open finds and opens the device of a slider kind. Call it as root,
// before the privilege drop. A missing device is ErrNotFound, "volume" is
// ErrCompanion; the caller logs either once and draws the slider inert.
func Open(kind string, d Dirs) (Backend, error) {
	switch kind {
	case Brightness:
		dir, err := backlight.Find(d.Backlight, backlight.DisplayNames())
		if err != nil {
			return nil, notFound(kind, err)
		}
		return backend(OpenDevice(kind, dir))
	case TouchBar:
		dir, err := backlight.Find(d.Backlight, backlight.TouchBarNames())
		if err != nil {
			return nil, notFound(kind, err)
		}
		return backend(OpenDevice(kind, dir))
	case Keyboard:
		dir, err := FindLED(d.LEDs, KeyboardPattern)
		if err != nil {
			return nil, err
		}
		return backend(OpenDevice(kind, dir))
	case Volume:
		return nil, ErrCompanion
	}
	return nil, fmt.Errorf("%w %q (want one of %s)", ErrUnknownKind, kind, strings.Join(Kinds(), ", "))
}

// backend keeps a failed open's nil *Device out of the interface.
func backend(d *Device, err error) (Backend, error) {
	if err != nil {
		return nil, err
	}
	return d, nil
}

func notFound(kind string, err error) error {
	if errors.Is(err, backlight.ErrNotFound) {
		return fmt.Errorf("%w for the %s slider: %w", ErrNotFound, kind, err)
	}
	return fmt.Errorf("sliders: %s: %w", kind, err)
}

// FindLED returns the first LED under root (in name order) whose name
// contains fragment.
func FindLED(root, fragment string) (string, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%w for the keyboard slider: no %s", ErrNotFound, root)
	}
	if err != nil {
		return "", fmt.Errorf("sliders: %w", err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), fragment) {
			return filepath.Join(root, e.Name()), nil
		}
	}
	return "", fmt.Errorf("%w for the keyboard slider: no *%s* in %s", ErrNotFound, fragment, root)
}

// maxMax bounds max_brightness: real devices stay far below it, and a
// level step must stay representable.
const maxMax = 1 << 30

// Device is a sysfs backlight or LED: brightness and max_brightness.
type Device struct {
	kind      string
	dir       string
	name      string // the device's name in its class: the uevent DEVPATH's base
	subsystem string // "backlight" or "leds"
	r, w      *os.File
	max       int
	floor     int   // lowest value Set writes (1 keeps a display lit)
	last      int   // value last seen (read or written); -1 unknown
	plain     bool  // an ordinary file (a test's fake): truncate after writing
	via       Light // writes go through it instead of w (the daemon's Touch Bar light)
	rbuf      [32]byte
	wbuf      [24]byte
}

// OpenDevice opens the sysfs device in dir (a directory of
// /sys/class/backlight or /sys/class/leds, symlinks followed) as kind. Its
// max_brightness is read once; brightness stays open for reading and
// writing.
func OpenDevice(kind, dir string) (*Device, error) {
	name := filepath.Base(dir)
	// sysfs reports every attribute as a page (4096 bytes) long.
	mb, err := safefile.ReadFile(filepath.Join(dir, "max_brightness"), 4096)
	if err != nil {
		return nil, fmt.Errorf("sliders: %s: %w", kind, err)
	}
	mx, err := parseInt(mb)
	if err != nil || mx <= 0 || mx > maxMax {
		return nil, fmt.Errorf("%w: %s: max_brightness %q is not a number in 1..%d", ErrValue, filepath.Join(dir, "max_brightness"), clip(mb), maxMax)
	}
	bpath := filepath.Join(dir, "brightness")
	r, _, err := safefile.Open(bpath, 0)
	if err != nil {
		return nil, fmt.Errorf("sliders: %s: %w", kind, err)
	}
	w, plain, err := openWrite(bpath)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("sliders: %s: %w", kind, err)
	}
	d := &Device{kind: kind, dir: dir, name: name, subsystem: subsystemOf(dir), r: r, w: w, max: mx, last: -1, plain: plain}
	if kind != Keyboard {
		d.floor = 1 // a slide to the end dims a backlight, never blacks it out
	}
	if _, err := d.Level(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// subsystemOf tells the class of a device directory: below a "leds" class
// directory (or resolving to one) it is "leds", else "backlight".
func subsystemOf(dir string) string {
	if filepath.Base(filepath.Dir(dir)) == "leds" {
		return "leds"
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil && filepath.Base(filepath.Dir(real)) == "leds" {
		return "leds"
	}
	return "backlight"
}

// openWrite opens path write-only without blocking (a FIFO planted in a
// fake tree) and only if it is a regular file (sysfs attributes are).
func openWrite(path string) (*os.File, bool, error) {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, false, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, false, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, false, &safefile.Error{Path: path, Err: safefile.ErrNotRegular}
	}
	var fs unix.Statfs_t
	plain := unix.Fstatfs(fd, &fs) == nil && fs.Type != unix.SYSFS_MAGIC
	return os.NewFile(uintptr(fd), path), plain, nil
}

// Kind is the slider kind the device was opened as.
func (d *Device) Kind() string { return d.kind }

// Dir is the device's sysfs directory.
func (d *Device) Dir() string { return d.dir }

// Name is the device's name in its class ("apple::kbd_backlight").
func (d *Device) Name() string { return d.name }

// Max is the device's max_brightness.
func (d *Device) Max() int { return d.max }

// Raw reads the device's brightness now (clamped to 0..Max).
func (d *Device) Raw() (int, error) {
	n, err := d.r.ReadAt(d.rbuf[:], 0)
	if n == 0 && err == io.EOF {
		return 0, fmt.Errorf("%w: %s/brightness is empty", ErrValue, d.dir)
	}
	if n == 0 && err != nil {
		return 0, d.fail("read", err)
	}
	if n == len(d.rbuf) {
		return 0, fmt.Errorf("%w: %s/brightness: over %d bytes", ErrValue, d.dir, len(d.rbuf)-1)
	}
	v, err := parseInt(d.rbuf[:n])
	if err != nil {
		return 0, fmt.Errorf("%w: %s/brightness: %q", ErrValue, d.dir, clip(d.rbuf[:n]))
	}
	v = max(0, min(v, d.max))
	d.last = v
	return v, nil
}

// Level is the brightness now as a fraction of max_brightness.
func (d *Device) Level() (float64, error) {
	v, err := d.Raw()
	if err != nil {
		return 0, err
	}
	return float64(v) / float64(d.max), nil
}

// Set writes the raw value nearest x·Max (at least 1 on a backlight),
// unless the device was last seen at it.
func (d *Device) Set(x float64) error {
	if math.IsNaN(x) {
		return fmt.Errorf("%w: level NaN", ErrValue)
	}
	return d.SetRaw(ToRaw(x, d.max))
}

// SetRaw writes v (clamped to floor..Max) unless the device was last seen
// at it.
func (d *Device) SetRaw(v int) error {
	v = max(d.floor, min(v, d.max))
	if v == d.last {
		return nil
	}
	if d.via != nil {
		if _, err := d.via.Set(v); err != nil {
			d.last = -1
			return d.fail("write", err)
		}
		d.last = v
		return nil
	}
	b := strconv.AppendInt(d.wbuf[:0], int64(v), 10)
	if _, err := d.w.WriteAt(b, 0); err != nil {
		d.last = -1
		return d.fail("write", err)
	}
	if d.plain {
		if err := d.w.Truncate(int64(len(b))); err != nil {
			d.last = -1
			return d.fail("write", err)
		}
	}
	d.last = v
	return nil
}

// ToRaw maps a level 0..1 onto 0..max, rounding to nearest.
func ToRaw(x float64, max int) int {
	x = math.Max(0, math.Min(x, 1))
	return int(math.Round(x * float64(max)))
}

func (d *Device) fail(op string, err error) error {
	if errors.Is(err, syscall.ENODEV) || errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENXIO) {
		return fmt.Errorf("%w: %s %s: %w", ErrGone, op, d.dir, err)
	}
	return fmt.Errorf("sliders: %s %s: %w", op, d.dir, err)
}

// Concerns tells whether e is a uevent of this device: same subsystem and
// name, or the subsystem's synthetic rescan (no DevPath).
func (d *Device) Concerns(e uevent.Event) bool {
	if e.Subsystem != d.subsystem {
		return false
	}
	return e.DevPath == "" || path.Base(e.DevPath) == d.name
}

// Close closes the descriptors it opened (not a shared Light).
func (d *Device) Close() error {
	if d.w == nil {
		return d.r.Close()
	}
	return errors.Join(d.r.Close(), d.w.Close())
}

// Light is a backlight someone else holds open for writing and drives
// (the daemon's Touch Bar light, backlight.Light).
type Light interface {
	Set(v int) (bool, error) // clamps to 0..Max, skips the value last written
	Max() int
	Dir() string
}

// Share makes the backend of kind over a Light the daemon already holds:
// Set writes through l (so l's own record of the value written stays
// true), Level reads the kernel's value through a descriptor opened here
// (call it before the privilege drop, like Open). It is how the
// "touchbar" slider wraps the Touch Bar backlight.
func Share(kind string, l Light) (*Device, error) {
	if l.Max() <= 0 || l.Max() > maxMax {
		return nil, fmt.Errorf("%w: %s: max_brightness %d is not in 1..%d", ErrValue, l.Dir(), l.Max(), maxMax)
	}
	r, _, err := safefile.Open(filepath.Join(l.Dir(), "brightness"), 0)
	if err != nil {
		return nil, fmt.Errorf("sliders: %s: %w", kind, err)
	}
	d := &Device{kind: kind, dir: l.Dir(), name: filepath.Base(l.Dir()), subsystem: subsystemOf(l.Dir()), r: r, max: l.Max(), last: -1, via: l}
	if kind != Keyboard {
		d.floor = 1
	}
	if _, err := d.Level(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// parseInt reads a decimal integer with optional surrounding whitespace,
// without allocating.
func parseInt(b []byte) (int, error) {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	neg := false
	if i < j && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	if i == j {
		return 0, strconv.ErrSyntax
	}
	v := 0
	for ; i < j; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, strconv.ErrSyntax
		}
		if v > (math.MaxInt32-9)/10 {
			return 0, strconv.ErrRange
		}
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func clip(b []byte) string {
	if len(b) > 24 {
		return string(b[:24]) + "…"
	}
	return string(b)
}
