package main

import (
	"context"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	"tiny-dfr/internal/logging/loggingtest"
)

// With TINY_DFR_DEBUG_METRICS set, SIGUSR1 makes the daemon log the
// runtime's counters (what the guest benchmark reads).
func TestDebugMetricsOnSIGUSR1(t *testing.T) {
	var out loggingtest.Buffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	getenv := func(k string) string {
		if k == debugMetricsEnv {
			return "1"
		}
		return ""
	}
	stop := debugMetrics(context.Background(), getenv, log)
	defer stop()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	for range 500 {
		if strings.Contains(out.String(), "msg=\"runtime metrics\"") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	s := out.String()
	for _, n := range debugMetricNames {
		if !strings.Contains(s, n+"=") || strings.Contains(s, n+"=unsupported") {
			t.Errorf("log %q lacks %s", s, n)
		}
	}
}

// Unset, nothing is started: the stop is a no-op and SIGUSR1 would keep
// its default action (not sent here: it would end the test binary).
func TestDebugMetricsOffByDefault(t *testing.T) {
	var out loggingtest.Buffer
	stop := debugMetrics(context.Background(), func(string) string { return "" }, slog.New(slog.NewTextHandler(&out, nil)))
	stop()
	if out.String() != "" {
		t.Errorf("logged %q", out.String())
	}
}

// TestDebugTouchProbeOptIn: the counters alone leave the touch path as
// shipped; the probe needs its own variable too.
func TestDebugTouchProbeOptIn(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if debugTouchProbe(env(nil)) != nil {
		t.Error("probe without any variable")
	}
	if debugTouchProbe(env(map[string]string{debugMetricsEnv: "1"})) != nil {
		t.Error("probe with the counters only")
	}
	if debugTouchProbe(env(map[string]string{debugMetricsEnv: "1", debugTouchesEnv: "1"})) == nil {
		t.Error("no probe with both variables")
	}
}
