package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"time"
	"tiny-dfr/internal/daemon"
)

// debugMetricsEnv, when set (non-empty) in the daemon's environment, makes
// it log the Go runtime's counters on each SIGUSR1: the guest benchmark
// (internal/daemon BenchmarkVMDaemonTap) reads them before and after its
// taps to count allocations and collections per tap. Unset, nothing is
// registered and SIGUSR1 keeps its default action.
const debugMetricsEnv = "TINY_DFR_DEBUG_METRICS"

// debugMetricNames are the counters logged, each as name=value.
var debugMetricNames = []string{
	"/gc/heap/allocs:objects",
	"/gc/heap/tiny/allocs:objects",
	"/gc/heap/allocs:bytes",
	"/gc/cycles/total:gc-cycles",
	"/gc/heap/live:bytes",
	"/memory/classes/total:bytes",
	"/sched/goroutines:goroutines",
}

// debugProfileEnv, when set to a path in the daemon's environment, makes
// each SIGUSR2 start a CPU profile (1 kHz) written to that path, and the
// next one stop it: the guest benchmark profiles the taps with it.
const debugProfileEnv = "TINY_DFR_DEBUG_CPUPROFILE"

// debugProfile starts the SIGUSR2 handler when getenv(debugProfileEnv) is
// set; the returned stop ends it (and a running profile).
func debugProfile(getenv func(string) string, log *slog.Logger) (stop func()) {
	path := getenv(debugProfileEnv)
	if path == "" {
		return func() {}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR2)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var f *os.File
		end := func() {
			if f != nil {
				pprof.StopCPUProfile()
				f.Close()
				f = nil
				log.Info("cpu profile written", "path", path)
			}
		}
		defer end()
		for {
			select {
			case <-quit:
				return
			case <-ch:
				if f != nil {
					end()
					continue
				}
				var err error
				if f, err = os.Create(path); err != nil {
					log.Warn("cpu profile", "err", err)
					continue
				}
				runtime.SetCPUProfileRate(1000)
				if err := pprof.StartCPUProfile(f); err != nil {
					log.Warn("cpu profile", "err", err)
				}
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(quit)
		<-done
	}
}

// touchTimes keeps, with debugMetricsEnv set, how long each touch frame
// took from the kernel's event to the reader (wake) and from there to its
// keys written (keys), in µs; each SIGUSR1 logs their quantiles and starts
// again. Bounded: the first len(wake) frames after a report.
type touchTimes struct {
	mu   sync.Mutex
	n    int
	wake [4096]int64
	keys [4096]int64
}

var debugTouches touchTimes

func (tt *touchTimes) record(event, read, keyed time.Time) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if tt.n < len(tt.wake) {
		tt.wake[tt.n] = read.Sub(event).Microseconds()
		tt.keys[tt.n] = keyed.Sub(read).Microseconds()
		tt.n++
	}
}

// report gives the quantiles as log arguments and starts again.
func (tt *touchTimes) report() []any {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	q := func(v []int64, p int) int64 {
		if len(v) == 0 {
			return 0
		}
		return v[(len(v)-1)*p/100]
	}
	w := slices.Clone(tt.wake[:tt.n])
	k := slices.Clone(tt.keys[:tt.n])
	slices.Sort(w)
	slices.Sort(k)
	n := tt.n
	tt.n = 0
	return []any{"frames", n, "wake-p50-µs", q(w, 50), "wake-p90-µs", q(w, 90), "keys-p50-µs", q(k, 50), "keys-p90-µs", q(k, 90)}
}

// debugTouchesEnv, set with debugMetricsEnv, adds the touch times to the
// SIGUSR1 report. Apart, so that the counters can be read of a daemon
// whose touch path is the shipped one (the probe reads the clock twice and
// takes a lock on every touch frame).
const debugTouchesEnv = "TINY_DFR_DEBUG_TOUCHTIMES"

// debugTouchProbe is the daemon's touch probe with debugMetricsEnv and
// debugTouchesEnv set; nil otherwise.
func debugTouchProbe(getenv func(string) string) func(event, read, keyed time.Time) {
	if getenv(debugMetricsEnv) == "" || getenv(debugTouchesEnv) == "" {
		return nil
	}
	return debugTouches.record
}

// debugMetrics starts the SIGUSR1 handler when getenv(debugMetricsEnv) is
// set; the returned stop ends it.
func debugMetrics(ctx context.Context, getenv func(string) string, log *slog.Logger) (stop func()) {
	if getenv(debugMetricsEnv) == "" {
		return func() {}
	}
	touches := getenv(debugTouchesEnv) != ""
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := make([]metrics.Sample, len(debugMetricNames))
		for i, n := range debugMetricNames {
			s[i].Name = n
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				metrics.Read(s)
				args := make([]any, 0, 2*len(s))
				for _, m := range s {
					var v any = "unsupported"
					switch m.Value.Kind() {
					case metrics.KindUint64:
						v = m.Value.Uint64()
					case metrics.KindFloat64:
						v = m.Value.Float64()
					}
					args = append(args, m.Name, v)
				}
				w, f := daemon.Counters()
				args = append(args, "/tiny-dfr/loop/wakeups", w, "/tiny-dfr/loop/frames", f)
				log.Info("runtime metrics", args...)
				if touches {
					log.Info("touch times", debugTouches.report()...)
				}
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		cancel()
		<-done
	}
}
