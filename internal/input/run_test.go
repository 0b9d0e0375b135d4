package input

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Run on a directory without devices: an event* file that is no device
// is skipped, and cancelling returns nil.
func TestRunStopsOnCancel(t *testing.T) { // not parallel: counts fds
	before := openFDs(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "event0"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan Event)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Options{Dir: dir}, out) }()
	// A node appearing later is tried too (and skipped: not a device).
	if err := os.WriteFile(filepath.Join(dir, "event1"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
	checkNoLeak(t, before)
}

func TestRunMissingDir(t *testing.T) {
	t.Parallel()
	err := Run(context.Background(), Options{Dir: filepath.Join(t.TempDir(), "nope")}, make(chan Event))
	if err == nil {
		t.Error("Run on a missing directory succeeded")
	}
}

func TestRunDirRemovedIsFatal(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "input")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), Options{Dir: dir}, make(chan Event)) }()
	os.Remove(dir) // before or after Run watches it: either way an error
	if err := <-done; err == nil {
		t.Error("Run returned nil without cancel")
	}
}
