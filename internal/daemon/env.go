package daemon

import (
	"log/slog"
	"math/rand/v2"
	"time"
	"tiny-dfr/internal/input"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/render"
	"tiny-dfr/internal/sliders"
)

// Timing holds the loop's durations (scaled down by tests).
type Timing struct {
	Dim, Off time.Duration // idle time before the bar dims (1) and goes dark (0)
	// DimFromConfig and OffFromConfig: Dim and Off follow the config's
	// DimTimeout and OffTimeout at each load (IdleFromConfig sets them
	// where no flag was given).
	DimFromConfig, OffFromConfig bool
	Banner                       time.Duration // how long a config error banner shows
	ShiftStep                    time.Duration // pixel shift: time between 1 px moves
	ShiftDwell                   time.Duration // pixel shift: wait at each end
	BatteryEvery                 time.Duration // battery re-read without uevents, at most this often
	CrashHold                    time.Duration // crash picture shown this long before exiting
	// Frame is the display's refresh period: at most one present per
	// Frame, and a touch's new look is presented one Frame after its keys
	// went out (0: every change is presented at once).
	Frame time.Duration
}

// DefaultTiming is the spec's timing.
func DefaultTiming() Timing {
	return Timing{
		Dim:          30 * time.Second,
		Off:          60 * time.Second,
		Banner:       8 * time.Second,
		ShiftStep:    10 * time.Second,
		ShiftDwell:   50 * time.Second,
		BatteryEvery: time.Minute,
		CrashHold:    5 * time.Second,
		Frame:        time.Second / 60, // the Touch Bar's refresh
	}
}

// Env is everything the loop touches outside itself: the seams. Run fills it
// with the real devices; tests with fakes.
type Env struct {
	Clock  Clock
	Rand   *rand.Rand
	Log    *slog.Logger
	Timing Timing

	// LoadConfig reads the config files (config.Load); diagnostics of
	// severity Error mean the user file was not used.
	//
	// LoadConfig and NewPainter run on a worker goroutine, one call at a
	// time, while the loop draws with the previous painter: NewPainter must
	// not share mutable state with the painters it made before.
	LoadConfig func() (*config.Config, []config.Diagnostic)
	NewPainter NewPainterFunc
	// Crash draws the crash picture (render.Crash).
	Crash func(length, barHeight int, reason string) *render.Frame

	// OpenDisplay opens the Touch Bar panel; IsGone tells a vanished device
	// (drm.ErrGone) from other errors.
	OpenDisplay func() (Display, error)
	IsGone      func(error) bool

	// Tracker turns touches into keys. Bar, if set, is the touch path
	// around it that the digitizer readers share with the loop (Run makes
	// one for input.Run); nil: the loop makes one and touches come as
	// Touches events (tests). Alarm, if set, is the Bar's frame timer
	// (alarm.Alarm: stopping it costs no wake-up); nil: a Clock timer.
	Tracker *input.Tracker
	Bar     *input.Bar
	Alarm   Timer
	// Timer, if set, times the loop's deadlines (an alarm.Alarm in the
	// daemon); nil: a Clock timer.
	Timer Timer

	// OpenLight and OpenMeter open the Touch Bar and the main display
	// backlights; either may fail (no such device): the daemon runs without.
	OpenLight func() (Light, error)
	OpenMeter func() (Meter, error)

	// OpenSlider opens the backend of a slider kind ("brightness",
	// "keyboard", "volume"; sliders.Open), asked once per kind the first
	// time a layout uses it; an error makes its sliders inert (dimmed),
	// logged once. nil: every such slider is inert. The "touchbar" slider
	// is the Touch Bar light (OpenLight): it is never asked for.
	OpenSlider func(kind string) (sliders.Backend, error)

	ReadBattery func() (battery.State, error)
	// SupplyType reads a power supply's type ("Mains", "Battery") when
	// its uevent does not carry it; nil: unknown.
	SupplyType func(name string) string

	// Zone, if set, is the system's time zone now (the clock shows the
	// time in it). It is called at most every zoneGap, only while a clock
	// is shown; nil: the time as Clock gives it.
	Zone func() *time.Location

	// Trim, if set, runs off the loop after each build was taken (the old
	// painter and the build's garbage are free then) and after the display
	// was lost: Run collects and returns the freed memory to the kernel.
	Trim func()

	// Session, if set, is the session companion's server (session.Server):
	// command buttons and widgets go through it; its events come as
	// Sources.Session. nil: no companion (such buttons dimmed, inert).
	Session Companion

	// Ping, if set, tells the service manager the loop is alive
	// (WATCHDOG=1); the loop calls it on each Sources.Watchdog tick.
	Ping func()
}
