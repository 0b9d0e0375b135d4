package vmtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHarness boots the guest with this package's TestVMGuest.
func TestHarness(t *testing.T) {
	var shots []string
	res := Run(t, Config{
		Packages: []string{"."},
		Run:      "^TestVMGuest$",
		Env:      map[string]string{"VMTEST_HELLO": "hello world"},
		OnAsk: func(g *Guest, req string) string {
			switch req {
			case "ping":
				return "pong"
			case "screendump":
				img, err := g.Screendump()
				if err != nil {
					return "error " + err.Error()
				}
				b := img.Bounds()
				shots = append(shots, b.String())
				return fmt.Sprintf("%dx%d", b.Dx(), b.Dy())
			}
			return "unknown " + req
		},
	})
	t.Logf("boot %v, whole guest run %v", res.Boot, res.Total)
	if len(shots) != 1 {
		t.Errorf("host took %d screendumps, want 1", len(shots))
	}
	con := strings.Join(res.Console, "\n")
	for _, want := range []string{"--- PASS: TestVMGuest", "VMTEST ASK ping", "VMTEST DONE 0"} {
		if !strings.Contains(con, want) {
			t.Errorf("console lacks %q", want)
		}
	}
	if strings.Contains(con, "VMTEST REPLY") {
		t.Error("the guest console echoed the host's reply")
	}
	if os.Getenv("VMTEST_CONSOLE") != "" {
		t.Logf("console:\n%s", con)
	}
	if len(res.ExitCodes) != 1 || res.ExitCodes[0] != 0 {
		t.Errorf("exit codes %v, want [0]", res.ExitCodes)
	}
}

// TestVMGuest runs inside the guest.
func TestVMGuest(t *testing.T) {
	GuestOnly(t)
	for _, p := range []string{"/dev/dri/card0", "/dev/uinput"} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if got := os.Getenv("VMTEST_HELLO"); got != "hello world" {
		t.Errorf("VMTEST_HELLO = %q", got)
	}
	modes, _ := filepath.Glob("/sys/class/drm/card0-*/modes")
	var all []string
	for _, m := range modes {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Error(err)
		}
		all = append(all, strings.Fields(string(b))...)
	}
	if len(all) == 0 || all[0] != "64x2008" {
		t.Errorf("connector modes %v (from %v), want 64x2008 first", all, modes)
	}
	for req, want := range map[string]string{"ping": "pong", "screendump": "64x2008"} {
		got, err := AskHost(req)
		if err != nil || got != want {
			t.Errorf("AskHost(%q) = %q, %v; want %q", req, got, err, want)
		}
	}
}
