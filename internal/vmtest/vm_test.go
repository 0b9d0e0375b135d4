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
		Bench:    "^BenchmarkVMAskHost$",
		Args:     []string{"-test.benchtime=50x"},
		Env:      map[string]string{"VMTEST_HELLO": "hello world"},
		Cmdline:  []string{"vmtest_word=1"},
		// Harmless (default 5000): checks that parameters reach the module.
		ModuleParams: map[string]string{"drm": "vblankoffdelay=5001"},
		OnAsk: func(g *Guest, req string) string {
			switch req {
			case "ping":
				return "pong"
			case "bench":
				return "b"
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
	t.Logf("boot %v (guest uptime at /init %v), whole guest run %v", res.Boot, res.InitUptime, res.Total)
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
	if len(res.Benchmarks) != 1 || !strings.HasPrefix(res.Benchmarks[0], "BenchmarkVMAskHost") {
		t.Errorf("benchmarks %q, want one BenchmarkVMAskHost line", res.Benchmarks)
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
	if b, err := os.ReadFile("/proc/cmdline"); err != nil || !strings.Contains(string(b), "vmtest_word=1") {
		t.Errorf("/proc/cmdline = %q, %v; want Config.Cmdline in it", b, err)
	}
	if b, err := os.ReadFile("/sys/module/drm/parameters/vblankoffdelay"); err != nil || string(b) != "5001\n" {
		t.Errorf("drm vblankoffdelay = %q, %v; want 5001 from Config.ModuleParams", b, err)
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

// BenchmarkVMAskHost measures one guest→host→guest round trip on the serial
// console (runs in the guest).
func BenchmarkVMAskHost(b *testing.B) {
	GuestOnly(b)
	for b.Loop() {
		if got, err := AskHost("bench"); err != nil || got != "b" {
			b.Fatalf("AskHost = %q, %v", got, err)
		}
	}
}
