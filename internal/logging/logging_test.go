package logging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestJournalPrefixes(t *testing.T) {
	var b bytes.Buffer
	log := New(&b, true, slog.LevelDebug-4)
	log.Debug("d")
	log.Info("i")
	log.Warn("w")
	log.Error("e")
	log.Log(context.Background(), slog.LevelError+4, "worse")
	log.Log(context.Background(), slog.LevelDebug-4, "finer")
	want := []string{
		"<7>level=DEBUG msg=d",
		"<6>level=INFO msg=i",
		"<4>level=WARN msg=w",
		"<3>level=ERROR msg=e",
		"<3>level=ERROR+4 msg=worse",
		"<7>level=DEBUG-4 msg=finer",
	}
	if got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestJournalNoTimestampAttrsKept(t *testing.T) {
	var b bytes.Buffer
	log := New(&b, true, slog.LevelInfo).With("dev", "/dev/input/event3").WithGroup("g")
	log.Warn("input: no access", "err", errors.New("permission denied"), "n", 3)
	got := b.String()
	want := "<4>level=WARN msg=\"input: no access\" dev=/dev/input/event3 g.err=\"permission denied\" g.n=3\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if strings.Contains(got, "time=") {
		t.Error("a timestamp in a journal line")
	}
}

func TestJournalOneLinePerRecord(t *testing.T) {
	var b bytes.Buffer
	log := New(&b, true, slog.LevelInfo)
	log.Error("crash\nreason", "stack", "goroutine 1:\nmain.main()\n\tmain.go:3\n", "key\nname", 1)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines for one record: %q", len(lines), b.String())
	}
	if !strings.HasPrefix(lines[0], "<3>") || !strings.Contains(lines[0], `main.main()\n\tmain.go:3`) {
		t.Errorf("line %q", lines[0])
	}
}

func TestJournalLevelFilter(t *testing.T) {
	var b bytes.Buffer
	log := New(&b, true, slog.LevelWarn)
	log.Info("hidden")
	log.Debug("hidden")
	log.Warn("shown")
	if b.String() != "<4>level=WARN msg=shown\n" {
		t.Errorf("got %q", b.String())
	}
}

func TestTextKeepsTime(t *testing.T) {
	var b bytes.Buffer
	New(&b, false, slog.LevelInfo).Info("hello", "k", "v")
	if !strings.HasPrefix(b.String(), "time=") || strings.HasPrefix(b.String(), "<") {
		t.Errorf("readable text expected, got %q", b.String())
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "INFO": slog.LevelInfo, "": slog.LevelInfo,
		"warn": slog.LevelWarn, "Warning": slog.LevelWarn, "error": slog.LevelError} {
		got, err := ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseLevel("loud"); err == nil || !strings.Contains(err.Error(), "debug, info, warn or error") {
		t.Errorf("ParseLevel(loud): %v", err)
	}
}

func TestIsJournal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stream"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "JOURNAL_STREAM" {
				return v
			}
			return ""
		}
	}
	for _, c := range []struct {
		v    string
		want bool
	}{
		{fmt.Sprintf("%d:%d", st.Dev, st.Ino), true},
		{fmt.Sprintf("%d:%d", st.Dev, st.Ino+1), false}, // inherited, stderr redirected
		{"", false},
		{"garbage", false},
		{fmt.Sprintf("%d:x", st.Dev), false},
	} {
		if got := IsJournal(f, env(c.v)); got != c.want {
			t.Errorf("JOURNAL_STREAM=%q: %v, want %v", c.v, got, c.want)
		}
	}
}
