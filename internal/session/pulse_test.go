package session

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/logging/loggingtest"
)

// pulseOrSkip finds pulseaudio and pactl: skipped locally without them,
// failed under CI=true (.ci/run installs pulseaudio and pulseaudio-utils).
func pulseOrSkip(t *testing.T) (daemon, pactl string) {
	t.Helper()
	daemon, err1 := exec.LookPath("pulseaudio")
	pactl, err2 := exec.LookPath("pactl")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pulseaudio or pactl missing under CI (apt-get install pulseaudio pulseaudio-utils): %v %v", err1, err2)
		}
		t.Skip("pulseaudio or pactl not installed")
	}
	return daemon, pactl
}

// startPulse runs a private PulseAudio server with one null sink (its
// runtime directory and home in the test's temporary directory) and points
// this process's environment, and so the companion's tools, at it.
func startPulse(t *testing.T, daemon, pactl string) {
	t.Helper()
	base := t.TempDir()
	run, home := filepath.Join(base, "run"), filepath.Join(base, "home")
	os.Mkdir(run, 0o700)
	os.Mkdir(home, 0o700)
	t.Setenv("XDG_RUNTIME_DIR", run)
	t.Setenv("HOME", home)
	t.Setenv("PULSE_SERVER", "")
	os.Unsetenv("PULSE_SERVER")
	// -n: no default script; the null sink and the native protocol's
	// socket ($XDG_RUNTIME_DIR/pulse/native) are all it loads.
	cmd := exec.Command(daemon, "-n", "--load=module-null-sink", "--load=module-native-protocol-unix",
		"--exit-idle-time=-1", "--daemonize=no", "--use-pid-file=no", "--log-target=stderr")
	var log loggingtest.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(wait)
	for {
		if exec.Command(pactl, "info").Run() == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pulseaudio did not come up; its log:\n%s", &log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func pactlOut(t *testing.T, pactl string, args ...string) string {
	t.Helper()
	cmd := exec.Command(pactl, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pactl %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestCompanionVolumePulseAudio runs the companion's volume backend
// against a real PulseAudio server: a SetVolume changes what `pactl
// get-sink-volume` says, and a change made with pactl from outside, a
// level or mute, is reported through `pactl subscribe` (the companion
// never polls here: VolumePoll is an hour). The time from the outside
// change to the Volume event is logged.
func TestCompanionVolumePulseAudio(t *testing.T) {
	daemon, pactl := pulseOrSkip(t)
	startPulse(t, daemon, pactl)
	// Only pactl on the companion's PATH: a wpctl installed here talks to
	// no PipeWire.
	bin := t.TempDir()
	if err := os.Symlink(pactl, filepath.Join(bin, "pactl")); err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{Getenv: pathEnv(bin), VolumePoll: time.Hour})
	ts.next(t, Connected)
	ts.SetVolumeWatch(true)
	if ev := nextVolume(t, ts, "the first level", func(Event) bool { return true }); !ev.Available || ev.Level != 1 || ev.Muted {
		t.Fatalf("first Volume = %+v, want the null sink's 100 %%, available, not muted", ev)
	}

	if !ts.SetVolume(0.42) {
		t.Fatal("SetVolume refused")
	}
	nextVolume(t, ts, "0.42 after SetVolume", func(ev Event) bool { return ev.Level == 0.42 })
	if out := pactlOut(t, pactl, "get-sink-volume", "@DEFAULT_SINK@"); !strings.Contains(out, " 42% ") {
		t.Fatalf("after SetVolume(0.42) pactl says %q", out)
	}

	start := time.Now()
	pactlOut(t, pactl, "set-sink-volume", "@DEFAULT_SINK@", "30%")
	nextVolume(t, ts, "0.30 set from outside", func(ev Event) bool { return ev.Level == 0.3 })
	t.Logf("outside change → Volume event: %v", time.Since(start))

	pactlOut(t, pactl, "set-sink-mute", "@DEFAULT_SINK@", "1")
	nextVolume(t, ts, "muted from outside", func(ev Event) bool { return ev.Muted && ev.Level == 0.3 })

	// Moving the slider of a muted sink unmutes it.
	ts.SetVolume(0.5)
	nextVolume(t, ts, "0.50 unmuted", func(ev Event) bool { return ev.Level == 0.5 && !ev.Muted })
	if out := pactlOut(t, pactl, "get-sink-mute", "@DEFAULT_SINK@"); strings.TrimSpace(out) != "Mute: no" {
		t.Fatalf("after SetVolume on a muted sink pactl says %q", out)
	}
}
