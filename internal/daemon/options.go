package daemon

import (
	"flag"
	"log/slog"
	"os"
	"time"

	"tiny-dfr/internal/backlight"
	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/drm"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/privs"
	"tiny-dfr/internal/session"
	"tiny-dfr/internal/sliders"
	"tiny-dfr/internal/uevent"
	"tiny-dfr/internal/uinput"
)

// Options configure Run. The zero value of a path means its default.
type Options struct {
	BaseConfig string // shipped config (/usr/share/tiny-dfr/config.toml)
	UserConfig string // user config, watched (/etc/tiny-dfr/config.toml)

	DRIDir         string // DRM card nodes (/dev/dri)
	InputDir       string // evdev nodes (/dev/input)
	Uinput         string // /dev/uinput
	BacklightDir   string // /sys/class/backlight
	LEDDir         string // /sys/class/leds (the keyboard slider)
	PowerSupplyDir string // /sys/class/power_supply

	// NoDrop keeps the process's identity (tests, previews, running as a
	// user). Otherwise a root process drops to User with Groups.
	NoDrop bool
	User   string   // tiny-dfr (privs.User); nobody where it does not exist
	Groups []string // input, video
	Root   string   // where etc/passwd, etc/group (and usr/lib's) are read ("/")

	// SessionDir is where the session companion's socket is made
	// (session.DefaultDir: /run/tiny-dfr); SeatsDir is logind's seat state
	// (session.DefaultSeatsDir). NoSession: no companion is served.
	SessionDir string
	SeatsDir   string
	NoSession  bool

	Timing Timing
	Logger *slog.Logger // nil: text to stderr

	// TouchProbe, if set, times each touch frame (input.Options.Probe;
	// the debug figures of the guest benchmark).
	TouchProbe func(event, read, keyed time.Time)

	// Seams for tests; nil means the real thing.
	Getenv       func(string) string                        // os.Getenv (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID)
	OpenKeyboard func(path string) (VirtualKeyboard, error) // uinput.NewKeyboard
	OpenDisplay  func() (Display, error)                    // drm.Open on DRIDir
	OpenUevents  func() (UeventReader, error)               // uevent.Open
}

// VirtualKeyboard is the keyboard Run creates (uinput.Keyboard).
type VirtualKeyboard interface {
	Keyboard
	Close() error
}

// UeventReader is the kernel uevent socket (uevent.Conn).
type UeventReader interface {
	Read() (uevent.Event, error)
	Close() error
}

// DefaultUinput is the uinput device. The default config paths are
// config.BasePath and config.UserPath (set at build time).
const DefaultUinput = "/dev/uinput"

func (o *Options) fill() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.BaseConfig, config.BasePath)
	def(&o.UserConfig, config.UserPath)
	def(&o.DRIDir, drm.DefaultDir)
	def(&o.InputDir, input.DefaultDir)
	def(&o.Uinput, DefaultUinput)
	def(&o.BacklightDir, backlight.DefaultRoot)
	def(&o.LEDDir, sliders.DefaultDirs().LEDs)
	def(&o.PowerSupplyDir, battery.DefaultRoot)
	def(&o.User, privs.User)
	def(&o.Root, "/")
	def(&o.SessionDir, session.DefaultDir)
	def(&o.SeatsDir, session.DefaultSeatsDir)
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.OpenKeyboard == nil {
		o.OpenKeyboard = func(path string) (VirtualKeyboard, error) {
			k, err := uinput.NewKeyboard(path)
			if err != nil {
				return nil, err
			}
			return k, nil
		}
	}
	if o.OpenDisplay == nil {
		dir, log := o.DRIDir, o.Logger
		o.OpenDisplay = func() (Display, error) {
			d, err := drm.Open(drm.Options{Dir: dir, Logger: log})
			if err != nil {
				return nil, err
			}
			return d, nil
		}
	}
	if o.OpenUevents == nil {
		o.OpenUevents = func() (UeventReader, error) {
			c, err := uevent.Open()
			if err != nil {
				return nil, err
			}
			return c, nil
		}
	}
	if o.Groups == nil {
		o.Groups = []string{"input", "video"}
	}
	d := DefaultTiming()
	dur := func(p *time.Duration, v time.Duration) {
		if *p <= 0 {
			*p = v
		}
	}
	dur(&o.Timing.Dim, d.Dim)
	dur(&o.Timing.Off, d.Off)
	dur(&o.Timing.Banner, d.Banner)
	dur(&o.Timing.ShiftStep, d.ShiftStep)
	dur(&o.Timing.ShiftDwell, d.ShiftDwell)
	dur(&o.Timing.BatteryEvery, d.BatteryEvery)
	dur(&o.Timing.CrashHold, d.CrashHold)
	dur(&o.Timing.Frame, d.Frame)
}

// Flags declares the daemon's flags on fs and returns the Options they fill.
func Flags(fs *flag.FlagSet) *Options {
	o := &Options{Timing: DefaultTiming()}
	fs.StringVar(&o.UserConfig, "config", config.UserPath, "user config `file` (watched; its directory may appear later)")
	fs.StringVar(&o.BaseConfig, "base-config", config.BasePath, "shipped config `file`")
	fs.StringVar(&o.DRIDir, "dri", drm.DefaultDir, "`dir` of DRM card nodes")
	fs.StringVar(&o.InputDir, "input", input.DefaultDir, "`dir` of evdev nodes")
	fs.StringVar(&o.Uinput, "uinput", DefaultUinput, "uinput `device`")
	fs.StringVar(&o.BacklightDir, "backlight", backlight.DefaultRoot, "`dir` of backlight devices")
	fs.StringVar(&o.LEDDir, "leds", sliders.DefaultDirs().LEDs, "`dir` of LED devices (the keyboard slider)")
	fs.StringVar(&o.PowerSupplyDir, "power-supply", battery.DefaultRoot, "`dir` of power supplies")
	fs.BoolVar(&o.NoDrop, "no-drop", false, "keep the current user and groups (do not drop root)")
	fs.DurationVar(&o.Timing.Dim, "idle-dim", o.Timing.Dim, "idle `time` before the bar dims (without the flag: the config's DimTimeout)")
	fs.DurationVar(&o.Timing.Off, "idle-off", o.Timing.Off, "idle `time` before the bar goes dark (without the flag: the config's OffTimeout)")
	return o
}
