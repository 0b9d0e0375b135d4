package session

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// startCompanion runs a Companion against ts until the test ends.
func startCompanion(t *testing.T, ts *testServer, c Companion) (stop func()) {
	t.Helper()
	c.Socket = ts.Path()
	c.AnyServer = true
	c.MinBackoff = 10 * time.Millisecond
	c.MaxBackoff = 50 * time.Millisecond
	c.Log = slog.New(slog.NewTextHandler(ts.log, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v after cancel, want nil", err)
			}
		case <-time.After(wait):
			t.Error("the companion did not stop")
		}
	}
	t.Cleanup(stop)
	return stop
}

func TestCompanionRunsCommand(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{Desktop: "test-desktop"})
	if ev := ts.next(t, Connected); ev.Desktop != "test-desktop" {
		t.Fatalf("Connected = %+v", ev)
	}
	file := filepath.Join(t.TempDir(), "ran")
	t.Setenv("TINYDFR_TEST_WORD", "from-env")
	// The environment is the companion's (the session's).
	if !ts.Run(4, "echo \"$TINYDFR_TEST_WORD\" > "+file+"; exit 3") {
		t.Fatal("Run refused")
	}
	if ev := ts.next(t, Started); ev.ID != 4 {
		t.Fatalf("Started = %+v", ev)
	}
	if ev := ts.next(t, Ended); ev.ID != 4 || ev.Code != 3 {
		t.Fatalf("Ended = %+v, want code 3", ev)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "from-env\n" {
		t.Fatalf("the command wrote %q, %v", b, err)
	}
}

func TestCompanionWidgets(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	dir := t.TempDir()
	src := filepath.Join(dir, "out")
	os.WriteFile(src, []byte("first line\nsecond line\n"), 0o644)
	ts.SetWidgets([]Widget{
		{ID: 1, Command: "cat " + src, Interval: MinInterval},
		{ID: 2, Command: `echo '{"text": "42%", "color": "#00ff00", "icon": "battery_4_bar"}'`, Interval: time.Hour},
	})
	startCompanion(t, ts, Companion{})
	ts.next(t, Connected)
	got := map[uint32]Event{}
	for len(got) < 2 {
		ev := ts.next(t, WidgetOutput)
		got[ev.ID] = ev
	}
	if ev := got[1]; ev.Text != "first line" {
		t.Errorf("widget 1 = %+v, want its first line", ev)
	}
	if ev := got[2]; ev.Text != "42%" || ev.Color != "#00ff00" || ev.Icon != "battery_4_bar" {
		t.Errorf("widget 2 = %+v, want the JSON object's fields", ev)
	}
	// A change of the output is sent; an unchanged one is not.
	os.WriteFile(src, []byte("changed"), 0o644)
	if ev := ts.next(t, WidgetOutput); ev.ID != 1 || ev.Text != "changed" {
		t.Fatalf("after the change: %+v", ev)
	}
}

// A hung widget command is killed with its process group; the last good
// output stays (nothing is sent for the failed run) and it is tried again.
func TestCompanionKillsHungWidget(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	dir := t.TempDir()
	count, pids := filepath.Join(dir, "count"), filepath.Join(dir, "pids")
	// Run 1 prints "good"; the later ones hang in a grandchild.
	script := fmt.Sprintf(`echo x >> %s; if [ "$(wc -l < %s)" -gt 1 ]; then sleep 1000 & echo $! >> %s; wait; fi; echo good`, count, count, pids)
	ts.SetWidgets([]Widget{{ID: 1, Command: script, Interval: MinInterval}})
	startCompanion(t, ts, Companion{WidgetTimeout: 300 * time.Millisecond})
	if ev := ts.next(t, WidgetOutput); ev.Text != "good" {
		t.Fatalf("first output %+v", ev)
	}
	// Wait for two hung runs to have been killed (the second proves the
	// retry after the first's kill).
	deadline := time.Now().Add(wait)
	for {
		b, _ := os.ReadFile(pids)
		lines := strings.Fields(string(b))
		if len(lines) >= 2 {
			pid, _ := strconv.Atoi(lines[0])
			for unix.Kill(pid, 0) == nil {
				if time.Now().After(deadline) {
					t.Fatalf("the hung command's child %d was not killed", pid)
				}
				time.Sleep(10 * time.Millisecond)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no second hung run; log:\n%s", ts.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case ev := <-ts.Events():
		if ev.Kind == WidgetOutput {
			t.Fatalf("a failed run sent %+v", ev)
		}
	default:
	}
}

// The daemon restarting: the companion connects to the new one.
func TestCompanionReconnects(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	startCompanion(t, ts, Companion{})
	ts.next(t, Connected)
	ts.Close()
	s2, err := Listen(ts.dir, Options{SeatsDir: ts.seats, Log: ts.o.Log})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	s2.Start()
	ts2 := &testServer{Server: s2, dir: ts.dir, seats: ts.seats, log: ts.log}
	ts2.next(t, Connected)
	if !s2.Run(1, "true") {
		t.Fatal("the new daemon cannot reach the companion")
	}
	ts2.next(t, Ended)
}

// A refused companion keeps trying and is served once its user is active.
func TestCompanionRefusedThenServed(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()+1), Options{})
	startCompanion(t, ts, Companion{})
	deadline := time.Now().Add(wait)
	for strings.Count(ts.log.String(), "refused by the daemon") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("never refused:\n%s", ts.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
	writeSeat(t, ts.seats, seatFor(os.Getuid()))
	ts.next(t, Connected)
}

// By default the companion trusts only a root daemon's socket.
func TestCompanionWantsRootDaemon(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("as root every socket is root's")
	}
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	c := Companion{Socket: ts.Path()}
	c.defaults()
	served, err := c.session(context.Background())
	if served || err == nil || !strings.Contains(err.Error(), "want root") {
		t.Fatalf("session = %v, %v; want a refusal of a non-root socket", served, err)
	}
}

func TestParseOutput(t *testing.T) {
	for in, want := range map[string]Msg{
		"":                           {},
		"  hello  \nworld":           {Text: "hello"},
		`{"text":"a","color":"red"}`: {Text: "a", Color: "red"},
		`{"full_text":"i3"}`:         {Text: "i3"},
		`{"text":"two\nlines"}`:      {Text: "two"},
		`{not json`:                  {Text: "{not json"},
		`{"text": 5}`:                {Text: `{"text": 5}`},
		"bad\xff\x1b[1m":             {Text: "bad\uFFFD\uFFFD[1m"},
		strings.Repeat("x", 5000):    {Text: strings.Repeat("x", MaxText)},
		`{"icon":"` + strings.Repeat("i", 1000) + `"}`: {Icon: strings.Repeat("i", MaxIcon)},
	} {
		want.Type = TWidgetOutput
		if got := parseOutput([]byte(in)); got != want {
			t.Errorf("parseOutput(%.40q) = %+v, want %+v", in, got, want)
		}
		if _, err := Append(nil, parseOutput([]byte(in))); err != nil {
			t.Errorf("parseOutput(%.40q) does not encode: %v", in, err)
		}
	}
}
