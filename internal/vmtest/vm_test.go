package vmtest

import (
	"encoding/json"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHarness boots the guest with this package's TestVMGuest.
func TestHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a QEMU guest (-short)")
	}
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
			case "status":
				r, err := g.QMP("query-status", nil)
				if err != nil {
					return "error " + err.Error()
				}
				var st struct{ Running bool }
				if err := json.Unmarshal(r, &st); err != nil || !st.Running {
					return fmt.Sprintf("query-status %s: %v", r, err)
				}
				return "running"
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
			case "pattern":
				return checkPattern(g)
			}
			return "unknown " + req
		},
	})
	t.Logf("boot %v (guest uptime at /init %v), whole guest run %v", res.Boot, res.InitUptime, res.Total)
	if len(shots) != 1 { // the pattern's screendumps are not counted
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
	if b, err := os.ReadFile("testdata/hello.txt"); err != nil || string(b) != "testdata reaches the guest\n" {
		t.Errorf("testdata/hello.txt = %q, %v", b, err)
	}
	if got := os.Getenv("VMTEST_HELLO"); got != "hello world" {
		t.Errorf("VMTEST_HELLO = %q", got)
	}
	if b, err := os.ReadFile("/proc/cmdline"); err != nil || !strings.Contains(string(b), "vmtest_word=1") {
		t.Errorf("/proc/cmdline = %q, %v; want Config.Cmdline in it", b, err)
	}
	if b, err := os.ReadFile("/proc/cmdline"); err != nil || !slices.Contains(strings.Fields(string(b)), "no_timer_check") {
		t.Errorf("/proc/cmdline = %q, %v; want no_timer_check (no boot panic when the timer check misses ticks)", b, err)
	}
	for p, want := range map[string]string{"/etc/passwd": "tiny-dfr:x:990:990:", "/etc/group": "input:x:101:"} {
		if b, err := os.ReadFile(p); err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s = %q, %v; want the default accounts (%q)", p, b, err, want)
		}
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
	writePattern(t)
	for req, want := range map[string]string{"ping": "pong", "screendump": "64x2008", "pattern": "ok", "status": "running"} {
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

// The pattern: rows from patternTop down get color patternColor(y); written
// by the guest to the fbdev console framebuffer (fbcon's cursor stays at the
// top), read back by the host's screendump.
const patternTop = 64

func patternColor(y int) color.RGBA {
	return color.RGBA{uint8(y), uint8(255 - y%256), uint8(y / 8), 255}
}

// writePattern draws the pattern through /dev/fb0 (XRGB8888, 64 px wide).
func writePattern(t *testing.T) {
	f, err := os.OpenFile("/dev/fb0", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const stride = 64 * 4
	buf := make([]byte, (2008-patternTop)*stride)
	for y := patternTop; y < 2008; y++ {
		c := patternColor(y)
		row := buf[(y-patternTop)*stride:]
		for x := 0; x < 64; x++ {
			row[4*x], row[4*x+1], row[4*x+2] = c.B, c.G, c.R
		}
	}
	if _, err := f.WriteAt(buf, patternTop*stride); err != nil {
		t.Fatal(err)
	}
}

// checkPattern compares screendumps with the pattern until they match; the
// fbdev emulation flushes to the host a little after the write.
func checkPattern(g *Guest) string {
	var diff string
	for try := 0; try < 50; try++ {
		img, err := g.Screendump()
		if err != nil {
			return "error " + err.Error()
		}
		diff = ""
		for y := patternTop; y < 2008 && diff == ""; y++ {
			for x := 0; x < 64; x++ {
				if got, want := img.RGBAAt(x, y), patternColor(y); got != want {
					diff = fmt.Sprintf("pixel (%d,%d) = %v, want %v", x, y, got, want)
					break
				}
			}
		}
		if diff == "" {
			return "ok"
		}
		time.Sleep(20 * time.Millisecond)
	}
	return diff
}
