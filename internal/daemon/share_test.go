package daemon

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The install files are part of the behaviour: check what the spec asks of
// them.
func TestSystemdUnit(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../share/systemd/tiny-dfr.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{
		"ExecStart=@BINDIR@/tiny-dfr\n", "Restart=always\n", "NoNewPrivileges=yes\n", "ProtectSystem=strict\n",
		"ProtectHome=yes\n", "PrivateTmp=yes\n", "PrivateIPC=yes\n", "ProtectKernelTunables=yes\n",
		"ProtectKernelModules=yes\n", "ProtectKernelLogs=yes\n", "ProtectControlGroups=yes\n",
		"RestrictAddressFamilies=AF_UNIX AF_NETLINK\n", "RestrictNamespaces=yes\n", "RestrictSUIDSGID=yes\n",
		"Type=notify\n", "NotifyAccess=main\n", "WatchdogSec=60s\n", "MemoryMax=128M\n",
		"ExecReload=+/bin/kill -HUP $MAINPID\n", "CapabilityBoundingSet=CAP_SETUID CAP_SETGID\n", "DevicePolicy=closed\n",
		"DeviceAllow=char-drm rw\n", "DeviceAllow=char-input rw\n", "DeviceAllow=/dev/uinput rw\n", "ProtectClock=yes\n",
		"ProtectHostname=yes\n", "MemoryDenyWriteExecute=yes\n", "UMask=0077\n", "SystemCallFilter=@system-service\n",
		"RuntimeDirectory=tiny-dfr\n", "RuntimeDirectoryMode=0755\n",
	} {
		if !strings.Contains(unit, "\n"+want) {
			t.Errorf("unit lacks %q", strings.TrimSpace(want))
		}
	}
	for _, bad := range []string{"[Install]", "BindsTo=", "WantedBy=", "After=systemd-udev-settle", "Requires=systemd-udev-settle"} {
		if regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(bad)).MatchString(unit) {
			t.Errorf("unit has %q", bad)
		}
	}
}

func TestUdevRules(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../share/udev/72-tiny-dfr.rules")
	if err != nil {
		t.Fatal(err)
	}
	var card, digitizer, t2 bool
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		switch {
		case strings.Contains(l, `SUBSYSTEM=="drm"`):
			card = strings.Contains(l, `DRIVERS=="adp|appletbdrm"`) && strings.Contains(l, `ENV{ID_SEAT}="seat-touchbar"`) &&
				strings.Contains(l, `TAG-="master-of-seat"`)
		case strings.Contains(l, `SYSTEMD_WANTS}+="tiny-dfr.service"`):
			digitizer = strings.Contains(l, `ENV{SYSTEMD_WANTS}+="tiny-dfr.service"`) && strings.Contains(l, `ENV{ID_SEAT}="seat-touchbar"`) &&
				strings.Contains(l, "Apple Inc. Touch Bar Display Touchpad") && strings.Contains(l, "MacBookPro17,1 Touch Bar") &&
				strings.Contains(l, "Mac14,7 Touch Bar")
		case strings.Contains(l, `"8302"`):
			t2 = strings.Contains(l, `ATTR{idVendor}=="05ac"`) && strings.Contains(l, `ATTR{bConfigurationValue}="2"`)
		}
	}
	// NixOS has no /bin/chgrp: no program by absolute path.
	if regexp.MustCompile(`(?m)^[^#].*RUN\+?=`).Match(b) {
		t.Errorf("rules run a program (absolute paths differ between distributions)")
	}
	if !card || !digitizer || !t2 {
		t.Errorf("rules: card %v, digitizer+autostart %v, T2 configuration %v", card, digitizer, t2)
	}
}

// TestUnitAnalyze installs the unit as make install does and checks it
// with systemd's own tools: "systemd-analyze verify" passes and the
// sandbox's exposure ("systemd-analyze security --offline=yes") is at most
// 3.0. Skipped without systemd-analyze, except under CI=true.
func TestUnitAnalyze(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-analyze missing under CI=true")
		}
		t.Skip("no systemd-analyze")
	}
	dest := t.TempDir()
	repo, _ := filepath.Abs("../..")
	// A binary for ExecStart= to point at (verify checks it is executable):
	// a copy of this test binary stands in for tiny-dfr.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dest, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	selfb, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "tiny-dfr"), selfb, 0o755); err != nil {
		t.Fatal(err)
	}
	units := filepath.Join(dest, "units")
	if err := os.MkdirAll(units, 0o755); err != nil {
		t.Fatal(err)
	}
	// The same substitution as the Makefile's install target.
	for _, name := range []string{"tiny-dfr.service", "tiny-dfr-backlight@.service"} {
		b, err := os.ReadFile(filepath.Join(repo, "share/systemd", name))
		if err != nil {
			t.Fatal(err)
		}
		b = []byte(strings.ReplaceAll(string(b), "@BINDIR@", bin))
		if err := os.WriteFile(filepath.Join(units, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Documentation=man:tiny-dfr(1) is checked with man(1) when the page
	// is in the tree (docs/man or a built copy); else verify skips pages.
	args := []string{"verify"}
	env := os.Environ()
	if pages := manPages(repo); pages != "" {
		env = append(env, "MANPATH="+pages)
	} else {
		t.Log("tiny-dfr(1) not found in the tree: systemd-analyze verify --man=no")
		args = append(args, "--man=no")
	}
	for _, unit := range []string{"tiny-dfr.service", "tiny-dfr-backlight@backlight0.service"} {
		path := filepath.Join(units, unit)
		if strings.Contains(unit, "@backlight0") {
			// verify wants an instance: link one to the template.
			if err := os.Symlink(filepath.Join(units, "tiny-dfr-backlight@.service"), path); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(sa, append(args, path)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		// systemd < 254 does not know RestartSteps= and RestartMaxDelaySec=:
		// a warning, not a failure (the exit status says).
		if err != nil {
			t.Errorf("systemd-analyze verify %s: %v\n%s", unit, err, out)
		}
	}
	out, err := exec.Command(sa, "security", "--offline=yes", "--no-pager", filepath.Join(units, "tiny-dfr.service")).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for tiny-dfr.service: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in:\n%s", out)
	}
	level, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil || level > 3.0 {
		t.Errorf("exposure %s (want ≤ 3.0):\n%s", m[1], out)
	}
	t.Logf("systemd-analyze security: exposure %.1f", level)
}

// manPages returns a directory holding man1/tiny-dfr.1 in the tree, or "".
func manPages(repo string) string {
	for _, dir := range []string{"docs/man", "man", "share/man", "build/man"} {
		d := filepath.Join(repo, dir)
		if _, err := os.Stat(filepath.Join(d, "man1", "tiny-dfr.1")); err == nil {
			return d
		}
	}
	return ""
}
