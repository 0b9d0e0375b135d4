package session

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestParseWpctl(t *testing.T) {
	for in, want := range map[string]struct {
		level uint16
		muted bool
	}{
		"Volume: 0.40\n":         {400, false},
		"Volume: 0.42 [MUTED]\n": {420, true},
		"Volume: 1.00":           {1000, false},
		"Volume: 1.53\n":         {MaxLevel, false}, // over-amplified: the slider's top
		"Volume: 0.00 [MUTED]":   {0, true},
	} {
		level, muted, err := parseWpctl([]byte(in))
		if err != nil || level != want.level || muted != want.muted {
			t.Errorf("parseWpctl(%q) = %d, %v, %v; want %d, %v", in, level, muted, err, want.level, want.muted)
		}
	}
	for _, in := range []string{"", "Volume:", "Volume: NaN", "Volume: loud", "Lautstärke: 0.40", "Volume: -Inf"} {
		if _, _, err := parseWpctl([]byte(in)); err == nil {
			t.Errorf("parseWpctl(%q) accepted", in)
		}
	}
}

func TestParsePactl(t *testing.T) {
	for in, want := range map[string]uint16{
		"Volume: front-left: 27525 /  42% / -22.61 dB,   front-right: 27525 /  42% / -22.61 dB\n        balance 0.00\n": 420,
		"Volume: front-left: 32768 /  50% / -18.06 dB,   front-right: 65536 / 100% / 0.00 dB\n":                         1000, // the loudest channel
		"Volume: mono: 0 /   0% / -inf dB\n":                                                    0,
		"Volume: front-left: 98304 / 150% / 10.57 dB,   front-right: 98304 / 150% / 10.57 dB\n": MaxLevel,
	} {
		if got, err := parsePactlVolume([]byte(in)); err != nil || got != want {
			t.Errorf("parsePactlVolume(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "Volume:", "Volume: front-left: x / y", "Connection failure: Connection refused\n"} {
		if _, err := parsePactlVolume([]byte(in)); err == nil {
			t.Errorf("parsePactlVolume(%q) accepted", in)
		}
	}
	if m, err := parsePactlMute([]byte("Mute: yes\n")); err != nil || !m {
		t.Errorf("Mute: yes = %v, %v", m, err)
	}
	if m, err := parsePactlMute([]byte("Mute: no\n")); err != nil || m {
		t.Errorf("Mute: no = %v, %v", m, err)
	}
	if _, err := parsePactlMute([]byte("Stumm: ja\n")); err == nil {
		t.Error("a translated answer accepted")
	}
}

// fakeTools writes fake wpctl and/or pactl into a directory and returns
// it: their state lives in files there (vol: wpctl's level, raw: pactl's,
// muted, hang: get hangs, slow: set takes 0.2 s, trigger: pactl subscribe
// prints a sink change); log gets "start ARGS" and "end" of every run.
func fakeTools(t *testing.T, wpctl, pactl bool) string {
	t.Helper()
	d := t.TempDir()
	head := "#!/bin/sh\nd=" + d + "\necho \"start $*\" >> $d/log\n"
	tail := "echo end >> $d/log\n"
	if wpctl {
		writeScript(t, filepath.Join(d, "wpctl"), head+`case "$1" in
get-volume)
	if [ -e $d/hang ]; then echo $$ > $d/hung.pid; exec sleep 1000; fi
	m=""; [ -e $d/muted ] && m=" [MUTED]"
	echo "Volume: $(cat $d/vol)$m";;
set-volume)
	[ "$2" = @DEFAULT_AUDIO_SINK@ ] || exit 1
	[ -e $d/slow ] && sleep 0.2
	echo "$3" > $d/vol;;
set-mute) [ "$3" = 0 ] && rm -f $d/muted;;
*) exit 1;;
esac
`+tail)
		os.WriteFile(filepath.Join(d, "vol"), []byte("0.40\n"), 0o644)
	}
	if pactl {
		writeScript(t, filepath.Join(d, "pactl"), head+`case "$1" in
get-sink-volume)
	if [ -e $d/hang ]; then echo $$ > $d/hung.pid; exec sleep 1000; fi
	r=$(cat $d/raw)
	echo "Volume: front-left: $r /  42% / -22.61 dB,   front-right: $r /  42% / -22.61 dB"
	echo "        balance 0.00";;
get-sink-mute) if [ -e $d/muted ]; then echo "Mute: yes"; else echo "Mute: no"; fi;;
set-sink-volume) [ -e $d/slow ] && sleep 0.2; echo "$3" > $d/raw;;
set-sink-mute) [ "$3" = 0 ] && rm -f $d/muted;;
subscribe)
	echo $$ > $d/sub.pid
	while :; do
		if [ -e $d/trigger ]; then
			rm -f $d/trigger
			echo "Event 'new' on client #7"
			echo "Event 'change' on sink #0"
		fi
		sleep 0.02
	done;;
*) exit 1;;
esac
`+tail)
		os.WriteFile(filepath.Join(d, "raw"), []byte("26214\n"), 0o644) // 40 %
	}
	return d
}

func writeScript(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

// pathEnv is a Getenv whose PATH is dir only.
func pathEnv(dir string) func(string) string {
	return func(k string) string {
		if k == "PATH" {
			return dir
		}
		return ""
	}
}

// nextVolume waits for a Volume event ok accepts, skipping others.
func nextVolume(t *testing.T, ts *testServer, what string, ok func(Event) bool) Event {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case ev := <-ts.Events():
			if ev.Kind == Volume && ok(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no Volume event with %s; log:\n%s", what, ts.log)
		}
	}
}

func readLog(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "log"))
	return string(b)
}

