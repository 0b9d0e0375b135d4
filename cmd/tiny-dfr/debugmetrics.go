package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"runtime/metrics"
	"syscall"
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

// debugMetrics starts the SIGUSR1 handler when getenv(debugMetricsEnv) is
// set; the returned stop ends it.
func debugMetrics(ctx context.Context, getenv func(string) string, log *slog.Logger) (stop func()) {
	if getenv(debugMetricsEnv) == "" {
		return func() {}
	}
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
				log.Info("runtime metrics", args...)
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		cancel()
		<-done
	}
}
