package privs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const childEnv = "PRIVS_TEST_CHILD"

// TestDropReal drops root in a child process (the test binary re-run) and
// reads the result from /proc/self/status.
func TestDropReal(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		if err := Drop(Creds{UID: 65534, GID: 65534, Groups: []int{44, 105}}); err != nil {
			os.Stdout.WriteString("ERROR " + err.Error() + "\n")
			os.Exit(3)
		}
		// With cgo (-race) no_new_privs reaches only this thread.
		if _, _, e := syscall.AllThreadsSyscall(syscall.SYS_GETPID, 0, 0, 0); e == syscall.ENOTSUP {
			os.Stdout.WriteString("CGO: no all-threads syscalls\n")
		}
		// Every thread must have dropped, not only this one.
		tasks, _ := filepath.Glob("/proc/self/task/*/status")
		for _, p := range tasks {
			b, _ := os.ReadFile(p)
			os.Stdout.Write(b)
		}
		os.Exit(0)
	}
	if os.Getuid() != 0 {
		t.Skip("not root: cannot drop")
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDropReal$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	want := map[string]string{
		"Uid": "65534 65534 65534 65534", "Gid": "65534 65534 65534 65534",
		"Groups": "44 105", "CapEff": "0000000000000000", "CapPrm": "0000000000000000",
		"NoNewPrivs": "1",
	}
	if strings.Contains(string(out), "CGO: no all-threads syscalls") {
		delete(want, "NoNewPrivs") // per thread only; systemd's NoNewPrivileges covers it
	}
	seen := 0
	for _, l := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		if k == "Uid" {
			seen++
		}
		if w, ok := want[k]; ok && strings.Join(strings.Fields(v), " ") != w {
			t.Errorf("thread %d %s: %q, want %q", seen, k, v, w)
		}
	}
	if seen < 2 {
		t.Errorf("saw %d threads, want several", seen)
	}
}