// runsOverlap tells whether the log shows a run started before the
// previous one ended (a subscribe runs on its own and is left out).
func runsOverlap(log string) bool {
	open := false
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		switch {
		case strings.HasPrefix(line, "start subscribe"):
		case strings.HasPrefix(line, "start"):
			if open {
				return true
			}
			open = true
		case line == "end":
			open = false
		}
	}
	return false
}

// TestCompanionVolumeWpctl: with wpctl (and no pactl) the level is read
// when the daemon watches, a change made elsewhere is seen by polling, a
// drag's many SetVolume run one at a time with the latest level last,
// and nothing runs once the watch is off.
func TestCompanionVolumeWpctl(t *testing.T) {
	d := fakeTools(t, true, false)
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{Getenv: pathEnv(d), VolumePoll: 50 * time.Millisecond})
	ts.next(t, Connected)
	if s := readLog(d); s != "" {
		t.Fatalf("the tool ran before any watch:\n%s", s)
	}
	ts.SetVolumeWatch(true)
	if ev := nextVolume(t, ts, "the first level", func(Event) bool { return true }); ev.Level != 0.4 || !ev.Available || ev.Muted {
		t.Fatalf("first Volume = %+v, want 0.40 available", ev)
	}
	// Elsewhere: louder and muted.
	os.WriteFile(filepath.Join(d, "muted"), nil, 0o644)
	os.WriteFile(filepath.Join(d, "vol"), []byte("0.55\n"), 0o644)
	nextVolume(t, ts, "0.55 muted", func(ev Event) bool { return ev.Level == 0.55 && ev.Muted })

	// A drag: 30 levels while each set takes 0.2 s.
	os.WriteFile(filepath.Join(d, "slow"), nil, 0o644)
	for i := 1; i <= 30; i++ {
		ts.SetVolume(float64(i) / 100)
	}
	nextVolume(t, ts, "the drag's last level", func(ev Event) bool { return ev.Level == 0.30 && !ev.Muted })
	log := readLog(d)
	if n := strings.Count(log, "start set-volume"); n >= 30 || n < 1 {
		t.Errorf("%d set-volume runs for 30 levels, want them coalesced:\n%s", n, log)
	}
	if runsOverlap(log) {
		t.Errorf("two tool runs at once:\n%s", log)
	}
	if !strings.Contains(log, "start set-volume @DEFAULT_AUDIO_SINK@ 0.300") {
		t.Errorf("the last level was not set:\n%s", log)
	}
	if !strings.Contains(log, "start set-mute @DEFAULT_AUDIO_SINK@ 0") {
		t.Errorf("moving the slider of a muted sink did not unmute it:\n%s", log)
	}

	ts.SetVolumeWatch(false)
	time.Sleep(200 * time.Millisecond) // a read running may end
	before := readLog(d)
	time.Sleep(300 * time.Millisecond) // six poll intervals
	if after := readLog(d); after != before {
		t.Errorf("the tool ran while unwatched:\n%s", strings.TrimPrefix(after, before))
	}
}

