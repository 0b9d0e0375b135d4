package privs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

const (
	childEnv  = "PRIVS_TEST_CHILD"
	credsEnv  = "PRIVS_TEST_CREDS" // "uid gid group,group"; default nobody, 44 and 105
	defCreds  = "65534 65534 44,105"
	childTest = "^TestDropReal$"
)

// TestDropReal drops root in a child process (the test binary re-run) and
// reads the result from /proc/self/status.
func TestDropReal(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		c, err := parseCreds(os.Getenv(credsEnv))
		if err != nil {
			os.Stdout.WriteString("ERROR " + err.Error() + "\n")
			os.Exit(3)
		}
		if err := Drop(c); err != nil {
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
	dropInChild(t, defCreds)
}

// parseCreds reads "uid gid group,group".
func parseCreds(s string) (Creds, error) {
	if s == "" {
		s = defCreds
	}
	var c Creds
	var groups string
	if _, err := fmt.Sscanf(s, "%d %d %s", &c.UID, &c.GID, &groups); err != nil {
		return c, fmt.Errorf("creds %q: %w", s, err)
	}
	for _, g := range strings.Split(groups, ",") {
		n, err := strconv.Atoi(g)
		if err != nil {
			return c, fmt.Errorf("creds %q: %w", s, err)
		}
		c.Groups = append(c.Groups, n)
	}
	return c, nil
}

// dropInChild has a child process drop to creds ("uid gid group,group")
// and checks every thread's /proc status.
func dropInChild(t *testing.T, creds string) {
	t.Helper()
	c, err := parseCreds(creds)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run="+childTest)
	cmd.Env = append(os.Environ(), childEnv+"=1", credsEnv+"="+creds)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	groups := slices.Clone(c.Groups)
	slices.Sort(groups)
	gs := make([]string, len(groups))
	for i, g := range groups {
		gs[i] = strconv.Itoa(g)
	}
	ids := func(n int) string { return strings.Repeat(strconv.Itoa(n)+" ", 3) + strconv.Itoa(n) }
	want := map[string]string{
		"Uid": ids(c.UID), "Gid": ids(c.GID),
		"Groups": strings.Join(gs, " "), "CapEff": "0000000000000000", "CapPrm": "0000000000000000",
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
