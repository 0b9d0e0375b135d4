package daemon

import (
	"flag"
	"io"
	"slices"
	"testing"
	"time"

	"tiny-dfr/internal/config"
)

func TestFlags(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("daemon", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := Flags(fs)
	if err := fs.Parse([]string{"-idle-dim", "2s", "-idle-off", "5s", "-no-drop", "-backlight", "/tmp/bl", "-config", "/tmp/c.toml"}); err != nil {
		t.Fatal(err)
	}
	o.fill()
	if o.Timing.Dim != 2*time.Second || o.Timing.Off != 5*time.Second || !o.NoDrop ||
		o.BacklightDir != "/tmp/bl" || o.UserConfig != "/tmp/c.toml" {
		t.Errorf("parsed %+v", o)
	}
	if o.BaseConfig != config.BasePath || o.DRIDir != "/dev/dri" || o.InputDir != "/dev/input" ||
		o.Uinput != "/dev/uinput" || o.User != "tiny-dfr" || !slices.Equal(o.Groups, []string{"input", "video"}) {
		t.Errorf("defaults %+v", o)
	}
	if o.Timing.ShiftStep != 10*time.Second || o.Timing.CrashHold <= 0 {
		t.Errorf("timing %+v", o.Timing)
	}
}

func TestZeroOptionsFilled(t *testing.T) {
	t.Parallel()
	var o Options
	o.fill()
	if o.Timing != DefaultTiming() || o.UserConfig != config.UserPath || o.PowerSupplyDir != "/sys/class/power_supply" {
		t.Errorf("filled %+v", o)
	}
}
