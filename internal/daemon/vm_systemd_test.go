package daemon

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
	"tiny-dfr/internal/vmtest/kit"
)

// The install files under real systemd and udev: the guest boots Debian's
// systemd as PID 1 (the guest's /init hands over to it) with
// systemd-udevd, the unit, udev rules and sysusers file as make install
// puts them, and the real daemon binary in /usr/bin.
//
// systemd and its libraries come from this machine (the systemd package),
// udevd and udevadm from Debian's udev package unpacked into the kit
// (.ci/setup-vm: $TINYDFR_KIT/udev), the same release as systemd.

// systemdHostFiles are the programs systemd needs in the guest (guest path
// → host path), with every shared library they load.
func systemdHostFiles(udevRoot string) (map[string]string, error) {
	progs := map[string]string{
		"/lib/systemd/systemd":          "/lib/systemd/systemd",
		"/bin/systemctl":                "/bin/systemctl",
		"/bin/systemd-sysusers":         "/bin/systemd-sysusers",
		"/bin/kill":                     "/bin/kill",
		"/lib/systemd/systemd-journald": "/lib/systemd/systemd-journald",
		"/bin/journalctl":               "/bin/journalctl",
		"/lib/systemd/systemd-udevd":    filepath.Join(udevRoot, "bin/udevadm"),
		"/bin/udevadm":                  filepath.Join(udevRoot, "bin/udevadm"),
	}
	files := map[string]string{}
	var add func(guest, host string) error
	add = func(guest, host string) error {
		if _, ok := files[guest]; ok {
			return nil
		}
		real, err := filepath.EvalSymlinks(host)
		if err != nil {
			return err
		}
		files[guest] = real
		f, err := elf.Open(real)
		if err != nil {
			return nil // not ELF (a unit, a script)
		}
		defer f.Close()
		libs, _ := f.ImportedLibraries()
		runpath, _ := f.DynString(elf.DT_RUNPATH)
		rpath, _ := f.DynString(elf.DT_RPATH)
		// systemd's private libraries sit together in one directory.
		dirs := append(append(runpath, rpath...), filepath.Dir(real), "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu")
		for _, l := range libs {
			found := false
			for _, d := range dirs {
				for _, dd := range strings.Split(d, ":") {
					p := filepath.Join(strings.ReplaceAll(dd, "$ORIGIN", filepath.Dir(real)), l)
					if _, err := os.Stat(p); err == nil {
						if err := add(p, p); err != nil {
							return err
						}
						found = true
						break
					}
				}
				if found {
					break
				}
			}
			if !found {
				return fmt.Errorf("%s needs %s: not found", host, l)
			}
		}
		return nil
	}
	for guest, host := range progs {
		if err := add(guest, host); err != nil {
			return nil, err
		}
	}
	if err := add("/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2"); err != nil {
		return nil, err
	}
	// The units systemd needs for the unit's default dependencies, udevd
	// and sysusers; the udev rules tiny-dfr's work with.
	for _, u := range []string{"sysinit.target", "basic.target", "sockets.target", "paths.target", "timers.target",
		"slices.target", "local-fs.target", "swap.target", "shutdown.target", "systemd-sysusers.service",
		"systemd-journald.service", "systemd-journald.socket", "systemd-journald-dev-log.socket", "systemd-journald-audit.socket"} {
		files["/lib/systemd/system/"+u] = "/lib/systemd/system/" + u
	}
	for _, u := range []string{"systemd-udevd.service", "systemd-udevd-control.socket", "systemd-udevd-kernel.socket"} {
		files["/lib/systemd/system/"+u] = filepath.Join(udevRoot, "lib/systemd/system", u)
	}
	for _, r := range []string{"50-udev-default.rules"} {
		files["/lib/udev/rules.d/"+r] = filepath.Join(udevRoot, "lib/udev/rules.d", r)
	}
	for _, r := range []string{"71-seat.rules", "73-seat-late.rules", "99-systemd.rules"} {
		files["/lib/udev/rules.d/"+r] = "/lib/udev/rules.d/" + r
	}
	for _, p := range files {
		if _, err := os.Stat(p); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// reloadHandled says whether the daemon handles SIGHUP (a reload) yet:
// "systemctl reload" is checked once it does.
func reloadHandled(t *testing.T) bool {
	for _, dir := range []string{".", "../../cmd/tiny-dfr"} {
		fs, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range fs {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), "SIGHUP") {
				return true
			}
		}
	}
	t.Log("the daemon does not handle SIGHUP yet: systemctl reload not checked")
	return false
}

