package drm

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// contextSwitches sums the voluntary and involuntary context switches of
// every thread of this process.
func contextSwitches(t *testing.T) int {
	t.Helper()
	tasks, _ := filepath.Glob("/proc/self/task/*/status")
	n := 0
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the thread ended
		}
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.HasSuffix(k, "ctxt_switches") {
				c, _ := strconv.Atoi(strings.TrimSpace(v))
				n += c
			}
		}
	}
	return n
}

// TestVMPresentKeepsItsThread: during a present's DIRTYFB the goroutine
// keeps its P, so the runtime does not hand the P to another thread (and
// park that thread again) as it does for a syscall that blocks: a present
// costs the process the kernel's own wait for the host, not several
// context switches more. Measured in the guest (1 CPU): 9.2 per
// present through the scheduler's syscall path, 1.0 without it.
func TestVMPresentKeepsItsThread(t *testing.T) {
	d := guestDisplay(t)
	length, height := d.Size()
	f, _ := scene(length, height, 2) // one button's damage
	if err := d.Present(f); err != nil {
		t.Fatal(err)
	}
	const presents = 100
	c0 := contextSwitches(t)
	for range presents {
		if err := d.Present(f); err != nil {
			t.Fatal(err)
		}
	}
	per := float64(contextSwitches(t)-c0) / presents
	fmt.Printf("MEASURE %.1f context switches per one-button present (process)\n", per)
	if per > 3 {
		t.Errorf("%.1f context switches per present: the present's ioctl went through the scheduler's blocking-syscall path", per)
	}
}
