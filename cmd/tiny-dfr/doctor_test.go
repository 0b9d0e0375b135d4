package main

import (
	"strings"
	"testing"
)

// doctor on an empty fake system: exit 0, every section, nothing fails.
func TestDoctorFakeRoots(t *testing.T) {
	d := t.TempDir()
	code, out, stderr := runCmd(t, "doctor", "--dev", d+"/dev", "--sys", d+"/sys", "--root", d,
		"--config", d+"/none.toml", "--base-config", d+"/none-base.toml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"== tiny-dfr doctor", "== DRM cards (" + d + "/dev/dri)", "== input devices (" + d + "/dev/input",
		"== backlights (" + d + "/sys/class/backlight)", "== configs", "== service user", "== what the daemon would do", "version: " + version} {
		if !strings.Contains(out, s) {
			t.Errorf("no %q in\n%s", s, out)
		}
	}
}
