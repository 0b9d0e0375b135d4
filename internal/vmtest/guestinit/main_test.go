package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"tiny-dfr/internal/vmtest/plan"
)

func TestExecuteExitCodes(t *testing.T) {
	for _, c := range []struct {
		run  plan.Run
		want int
	}{
		{plan.Run{Name: "ok", Path: "/bin/sh", Args: []string{"-c", "exit 0"}}, 0},
		{plan.Run{Name: "three", Path: "/bin/sh", Args: []string{"-c", "exit 3"}}, 3},
		{plan.Run{Name: "signal", Path: "/bin/sh", Args: []string{"-c", "kill -9 $$"}}, 128},
		{plan.Run{Name: "missing", Path: "/nonexistent/x.test"}, 127},
		{plan.Run{Name: "dir", Path: "/bin/sh", Args: []string{"-c", `test "$PWD" = /`}, Dir: "/"}, 0},
	} {
		if _, err := os.Stat("/bin/sh"); err != nil {
			t.Skip(err)
		}
		if got := execute(c.run); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.run.Name, got, c.want)
		}
	}
}

func TestWaitFor(t *testing.T) {
	p := filepath.Join(t.TempDir(), "card0")
	go func() {
		time.Sleep(20 * time.Millisecond)
		os.WriteFile(p, nil, 0o644)
	}()
	waitFor([]string{p}, time.Minute)
	if _, err := os.Stat(p); err != nil {
		t.Errorf("waitFor returned before %s appeared: %v", p, err)
	}
}
