package daemon

import (
	"flag"
	"io"
	"testing"
	"time"

	"tiny-dfr/internal/config"
)

func TestIdleFromConfig(t *testing.T) {
	t.Parallel()
	parse := func(args ...string) Timing {
		fs := flag.NewFlagSet("d", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		o := Flags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		IdleFromConfig(fs, o)
		return o.Timing
	}
	cfg := &config.Config{DimTimeout: 5, OffTimeout: 0}
	got := idleTiming(parse(), cfg)
	if got.Dim != 5*time.Second || got.Off != never {
		t.Errorf("from config: dim %v off %v, want 5s and never", got.Dim, got.Off)
	}
	got = idleTiming(parse("-idle-dim", "2s"), cfg)
	if got.Dim != 2*time.Second || got.Off != never {
		t.Errorf("flag -idle-dim: dim %v off %v, want the flag's 2s and the config's never", got.Dim, got.Off)
	}
	got = idleTiming(parse("-idle-off", "9s"), config.Default())
	if got.Dim != 30*time.Second || got.Off != 9*time.Second {
		t.Errorf("flag -idle-off: dim %v off %v", got.Dim, got.Off)
	}
	// Timing built by hand (tests, fakes) keeps its times.
	tm := Timing{Dim: time.Millisecond, Off: 2 * time.Millisecond}
	if got := idleTiming(tm, cfg); got.Dim != tm.Dim || got.Off != tm.Off {
		t.Errorf("hand-made timing changed: %+v", got)
	}
}
