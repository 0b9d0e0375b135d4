package daemon

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/vmtest"
)

// Guest end to end for the pieces that may be missing or late: /dev/uinput
// that appears after the daemon started, SIGTERM during that wait, and the
// systemd notifications of the real binary after it dropped root.

func TestDaemonVMMissingPieces(t *testing.T) {
	if testing.Short() {
		t.Skip("guest run in -short mode")
	}
	res := vmtest.Run(t, vmtest.Config{
		Packages: []string{"."},
		Run:      "^TestVMMissing",
		Binaries: map[string]string{"/bin/tiny-dfr": "tiny-dfr/cmd/tiny-dfr"},
		Files: map[string][]byte{
			"/etc/passwd": []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
			"/etc/group": []byte(fmt.Sprintf("root:x:0:\nvideo:x:%d:\ninput:x:%d:\nnogroup:x:65534:\n",
				guestVideoGID, guestInputGID)),
		},
		ModuleParams: map[string]string{"drm_kms_helper": "fbdev_emulation=0"},
		Timeout:      3 * time.Minute,
	})
	t.Logf("guest boot %v, whole run %v", res.Boot, res.Total)
}

// missingArgs runs the daemon on the guest's devices with a private
// config and backlight.
func missingArgs(t *testing.T, extra ...string) []string {
	t.Helper()
	bl := "/tmp/missing/backlight/appletb_backlight"
	os.MkdirAll(bl, 0o755)
	os.WriteFile(bl+"/max_brightness", []byte("255\n"), 0o644)
	os.WriteFile(bl+"/brightness", []byte("0\n"), 0o644)
	os.MkdirAll("/tmp/missing/etc", 0o755)
	setNodeGroups(t)
	return append([]string{"-config", "/tmp/missing/etc/config.toml", "-base-config", "/nonexistent/config.toml",
		"-backlight", "/tmp/missing/backlight", "-power-supply", "/tmp/no-power-supply"}, extra...)
}

const uinputWait = ": load the uinput module (modprobe uinput)"

func TestVMMissingUinputAppearsLater(t *testing.T) {
	vmtest.GuestOnly(t)
	node := "/tmp/missing/dev/uinput"
	os.MkdirAll("/tmp/missing/dev", 0o755)
	os.Remove(node)
	p := startDaemon(t, missingArgs(t, "-uinput", node)...)
	p.waitLog(t, "waiting for "+node+uinputWait)
	time.Sleep(2500 * time.Millisecond) // a few retries: still one line
	// The module loads: the node appears (as devtmpfs would make it).
	if err := unix.Mknod(node, unix.S_IFCHR|0o600, int(unix.Mkdev(10, 223))); err != nil {
		t.Logf("mknod: %v; a symlink instead", err)
		if err := os.Symlink("/dev/uinput", node); err != nil {
			t.Fatal(err)
		}
	}
	p.waitLog(t, "virtual keyboard created")
	p.waitLog(t, "bar drawn")
	if code := p.stop(t); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	n := 0
	for _, l := range p.log {
		if strings.Contains(l, uinputWait) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d log lines about the wait for uinput, want 1", n)
	}
}

func TestVMMissingUinputSIGTERM(t *testing.T) {
	vmtest.GuestOnly(t)
	node := "/tmp/missing/never/uinput"
	p := startDaemon(t, missingArgs(t, "-uinput", node)...)
	p.waitLog(t, "waiting for "+node+uinputWait)
	if code := p.stop(t); code != 0 {
		t.Errorf("exit code %d after SIGTERM while waiting, want 0", code)
	}
}

// TestVMMissingNotify: the real binary notifies systemd, and keeps pinging
// the watchdog after it dropped root (the socket was connected as root).
func TestVMMissingNotify(t *testing.T) {
	vmtest.GuestOnly(t)
	addr := "/tmp/missing/notify"
	os.Remove(addr)
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: addr}); err != nil {
		t.Fatal(err)
	}
	os.Chmod(addr, 0o700) // root only: nobody could not connect anew
	tv := unix.NsecToTimeval(int64(60 * time.Second))
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	recv := func() string {
		b := make([]byte, 4096)
		n, _, err := unix.Recvfrom(fd, b, 0)
		if err != nil {
			t.Fatalf("notify socket: %v", err)
		}
		return string(b[:n])
	}
	t.Setenv("NOTIFY_SOCKET", addr)
	t.Setenv("WATCHDOG_USEC", "200000")
	p := startDaemon(t, missingArgs(t)...)
	p.waitLog(t, "bar drawn")
	// The first layout is built off the loop, so watchdog pings may come
	// before the first frame; READY=1 must come, and before anything else.
	for {
		m := recv()
		if m == "WATCHDOG=1" {
			continue
		}
		if m != "READY=1\nSTATUS=running" {
			t.Errorf("first notification other than a ping: %q, want READY=1 and STATUS=running", m)
		}
		break
	}
	if uid := procStatus(t, p.cmd.Process.Pid)["Uid"]; !strings.HasPrefix(uid, "65534 ") {
		t.Fatalf("daemon did not drop root: Uid %s", uid)
	}
	pings := 0
	for pings < 3 {
		if m := recv(); m == "WATCHDOG=1" {
			pings++
		}
	}
	p.term(t)
	for {
		if m := recv(); m == "STOPPING=1" {
			break
		}
	}
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}
