package daemon

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// TestDaemonVMSessionVolume: the volume slider end to end in the guest.
// The real daemon (root dropping to nobody), the real companion (tiny-dfr
// session) as seat0's active user, a fake wpctl (this test binary as
// /bin/wpctl: fakeWpctl) holding the default sink's volume in a file, and
// a fake digitizer: no companion, the slider is inert and dimmed; served,
// it shows the volume (the file's changes reach the pixels), a drag sets
// the volume as the companion's user, and a dark bar runs no wpctl.
func TestDaemonVMSessionVolume(t *testing.T) {
	vmtest.HostOnly(t)
	barGuest(t, "TestVMSessionVolume", nil, nil)
}

const volumeConfig = `PrimaryLayerKeys = [
  { Slider = "volume", Stretch = 4 },
  { Text = "ten", Action = "F10" },
]
`

// The fake wpctl's files: the sink's state ("0.40" or "0.40 [MUTED]") and
// a log of every run ("uid=N ARGS…").
const (
	wpctlDir   = "/tmp/wpctl"
	wpctlState = wpctlDir + "/state"
	wpctlLog   = wpctlDir + "/log"
)

// fakeWpctl is /bin/wpctl in the guest: get-volume prints the state file,
// set-volume and set-mute change it; every run is logged with its uid.
func fakeWpctl(args []string) int {
	f, err := os.OpenFile(wpctlLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintf(f, "uid=%d %s\n", os.Getuid(), strings.Join(args, " "))
	f.Close()
	b, err := os.ReadFile(wpctlState)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	state := strings.TrimSpace(string(b))
	level, muted := strings.CutSuffix(state, " [MUTED]")
	write := func() int {
		s := level
		if muted {
			s += " [MUTED]"
		}
		if err := os.WriteFile(wpctlState+".new", []byte(s+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := os.Rename(wpctlState+".new", wpctlState); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	switch {
	case len(args) == 2 && args[0] == "get-volume" && args[1] == "@DEFAULT_AUDIO_SINK@":
		fmt.Printf("Volume: %s\n", state)
		return 0
	case len(args) == 3 && args[0] == "set-volume" && args[1] == "@DEFAULT_AUDIO_SINK@":
		level = args[2]
		return write()
	case len(args) == 3 && args[0] == "set-mute" && args[1] == "@DEFAULT_AUDIO_SINK@":
		muted = args[2] == "1"
		return write()
	}
	fmt.Fprintf(os.Stderr, "fake wpctl: %q not known\n", args)
	return 2
}

// wpctlRuns is the fake wpctl's log.
func wpctlRuns(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(wpctlLog)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// setSink writes the fake sink's state the way wpctl would (a reader never
// sees it half written).
func setSink(t *testing.T, s string) {
	t.Helper()
	replaceFile(t, wpctlState, s+"\n")
	os.Chown(wpctlState, 1000, 1000)
}

func TestVMSessionVolume(t *testing.T) {
	vmtest.GuestOnly(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(exe, 0o755)
	os.Remove("/bin/wpctl")
	if err := os.Symlink(exe, "/bin/wpctl"); err != nil {
		t.Fatal(err)
	}
	os.Chmod("/tmp", 0o1777)
	os.MkdirAll(wpctlDir, 0o755)
	os.Chown(wpctlDir, 1000, 1000)
	os.Remove(wpctlLog)
	setSink(t, "0.40")
	activeSeat(t, "1000")

	g := newGeometry(t)
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, int32(g.length), barHeight, 4))
	fn := create(t, uinput.FnKeyboardConfig("Apple Internal Keyboard"))
	defer fn.Close()
	rootOnlyNodes(t)
	b := startLitBar(t, g, volumeConfig)
	p, kb, lay, bl, args := b.p, b.kb, b.lay, b.bl, b.args

	start, end, _ := lay.Button(0, 0).SliderTrack()
	at := func(f float64) float64 { return start + (end-start)*f }
	// drag puts a finger on the slider at level from, moves it in steps
	// to level to and lifts.
	drag := func(from, to float64) {
		g.touch(t, dig, at(from), barHeight/2)
		for i := 1; i <= 10; i++ {
			time.Sleep(20 * time.Millisecond)
			move(t, dig, g, at(from+(to-from)*float64(i)/10))
		}
		time.Sleep(50 * time.Millisecond)
		lift(t, dig)
	}
	// sets are the levels of the set-volume runs from the n-th run on,
	// checked to be run as uid 1000.
	sets := func(t *testing.T, n int) []float64 {
		t.Helper()
		var ls []float64
		for _, r := range wpctlRuns(t)[n:] {
			if !strings.HasPrefix(r, "uid=1000 ") {
				t.Errorf("wpctl run not as uid 1000: %q", r)
			}
			if v, ok := strings.CutPrefix(r, "uid=1000 set-volume @DEFAULT_AUDIO_SINK@ "); ok {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("set-volume level in %q", r)
				}
				ls = append(ls, f)
			}
		}
		return ls
	}
	// dragTo drags from level from to level to and waits for the last
	// set-volume to be to ± 5 %; it returns the set-volume levels.
	dragTo := func(t *testing.T, from, to float64) []float64 {
		t.Helper()
		n := len(wpctlRuns(t))
		drag(from, to)
		var ls []float64
		for range 100 {
			time.Sleep(100 * time.Millisecond)
			if ls = sets(t, n); len(ls) > 0 && math.Abs(ls[len(ls)-1]-to) <= 0.05 {
				time.Sleep(500 * time.Millisecond)
				if again := sets(t, n); len(again) == len(ls) {
					return ls
				}
			}
		}
		t.Fatalf("drag %.2f → %.2f: set-volume levels %v, want the last at %.2f ± 0.05", from, to, ls, to)
		return nil
	}
	top := t

	var dimmed screen
	t.Run("no companion", func(t *testing.T) {
		dimmed = askScreen(t)
		drag(0.2, 0.8)
		time.Sleep(1500 * time.Millisecond)
		if rs := wpctlRuns(t); len(rs) != 0 {
			t.Errorf("wpctl ran without a companion: %q", rs)
		}
		if s := readFile(t, wpctlState); s != "0.40" {
			t.Errorf("sink state %q, want 0.40", s)
		}
		if s := askScreen(t); s.hash != dimmed.hash {
			t.Errorf("a drag changed an inert volume slider: %+v, was %+v", s, dimmed)
		}
		kb.expectNone(t, "a drag on the volume slider")
	})

	var at40 screen
	t.Run("served", func(t *testing.T) {
		companion(top, 1000)
		p.waitLog(t, "session companion served")
		at40 = waitScreen(t, "the companion's volume", func(s screen) bool { return s.hash != dimmed.hash })
		time.Sleep(1500 * time.Millisecond)
		if s := askScreen(t); s.hash != at40.hash {
			t.Fatalf("the served slider's picture changed with the sink unchanged: %+v, was %+v", s, at40)
		}
		if rs := wpctlRuns(t); !slices.Contains(rs, "uid=1000 get-volume @DEFAULT_AUDIO_SINK@") {
			t.Errorf("no get-volume run as uid 1000: %q", rs)
		}
		fmt.Printf("MEASURE screens: dimmed %+v, served at 0.40 %+v\n", dimmed, at40)
	})

	var at90 screen
	t.Run("outside change", func(t *testing.T) {
		var lat []time.Duration
		t0 := time.Now()
		setSink(t, "0.90")
		at90 = waitScreen(t, "volume 0.90", func(s screen) bool { return s.hash != at40.hash })
		lat = append(lat, time.Since(t0))
		t0 = time.Now()
		setSink(t, "0.40")
		waitScreen(t, "volume 0.40 again", func(s screen) bool { return s.hash == at40.hash })
		lat = append(lat, time.Since(t0))
		t0 = time.Now()
		setSink(t, "0.90")
		waitScreen(t, "volume 0.90 again", func(s screen) bool { return s.hash == at90.hash })
		lat = append(lat, time.Since(t0))
		t0 = time.Now()
		setSink(t, "0.90 [MUTED]")
		muted := waitScreen(t, "volume 0.90 muted", func(s screen) bool { return s.hash != at90.hash })
		lat = append(lat, time.Since(t0))
		if muted.hash == at40.hash {
			t.Errorf("muted at 0.90 looks like 0.40")
		}
		fmt.Printf("MEASURE volume changed outside → pixels (wpctl polled every 0.5 s, screendump polls): p50 %v (of %v); 0.90 %+v, muted %+v\n",
			median(lat).Round(time.Millisecond), lat, at90, muted)
	})

	t.Run("drag", func(t *testing.T) {
		// Muted: the drag sets the level and unmutes.
		n := len(wpctlRuns(t))
		ls := dragTo(t, 0.2, 0.7)
		rs := wpctlRuns(t)[n:]
		if !slices.Contains(rs, "uid=1000 set-mute @DEFAULT_AUDIO_SINK@ 0") {
			t.Errorf("a drag of a muted sink's slider did not unmute it: %q", rs)
		}
		waitFile(t, "sink after the drag", wpctlState, fmt.Sprintf("%.3f", ls[len(ls)-1]))
		s := waitScreen(t, "the slider after the drag", func(s screen) bool { return s.hash != at90.hash && s.hash != at40.hash })
		fmt.Printf("MEASURE drag 0.20 → 0.70 (10 moves): %d set-volume runs, last %.3f; %+v\n", len(ls), ls[len(ls)-1], s)
		ls = dragTo(t, 0.9, 0.15)
		fmt.Printf("MEASURE drag 0.90 → 0.15 (10 moves): %d set-volume runs, last %.3f\n", len(ls), ls[len(ls)-1])
		kb.expectNone(t, "drags on the volume slider")
		// The messages to the companion leave no runtime timer pending
		// (a write deadline of 5 s): the daemon waits for its poller
		// without a timeout.
		if ms, ok := pollerWait(p.cmd.Process.Pid, time.Second); !ok || ms != -1 {
			t.Errorf("after the drags the daemon waits for its poller with a timeout of %d ms (found: %v), want none", ms, ok)
		}
	})

	t.Run("dark", func(t *testing.T) {
		if code := p.stop(t); code != 0 {
			t.Errorf("exit code %d", code)
		}
		// Margins for a loaded CI host: the companion reconnects with back-off.
		p = startDaemon(t, append(args, "-idle-dim", "3s", "-idle-off", "8s")...)
		n := len(wpctlRuns(t))
		p.waitLog(t, "session companion served")
		waitFile(t, "dark", bl+"/brightness", "0")
		lit := len(wpctlRuns(t)) - n
		if lit == 0 {
			t.Error("no wpctl run while the bar was lit")
		}
		time.Sleep(1500 * time.Millisecond) // a run begun as it went dark
		n = len(wpctlRuns(t))
		time.Sleep(5 * time.Second)
		if rs := wpctlRuns(t)[n:]; len(rs) != 0 {
			t.Errorf("wpctl ran while the bar was dark: %q", rs)
		}
		// A touch lights the bar: the volume is read again.
		n = len(wpctlRuns(t))
		g.tap(t, dig, float64(g.length)-10, barHeight/2)
		waitFile(t, "lit again", bl+"/brightness", "128")
		for i := 0; len(wpctlRuns(t)) == n; i++ {
			if i == 100 {
				t.Fatal("no wpctl run after the bar lit again")
			}
			time.Sleep(100 * time.Millisecond)
		}
		fmt.Printf("MEASURE wpctl runs: %d while lit (~8 s), 0 in 5 s dark, again once lit\n", lit)
		if code := p.stop(t); code != 0 {
			t.Errorf("exit code %d", code)
		}
	})
}

// isWpctl tells whether the test binary runs as /bin/wpctl.
func isWpctl() bool { return filepath.Base(os.Args[0]) == "wpctl" }
