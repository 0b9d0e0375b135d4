package daemon

import (
	"fmt"
	"os/exec"
	"regexp"
	"syscall"
	"testing"

	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// TestVMDoctor (guest, booted by TestDaemonVM after TestVMDaemon): the real
// binary's `doctor` with a fake Touch Bar digitizer and the virtio-gpu card
// names both as what the daemon would use; run as nobody, it says what it
// cannot see and still succeeds.
func TestVMDoctor(t *testing.T) {
	vmtest.GuestOnly(t)
	g := newGeometry(t)
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, int32(g.length), barHeight, 4))
	defer dig.Close()
	rootOnlyNodes(t)
	args := []string{"doctor", "--config", "/nonexistent/config.toml", "--base-config", "/nonexistent/base.toml"}

	out, err := exec.Command("/bin/tiny-dfr", args...).CombinedOutput()
	fmt.Printf("doctor as root:\n%s", out)
	if err != nil {
		t.Fatalf("doctor as root: %v", err)
	}
	s := string(out)
	for _, re := range []string{
		`(?m)^/dev/dri/card\d+: \d+ connectors  ← looks like a Touch Bar$`,
		fmt.Sprintf(`(?m)^  connector \d+ \w+ connected: .*\b%dx%d@\d+\*.*← portrait strip$`, barHeight, g.length),
		`(?m)^event\d+ "` + regexp.QuoteMeta(uinput.DigitizerT2) + `" id [0-9a-f:]+ caps \[.*multitouch.*\]: followed as digitizer; this user can open it$`,
		fmt.Sprintf(`(?m)^display: /dev/dri/card\d+ connector \d+ \(\w+\), %dx%d: a bar %d long$`, barHeight, g.length, g.length),
		`(?m)^digitizer: /dev/input/event\d+ "` + regexp.QuoteMeta(uinput.DigitizerT2) + `"$`,
	} {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("no line matching %s", re)
		}
	}

	// As nobody: the root-only nodes are not seen, and it says so.
	cmd := exec.Command("/bin/tiny-dfr", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	cmd.Dir = "/"
	out, err = cmd.CombinedOutput()
	fmt.Printf("doctor as nobody:\n%s", out)
	if err != nil {
		t.Fatalf("doctor as nobody: %v", err)
	}
	s = string(out)
	for _, want := range []string{`(?m)^/dev/dri/card\d+: cannot see: open: permission denied`, `this user cannot open it: cannot see:`,
		`display: unknown: 1 card\(s\) could not be looked at`, `running as: uid 65534`} {
		if !regexp.MustCompile(want).MatchString(s) {
			t.Errorf("as nobody: no %q", want)
		}
	}
}