// TestCompanionVolumePactlEvents: with pactl the level follows `pactl
// subscribe`'s sink events (no polling: VolumePoll is an hour), set goes
// through set-sink-volume in PulseAudio's raw unit, and the watch's end
// kills the subscription.
func TestCompanionVolumePactlEvents(t *testing.T) {
	d := fakeTools(t, false, true)
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{Getenv: pathEnv(d), VolumePoll: time.Hour})
	ts.next(t, Connected)
	ts.SetVolumeWatch(true)
	if ev := nextVolume(t, ts, "the first level", func(Event) bool { return true }); ev.Level != 0.4 || !ev.Available {
		t.Fatalf("first Volume = %+v, want 0.40 available", ev)
	}
	os.WriteFile(filepath.Join(d, "raw"), []byte("45875\n"), 0o644) // 70 %
	os.WriteFile(filepath.Join(d, "trigger"), nil, 0o644)
	nextVolume(t, ts, "0.70 after the sink event", func(ev Event) bool { return ev.Level == 0.7 })

	ts.SetVolume(0.25)
	nextVolume(t, ts, "the level set", func(ev Event) bool { return ev.Level == 0.25 })
	if log := readLog(d); !strings.Contains(log, "start set-sink-volume @DEFAULT_SINK@ 16384") {
		t.Errorf("set-sink-volume not run with the raw volume:\n%s", log)
	}

	pid := waitPid(t, filepath.Join(d, "sub.pid"))
	ts.SetVolumeWatch(false)
	waitGone(t, pid, "pactl subscribe after the watch ended")
}

// TestCompanionVolumeHungTool: a get that hangs is killed past
// VolumeTimeout and the volume reported unavailable; the companion's
// other work goes on meanwhile.
func TestCompanionVolumeHungTool(t *testing.T) {
	d := fakeTools(t, true, false)
	os.WriteFile(filepath.Join(d, "hang"), nil, 0o644)
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{Getenv: pathEnv(d), VolumeTimeout: 500 * time.Millisecond, VolumePoll: time.Hour})
	ts.next(t, Connected)
	ts.SetVolumeWatch(true)
	pid := waitPid(t, filepath.Join(d, "hung.pid"))
	if !ts.Run(3, "true") {
		t.Fatal("Run refused")
	}
	if ev := ts.next(t, Started); ev.ID != 3 {
		t.Fatalf("Started = %+v", ev)
	}
	if ev := nextVolume(t, ts, "unavailable", func(Event) bool { return true }); ev.Available {
		t.Fatalf("Volume = %+v, want unavailable after the hung read", ev)
	}
	waitGone(t, pid, "the hung wpctl")
}

// TestCompanionVolumeNoTool: without wpctl and pactl the volume is
// reported unavailable.
func TestCompanionVolumeNoTool(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	ts.SetVolumeWatch(true)
	startCompanion(t, ts, Companion{Getenv: pathEnv(t.TempDir())})
	if ev := nextVolume(t, ts, "a report", func(Event) bool { return true }); ev.Available {
		t.Fatalf("Volume = %+v, want unavailable", ev)
	}
}

func waitPid(t *testing.T, file string) int {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(file); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				return pid
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s not written", file)
	return 0
}

// waitGone waits for pid to be gone (reaped: kill(pid, 0) fails).
func waitGone(t *testing.T, pid int, what string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if unix.Kill(pid, 0) == unix.ESRCH {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s (pid %d) still runs", what, pid)
}