func TestDaemonSystemdVM(t *testing.T) {
	if testing.Short() {
		t.Skip("guest run in -short mode")
	}
	udevRoot := filepath.Join(kit.DefaultDir(), "udev")
	host, err := systemdHostFiles(udevRoot)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("systemd guest files: %v (.ci/setup-vm unpacks udev into the kit)", err)
		}
		t.Skipf("systemd guest files: %v (sudo .ci/setup-vm)", err)
	}
	unit, err := os.ReadFile("../../share/systemd/tiny-dfr.service")
	if err != nil {
		t.Fatal(err)
	}
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	files := map[string][]byte{
		// As make install PREFIX=/usr puts them.
		"/usr/lib/systemd/system/tiny-dfr.service":            []byte(strings.ReplaceAll(string(unit), "@BINDIR@", "/usr/bin")),
		"/usr/lib/systemd/system/tiny-dfr-backlight@.service": read("../../share/systemd/tiny-dfr-backlight@.service"),
		"/usr/lib/udev/rules.d/72-tiny-dfr.rules":             read("../../share/udev/72-tiny-dfr.rules"),
		"/usr/lib/sysusers.d/tiny-dfr.conf":                   read("../../share/sysusers.d/tiny-dfr.conf"),
		"/usr/share/tiny-dfr/config.toml":                     read("../../internal/assets/config.toml"),
		"/etc/tiny-dfr/config.toml":                           []byte(threeButtons),
		// No tiny-dfr: systemd-sysusers creates it from the sysusers file.
		"/etc/passwd": []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"),
		"/etc/group": []byte(fmt.Sprintf("root:x:0:\nvideo:x:%d:\ninput:x:%d:\nnogroup:x:65534:\n",
			guestVideoGID, guestInputGID)),
		"/etc/machine-id": []byte("a1b2c3d4e5f60718293a4b5c6d7e8f90\n"),
		"/etc/os-release": read("/etc/os-release"),
		// What the guest boots into: udevd, the users, and the test run.
		"/etc/systemd/system/vmtest.target": []byte("[Unit]\nDescription=vmtest\nAllowIsolate=yes\n" +
			"Wants=systemd-journald.service systemd-udevd.service systemd-sysusers.service\nRequires=vmtest.service\n"),
		"/etc/systemd/system/vmtest.service": []byte("[Unit]\nDescription=vmtest runs\nDefaultDependencies=no\n" +
			"Requires=systemd-udevd.service\nAfter=systemd-journald.service systemd-udevd.service systemd-sysusers.service\n" +
			"[Service]\nExecStart=/init\nStandardInput=tty\nStandardOutput=tty\nStandardError=tty\n" +
			"TTYPath=/dev/console\nTTYReset=no\nTTYVHangup=no\n"),
	}
	vmtest.Run(t, vmtest.Config{
		Packages:  []string{"."},
		Run:       "^TestVMSystemdUnit$",
		Env:       map[string]string{"DAEMON_SYSTEMD": "1", "DAEMON_RELOAD": fmt.Sprint(reloadHandled(t))},
		Binaries:  map[string]string{"/usr/bin/tiny-dfr": "tiny-dfr/cmd/tiny-dfr"},
		Files:     files,
		HostFiles: host,
		Init:      []string{"/lib/systemd/systemd"},
		Cmdline: []string{"systemd.unit=vmtest.target", "systemd.show_status=0", "systemd.log_level=notice",
			"systemd.log_target=console"},
		ModuleParams: map[string]string{"drm_kms_helper": "fbdev_emulation=0"},
		Memory:       1024,
		Timeout:      5 * time.Minute,
		OnAsk:        answerScreen,
	})
}

// systemctl runs systemctl with args and returns its output.
func systemctl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command("/bin/systemctl", args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// unitProps reads properties of tiny-dfr.service.
func unitProps(t *testing.T) map[string]string {
	t.Helper()
	out, err := systemctl(t, "show", "-p", "ActiveState,SubState,MainPID,StatusText,Result,NRestarts", "tiny-dfr.service")
	if err != nil {
		t.Fatalf("systemctl show: %v: %s", err, out)
	}
	props := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(l, "=")
		props[k] = v
	}
	return props
}

// waitUnit waits until ok holds for the unit's properties.
func waitUnit(t *testing.T, what string, ok func(map[string]string) bool) map[string]string {
	t.Helper()
	var p map[string]string
	for range 600 {
		if p = unitProps(t); ok(p) {
			return p
		}
		time.Sleep(100 * time.Millisecond)
	}
	st, _ := systemctl(t, "status", "--no-pager", "tiny-dfr.service")
	j, _ := exec.Command("/bin/journalctl", "--no-pager", "-n", "40", "-u", "tiny-dfr.service").CombinedOutput()
	t.Fatalf("%s: unit %v\n%s\n%s", what, p, st, j)
	return nil
}

