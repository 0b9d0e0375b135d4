// Package dbustest starts a private D-Bus daemon for tests.
package dbustest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// PrivateBus starts a dbus-daemon of the test's own (a session bus on a
// socket in a temporary directory, no service activation) and returns its
// address; it is killed when the test ends. Without dbus-daemon the test
// is skipped, or failed under CI=true.
func PrivateBus(t testing.TB) string {
	t.Helper()
	exe, err := exec.LookPath("dbus-daemon")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("dbus-daemon is needed under CI: %v", err)
		}
		t.Skipf("no dbus-daemon: %v", err)
	}
	return Start(t, exec.Command(exe), t.TempDir())
}

// Start runs cmd, a dbus-daemon with no arguments yet (its environment
// and credentials set by the caller), as a session bus listening on
// dir/bus that any user may connect to, and returns its address once it
// printed it; the daemon is killed when the test ends. dir must be
// writable by the daemon's user and its config (written there) readable.
func Start(t testing.TB, cmd *exec.Cmd, dir string) string {
	t.Helper()
	conf := filepath.Join(dir, "bus.conf")
	err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+filepath.Join(dir, "bus")+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Args = append(cmd.Args, "--config-file="+conf, "--print-address", "--nofork", "--nopidfile")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(line)
}
