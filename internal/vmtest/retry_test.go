package vmtest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGuest plays a console transcript; with hang it keeps the console
// open until stopped (a QEMU that lingers after a panic).
type fakeGuest struct {
	lines    chan string
	once     sync.Once
	stopped  bool
	mu       sync.Mutex
	exitText string
}

func newFakeGuest(transcript string, hang bool) *fakeGuest {
	ls := strings.Split(strings.TrimSpace(transcript), "\n")
	g := &fakeGuest{lines: make(chan string, len(ls)), exitText: "exit status 0"}
	for _, l := range ls {
		g.lines <- l
	}
	if !hang {
		g.close()
	}
	return g
}

func (g *fakeGuest) close()                      { g.once.Do(func() { close(g.lines) }) }
func (g *fakeGuest) consoleLines() <-chan string { return g.lines }
func (g *fakeGuest) exitStatus() string          { return g.exitText }
func (g *fakeGuest) stderrText() string          { return "qemu: fake stderr" }
func (g *fakeGuest) stop(time.Duration) {
	g.mu.Lock()
	g.stopped = true
	g.mu.Unlock()
	g.close()
}

const (
	panicAtBoot = `[    0.000000] Linux version 6.1.0 (fake)
[    0.412000] ..MP-BIOS bug: 8254 timer not connected to IO-APIC
[    0.413000] Kernel panic - not syncing: IO-APIC + timer doesn't work!  Boot with apic=debug and send a report.`
	goodBoot = `[    0.000000] Linux version 6.1.0 (fake)
VMTEST INIT 2.5
=== RUN   TestVMA
--- PASS: TestVMA (0.01s)
PASS
VMTEST EXIT a 0
VMTEST DONE 0`
	diesAfterInit = `VMTEST INIT 2.5
=== RUN   TestVMA
sysrq: Trigger a crash
Kernel panic - not syncing: sysrq triggered crash`
)

type bootRecord struct {
	boots   int
	guests  []*fakeGuest
	logs    []string
	errors  []string
	reports []string
}

// fakeBooter boots the transcripts in turn (the last one again if asked
// for more); hang[i] keeps guest i's console open until it is stopped.
func fakeBooter(rec *bootRecord, transcripts []string, hang ...bool) *booter {
	return &booter{
		start: func() (instance, error) {
			i := min(rec.boots, len(transcripts)-1)
			rec.boots++
			g := newFakeGuest(transcripts[i], i < len(hang) && hang[i])
			rec.guests = append(rec.guests, g)
			return g, nil
		},
		console: func(res *Result, began time.Time) *console {
			return &console{
				onLine: func(string) {},
				answer: func(string) string { return "" },
				send:   func(string) error { return nil },
				report: func(name, status, out string) { rec.reports = append(rec.reports, name+" "+status) },
				errorf: func(f string, a ...any) { rec.errors = append(rec.errors, fmt.Sprintf(f, a...)) },
				logf:   func(string, ...any) {},
				now:    time.Now,
				res:    res,
				began:  began,
			}
		},
		errorf: func(f string, a ...any) { rec.errors = append(rec.errors, fmt.Sprintf(f, a...)) },
		logf:   func(f string, a ...any) { rec.logs = append(rec.logs, fmt.Sprintf(f, a...)) },
	}
}

// A guest whose kernel panics before /init is booted once more; the second
// boot's results are the run's, and the retry is logged with the console.
func TestBootRetriesGuestDeadBeforeInit(t *testing.T) {
	t.Parallel()
	var rec bootRecord
	res, err := fakeBooter(&rec, []string{panicAtBoot, goodBoot}).run(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if rec.boots != 2 || res.Boots != 2 {
		t.Errorf("booted %d times (Result.Boots %d), want 2", rec.boots, res.Boots)
	}
	if len(rec.errors) != 0 {
		t.Errorf("errors: %q", rec.errors)
	}
	if !res.Done || strings.Join(rec.reports, ";") != "TestVMA PASS" {
		t.Errorf("result %+v, reports %q", res, rec.reports)
	}
	if len(res.Console) != 7 || res.Console[1] != "VMTEST INIT 2.5" {
		t.Errorf("console is not the second boot's: %q", res.Console)
	}
	if len(rec.logs) != 1 {
		t.Fatalf("logs %q, want one retry line", rec.logs)
	}
	for _, want := range []string{"died before /init", "once more", "IO-APIC + timer doesn't work", "qemu: fake stderr"} {
		if !strings.Contains(rec.logs[0], want) {
			t.Errorf("retry log lacks %q:\n%s", want, rec.logs[0])
		}
	}
}

// Only once: a second death before /init fails the run with its console.
func TestBootRetriesOnlyOnce(t *testing.T) {
	t.Parallel()
	var rec bootRecord
	res, err := fakeBooter(&rec, []string{panicAtBoot}).run(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if rec.boots != 2 {
		t.Errorf("booted %d times, want 2", rec.boots)
	}
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "guest died before finishing") ||
		!strings.Contains(rec.errors[0], "IO-APIC") {
		t.Errorf("errors %q, want one death with the console", rec.errors)
	}
	if res.Done {
		t.Error("Done after two dead boots")
	}
}

// A guest that dies after /init started is a test failure, not a boot
// problem: it is not booted again.
func TestBootNoRetryAfterInit(t *testing.T) {
	t.Parallel()
	var rec bootRecord
	fakeBooter(&rec, []string{diesAfterInit, goodBoot}).run(time.Minute)
	if rec.boots != 1 {
		t.Errorf("booted %d times, want 1", rec.boots)
	}
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "guest died before finishing") {
		t.Errorf("errors %q", rec.errors)
	}
	if strings.Join(rec.reports, ";") != "TestVMA " {
		t.Errorf("reports %q, want TestVMA never finished", rec.reports)
	}
}

// A panic line before /init stops a guest whose QEMU lingers, and the
// retry follows at once instead of waiting for the timeout.
func TestBootPanicLineStopsLingeringGuest(t *testing.T) {
	t.Parallel()
	var rec bootRecord
	res, err := fakeBooter(&rec, []string{panicAtBoot, goodBoot}, true).run(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if rec.boots != 2 || !res.Done || len(rec.errors) != 0 {
		t.Errorf("boots %d, done %v, errors %q", rec.boots, res.Done, rec.errors)
	}
	if !rec.guests[0].stopped {
		t.Error("first guest not stopped")
	}
}

// A timeout is not retried, even before /init: the time is spent.
func TestBootTimeoutNotRetried(t *testing.T) {
	t.Parallel()
	var rec bootRecord
	fakeBooter(&rec, []string{"[    0.0] Linux version 6.1.0 (fake)", goodBoot}, true).run(10 * time.Millisecond)
	if rec.boots != 1 {
		t.Errorf("booted %d times, want 1", rec.boots)
	}
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "timed out") {
		t.Errorf("errors %q", rec.errors)
	}
}

func TestBootStartError(t *testing.T) {
	t.Parallel()
	want := errors.New("no qemu")
	b := &booter{start: func() (instance, error) { return nil, want }}
	if _, err := b.run(time.Minute); !errors.Is(err, want) {
		t.Errorf("err %v, want %v", err, want)
	}
}
