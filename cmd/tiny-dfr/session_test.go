package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/logging/loggingtest"
)

// The companion keeps retrying without a daemon and exits 0 when stopped
// (SIGTERM from systemd at the end of the session).
func TestSessionStopsCleanly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	var errb loggingtest.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"session", "-socket", filepath.Join(t.TempDir(), "none.sock")}, &out, &errb)
	}()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(errb.String(), "retrying"); {
		if time.Now().After(deadline) {
			t.Fatalf("the companion does not say it retries: %q", errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the companion did not stop")
	}
}
