package main

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"strings"
	"testing"
)

func TestLogLevelFlagAndEnv(t *testing.T) {
	for _, c := range []struct {
		env, flag string
		want      slog.Level
	}{
		{"", "", slog.LevelInfo},
		{"debug", "", slog.LevelDebug},
		{"", "warn", slog.LevelWarn},
		{"loud", "debug", slog.LevelDebug}, // the flag wins, even over a bad variable
		{"error", "info", slog.LevelInfo},
	} {
		t.Setenv("TINY_DFR_LOG_LEVEL", c.env)
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		var b bytes.Buffer
		mk := logFlag(fs, &b)
		args := []string{}
		if c.flag != "" {
			args = append(args, "--log-level", c.flag)
		}
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		log, err := mk()
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		ctx := context.Background()
		if !log.Enabled(ctx, c.want) || log.Enabled(ctx, c.want-1) {
			t.Errorf("env %q flag %q: not at level %v", c.env, c.flag, c.want)
		}
		log.Info("x")
		if s := b.String(); s != "" && strings.HasPrefix(s, "<") {
			t.Errorf("journal lines on a buffer: %q", s)
		}
	}
}

func TestLogLevelBad(t *testing.T) {
	t.Setenv("TINY_DFR_LOG_LEVEL", "")
	code, _, stderr := runCmd(t, "daemon", "--log-level", "loud")
	if code != 2 || !strings.Contains(stderr, "--log-level") || !strings.Contains(stderr, "debug, info, warn or error") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	t.Setenv("TINY_DFR_LOG_LEVEL", "loud")
	code, _, stderr = runCmd(t, "daemon")
	if code != 2 || !strings.Contains(stderr, "TINY_DFR_LOG_LEVEL") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
