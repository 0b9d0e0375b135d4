package daemon

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// TestDaemonVMSession: the real daemon as root dropping to nobody, the
// real companion (tiny-dfr session) as a user who is not seat0's active
// user (a command tap runs nothing), then as the active user (the tap
// runs the command as that uid; a change of a widget's output changes
// the bar's pixels); the daemon stops cleanly. The guest has no shell:
// /bin/sh is this test binary (TestMain's fake shell).
func TestDaemonVMSession(t *testing.T) {
	vmtest.HostOnly(t)
	barGuest(t, "TestVMSession", nil, nil)
}

const sessionConfig = `PrimaryLayerKeys = [
  { Text = "Run", Command = "touch /tmp/ran" },
  { Command = "cat /tmp/w", Interval = 0.5 },
  { Text = "ten", Action = "F10" },
]
`

// Two widgets at Interval 2: the idle figure (nothing while dark).
const sessionIdleConfig = `PrimaryLayerKeys = [
  { Command = "cat /tmp/w", Interval = 2 },
  { Command = "cat /tmp/w", Interval = 2 },
  { Text = "ten", Action = "F10" },
]
`

// companion starts /bin/tiny-dfr session as uid; it is stopped at the
// end of the test.
func companion(t *testing.T, uid int) *daemonProc {
	t.Helper()
	cmd := exec.Command("/bin/tiny-dfr", "session")
	cmd.Dir = "/tmp"
	cmd.Env = []string{"HOME=/tmp", "PATH=/bin", fmt.Sprintf("XDG_RUNTIME_DIR=/tmp/run-%d", uid), "XDG_CURRENT_DESKTOP=test"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	errp, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = os.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &daemonProc{cmd: cmd, lines: make(chan string, 1000)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := errp.Read(buf)
			for _, l := range strings.Split(strings.TrimRight(string(buf[:n]), "\n"), "\n") {
				if l != "" {
					fmt.Printf("companion %d: %s\n", uid, l)
				}
			}
			if err != nil {
				close(p.lines)
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	return p
}

// replaceFile writes a file the way editors do (a reader never sees it half
// written).
func replaceFile(t *testing.T, p, s string) {
	t.Helper()
	writeConfig(t, p, s)
	os.Chmod(p, 0o644)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func TestVMSession(t *testing.T) {
	vmtest.GuestOnly(t)
	// The fake shell for the companion's commands.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	os.Remove("/bin/sh")
	if err := os.Symlink(exe, "/bin/sh"); err != nil {
		t.Fatal(err)
	}
	os.Chmod(exe, 0o755)
	os.Chmod("/tmp", 0o1777)
	os.Remove("/tmp/ran")
	replaceFile(t, "/tmp/w", "one\n")
	activeSeat(t, "1000 1001")

	g := newGeometry(t)
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, int32(g.length), barHeight, 4))
	fn := create(t, uinput.FnKeyboardConfig("Apple Internal Keyboard"))
	defer fn.Close()
	rootOnlyNodes(t)
	b := startLitBar(t, g, sessionConfig)
	p, kb, lay, cfg, bl, args := b.p, b.kb, b.lay, b.cfg, b.bl, b.args
	dimmed := askScreen(t)
	top := t // the companions run until the end

	t.Run("refused", func(t *testing.T) {
		companion(top, 1001)
		p.waitLog(t, "companion refused")
		g.tapCentre(t, dig, lay, 0, 0)
		time.Sleep(2 * time.Second)
		if exists("/tmp/ran") {
			t.Fatal("uid 1001's companion ran the command")
		}
		kb.expectNone(t, "a command tap")
		if s := askScreen(t); s.hash != dimmed.hash {
			t.Errorf("the bar changed with a refused companion: %+v, was %+v", s, dimmed)
		}
	})

	var served screen
	t.Run("served", func(t *testing.T) {
		companion(top, 1000)
		p.waitLog(t, "session companion served")
		// Lit command button and the widget's first output.
		waitScreen(t, "companion served", func(s screen) bool { return s.hash != dimmed.hash })
		time.Sleep(1500 * time.Millisecond) // the widget's first output (Interval 0.5 s)
		served = askScreen(t)
		var lat []time.Duration
		for i := range 5 {
			os.Remove("/tmp/ran")
			t0 := time.Now()
			g.tapCentre(t, dig, lay, 0, 0)
			for !exists("/tmp/ran") {
				if time.Since(t0) > 5*time.Second {
					t.Fatalf("tap %d: /tmp/ran not made within 5 s", i)
				}
				time.Sleep(time.Millisecond)
			}
			lat = append(lat, time.Since(t0))
			time.Sleep(100 * time.Millisecond)
		}
		st, err := os.Stat("/tmp/ran")
		if err != nil {
			t.Fatal(err)
		}
		if uid := st.Sys().(*syscall.Stat_t).Uid; uid != 1000 {
			t.Errorf("/tmp/ran owned by uid %d, want 1000", uid)
		}
		kb.expectNone(t, "command taps")
		fmt.Printf("MEASURE tap → command's file made: p50 %v (of %v)\n", median(lat).Round(time.Millisecond), lat)
	})

	t.Run("widget", func(t *testing.T) {
		var lat []time.Duration
		prev := served
		hashes := map[string]string{"one": served.hash}
		for _, text := range []string{"two", "one", "two"} {
			t0 := time.Now()
			replaceFile(t, "/tmp/w", text+"\n")
			s := waitScreen(t, "widget output "+text, func(s screen) bool { return s.hash != prev.hash })
			lat = append(lat, time.Since(t0))
			if h, ok := hashes[text]; ok && s.hash != h {
				// The same text again: the same picture as before.
				s = waitScreen(t, "widget output "+text+" again", func(s screen) bool { return s.hash == h })
			}
			hashes[text] = s.hash
			prev = s
		}
		fmt.Printf("MEASURE widget output changed → pixels (Interval 0.5 s, screendump polls): p50 %v (of %v)\n",
			median(lat).Round(time.Millisecond), lat)
	})

	t.Run("stop", func(t *testing.T) {
		if code := p.stop(t); code != 0 {
			t.Errorf("exit code %d", code)
		}
		if !slices.ContainsFunc(p.log, func(l string) bool { return strings.Contains(l, "stopped") }) {
			t.Error("no clean stop logged")
		}
	})

	// The idle figure: two widgets at Interval 2, the bar dark, a
	// companion served: the loop's wake-ups over 10 s.
	t.Run("idle", func(t *testing.T) {
		writeConfig(t, cfg, sessionIdleConfig)
		os.Setenv("TINY_DFR_DEBUG_METRICS", "1")
		defer os.Unsetenv("TINY_DFR_DEBUG_METRICS")
		p := startDaemon(t, append(args, "-idle-dim", "1s", "-idle-off", "2s")...)
		p.waitLog(t, "session companion served")
		waitFile(t, "dark", bl+"/brightness", "0")
		time.Sleep(500 * time.Millisecond)
		wake := func() int {
			p.cmd.Process.Signal(syscall.SIGUSR1)
			l := p.waitLog(t, "runtime metrics")
			_, v, _ := strings.Cut(l, "/tiny-dfr/loop/wakeups=")
			v, _, _ = strings.Cut(v, " ")
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("wake-ups in %q", l)
			}
			return n
		}
		w0 := wake()
		time.Sleep(10 * time.Second)
		w1 := wake()
		fmt.Printf("MEASURE idle wake-ups, two widgets at Interval 2, bar dark, companion served: %d in 10 s\n", w1-w0)
		if w1 != w0 {
			t.Errorf("%d wake-ups while dark", w1-w0)
		}
		if code := p.stop(t); code != 0 {
			t.Errorf("exit code %d", code)
		}
	})
}
