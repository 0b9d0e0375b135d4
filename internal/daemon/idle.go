package daemon

import (
	"flag"
	"time"

	"tiny-dfr/internal/config"
)

// never is an idle time that does not come: DimTimeout or OffTimeout 0.
const never = 100 * 365 * 24 * time.Hour

// idleTiming takes the idle dim and off times from cfg (DimTimeout,
// OffTimeout in seconds, 0 = never) where t says they come from the
// config, i.e. where no -idle-dim/-idle-off flag set them.
func idleTiming(t Timing, cfg *config.Config) Timing {
	secs := func(s int) time.Duration {
		if s <= 0 {
			return never
		}
		return time.Duration(s) * time.Second
	}
	if t.DimFromConfig {
		t.Dim = secs(cfg.DimTimeout)
	}
	if t.OffFromConfig {
		t.Off = secs(cfg.OffTimeout)
	}
	return t
}

// IdleFromConfig marks, after fs is parsed, the idle times that no flag
// set as coming from the config's DimTimeout and OffTimeout: a flag, when
// given, wins.
func IdleFromConfig(fs *flag.FlagSet, o *Options) {
	o.Timing.DimFromConfig, o.Timing.OffFromConfig = true, true
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "idle-dim":
			o.Timing.DimFromConfig = false
		case "idle-off":
			o.Timing.OffFromConfig = false
		}
	})
}