func TestVMSystemdUnit(t *testing.T) {
	vmtest.GuestOnly(t)
	if os.Getenv("DAEMON_SYSTEMD") != "1" {
		t.Skip("runs under systemd (TestDaemonSystemdVM)")
	}
	g := newGeometry(t)
	t.Cleanup(func() {
		if t.Failed() {
			st, _ := systemctl(t, "status", "--no-pager", "tiny-dfr.service")
			j, _ := exec.Command("/bin/journalctl", "--no-pager", "-n", "60", "-u", "tiny-dfr.service").CombinedOutput()
			t.Logf("%s\n%s", st, j)
		}
	})
	if b, err := os.ReadFile("/proc/1/comm"); err != nil || strings.TrimSpace(string(b)) != "systemd" {
		t.Fatalf("PID 1 is %q, not systemd", b)
	}
	if out, err := systemctl(t, "is-active", "systemd-udevd.service"); out != "active" {
		t.Fatalf("systemd-udevd: %s %v", out, err)
	}
	// systemd-sysusers made the user from the sysusers file.
	if !regexp.MustCompile(`(?m)^tiny-dfr:x:\d+:\d+:`).MatchString(readFile(t, "/etc/passwd")) {
		t.Fatalf("no user tiny-dfr after systemd-sysusers:\n%s", readFile(t, "/etc/passwd"))
	}
	if p := unitProps(t); p["ActiveState"] == "active" {
		t.Fatalf("tiny-dfr runs before any Touch Bar appeared: %v", p)
	}

	// The Touch Bar appears: the rule's SYSTEMD_WANTS starts the unit.
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, int32(g.length), barHeight, 4))
	defer dig.Close()
	p := waitUnit(t, "started by udev and drawn", func(p map[string]string) bool {
		return p["ActiveState"] == "active" && p["StatusText"] == "running"
	})
	pid := p["MainPID"]
	t.Logf("tiny-dfr.service: %v", p)
	lay := g.layout(t, "/etc/tiny-dfr/config.toml")
	n := len(lay.Layers[0].Buttons)
	waitScreen(t, "the bar drawn by the sandboxed daemon", func(s screen) bool { return s.runs == n && s.red == 0 })
	mainPID, err := strconv.Atoi(pid)
	if err != nil {
		t.Fatalf("MainPID %q", pid)
	}
	st := procStatus(t, mainPID)
	// The sandbox is on: the unit's seccomp filter, no_new_privs, a bounding
	// set of CAP_SETUID and CAP_SETGID only; root dropped to the user that
	// systemd-sysusers made.
	m := regexp.MustCompile(`(?m)^tiny-dfr:x:(\d+):`).FindStringSubmatch(readFile(t, "/etc/passwd"))
	want := map[string]string{"Seccomp": "2", "NoNewPrivs": "1", "CapBnd": "00000000000000c0",
		"CapEff": "0000000000000000", "CapPrm": "0000000000000000", "Uid": strings.Repeat(m[1]+" ", 3) + m[1]}
	for k, w := range want {
		if st[k] != w {
			t.Errorf("daemon's %s: %q, want %q", k, st[k], w)
		}
	}

	kb := openVirtualKeyboard(t)
	defer kb.d.Close()
	for i := range lay.Layers[0].Buttons {
		g.tapButton(t, dig, kb, lay, 0, i)
	}

	if os.Getenv("DAEMON_RELOAD") == "true" {
		if out, err := systemctl(t, "reload", "tiny-dfr.service"); err != nil {
			t.Fatalf("systemctl reload: %v: %s", err, out)
		}
		time.Sleep(time.Second)
		if p := unitProps(t); p["ActiveState"] != "active" || p["MainPID"] != pid {
			t.Errorf("after reload: %v (MainPID was %s)", p, pid)
		}
		g.tapButton(t, dig, kb, lay, 0, 0)
	}

	// A finger held on a key, then the service stops: the key goes up.
	x, y := centre(lay, 0, n-1)
	g.touch(t, dig, x, y)
	down := kb.next(t, 20*time.Second)
	if !strings.HasPrefix(down, "+") {
		t.Fatalf("holding the last button: key event %q", down)
	}
	// --no-block: the release must be read while the virtual keyboard
	// still exists (the kernel drops a removed device's unread events;
	// the daemon keeps it a moment after the releases).
	if out, err := systemctl(t, "--no-block", "stop", "tiny-dfr.service"); err != nil {
		t.Fatalf("systemctl stop: %v: %s", err, out)
	}
	if up := kb.next(t, 10*time.Second); up != "-"+down[1:] {
		t.Errorf("after systemctl stop: key event %q, want %q", up, "-"+down[1:])
	}
	if len(kb.down) != 0 {
		t.Errorf("keys left down after stop: %v", kb.down)
	}
	waitUnit(t, "stopped cleanly", func(p map[string]string) bool {
		return p["ActiveState"] == "inactive" && p["Result"] == "success"
	})
}
