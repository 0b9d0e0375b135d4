package input

import (
	"os"
	"slices"
	"testing"
)

// openFDs lists this process's open fds with what they point to.
func openFDs(t testing.TB) []string {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var fds []string
	for _, e := range ents {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue // the fd ReadDir itself used
		}
		if target == "anon_inode:[eventpoll]" || target == "anon_inode:[eventfd]" {
			continue // the runtime's poller, made on first use
		}
		fds = append(fds, e.Name()+" -> "+target)
	}
	slices.Sort(fds)
	return fds
}

// checkNoLeak fails t if fds opened since before are still open.
func checkNoLeak(t testing.TB, before []string) {
	t.Helper()
	for _, fd := range openFDs(t) {
		if !slices.Contains(before, fd) {
			t.Errorf("fd leaked: %s", fd)
		}
	}
}
