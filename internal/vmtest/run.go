package vmtest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// Run builds cfg's test binaries, boots them in a QEMU guest and reports:
// each guest "--- PASS/FAIL/SKIP: TestX" becomes a subtest t.Run("TestX")
// carrying the guest's output for it; a test binary exiting non-zero, a
// guest that dies or a timeout fail t with the whole console. Benchmark
// lines are logged and returned in Result.Benchmarks. A guest that dies
// before its /init runs (a kernel panic at boot, QEMU exiting) is booted
// once more, logged with its console tail (Result.Boots is then 2).
//
// Without QEMU or the kit Run skips t (fails it when CI=true).
//
// t may be a *testing.B (a host benchmark that boots the guest): guest
// tests are then reported in its log (a failed one fails it), not as
// subtests.
func Run(t testing.TB, cfg Config) *Result {
	t.Helper()
	Require(t)
	k, err := openKit()
	if err != nil {
		t.Fatal(err)
	}
	cfg.defaults()
	// Not t.TempDir: the QMP socket path must stay under 108 bytes.
	dir, err := os.MkdirTemp("", "vmtest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	initrd, err := buildInitramfs(&cfg, k, dir)
	if err != nil {
		t.Fatal(err)
	}
	timeout := cfg.Timeout
	if d, ok := deadline(t); ok {
		// Stop a little before go test's -timeout, to report the console.
		left := time.Until(d)
		left -= min(5*time.Second, left/10)
		if left <= 0 {
			t.Fatal("vmtest: no time left before the test deadline (go test -timeout)")
		}
		timeout = min(timeout, left)
	}
	var g *Guest // the current boot's guest, for OnLine and OnAsk
	b := booter{
		start: func() (instance, error) {
			cur, err := start(&cfg, k, dir, initrd)
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { cur.stop(0) })
			g = cur
			return cur, nil
		},
		console: func(res *Result, began time.Time) *console {
			return &console{
				onLine: func(line string) {
					if cfg.OnLine != nil {
						cfg.OnLine(g, line)
					}
				},
				answer: func(req string) string {
					if cfg.OnAsk == nil {
						return "error: no Config.OnAsk"
					}
					return cfg.OnAsk(g, req)
				},
				send:   func(line string) error { return g.Send(line) },
				report: func(name, status, out string) { report(t, name, status, out) },
				errorf: t.Errorf,
				logf:   t.Logf,
				now:    time.Now,
				res:    res,
				began:  began,
			}
		},
		errorf: t.Errorf,
		logf:   t.Logf,
	}
	res, err := b.run(timeout)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// deadline is go test's -timeout as t knows it (a *testing.B does not).
func deadline(t testing.TB) (time.Time, bool) {
	if dt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		return dt.Deadline()
	}
	return time.Time{}, false
}

// instance is one booted guest as the booter sees it (a *Guest; fakes in
// tests).
type instance interface {
	consoleLines() <-chan string // closed when QEMU closes its output
	stop(grace time.Duration)    // kill after grace unless exited; wait
	exitStatus() string          // QEMU's exit, once stopped
	stderrText() string          // QEMU's own messages
}

// booter boots guests and feeds their consoles: a guest that dies before
// its /init runs (the kernel panicked at boot, e.g. "IO-APIC + timer
// doesn't work" on a loaded host, or QEMU exited) is booted once more,
// logged with its console tail; any other failure fails the run.
type booter struct {
	start   func() (instance, error)
	console func(res *Result, began time.Time) *console
	errorf  func(format string, args ...any)
	logf    func(format string, args ...any)
}

// maxBoots is how often a guest is booted when it dies before /init.
const maxBoots = 2

// tailLines is how much of a dead guest's console the retry log shows.
const tailLines = 30

func (b *booter) run(timeout time.Duration) (*Result, error) {
	deadline := time.Now().Add(timeout)
	for boot := 1; ; boot++ {
		began := time.Now()
		g, err := b.start()
		if err != nil {
			return nil, err
		}
		c := b.console(&Result{Boots: boot}, began)
		timedOut := b.watch(g, c, time.Until(deadline))
		res := c.res
		res.Total = time.Since(began)
		if !timedOut && !c.initSeen && boot < maxBoots && time.Until(deadline) > 0 {
			b.logf("guest died before /init (boot %d, QEMU %s); booting it once more. Console tail:\n%s\n%s",
				boot, g.exitStatus(), tail(res.Console, tailLines), g.stderrText())
			continue
		}
		c.flushOpen()
		switch {
		case timedOut:
			b.errorf("guest timed out after %v; console:\n%s\n%s", timeout, strings.Join(res.Console, "\n"), g.stderrText())
		case !res.Done:
			b.errorf("guest died before finishing (QEMU %s); console:\n%s\n%s", g.exitStatus(), strings.Join(res.Console, "\n"), g.stderrText())
		}
		return res, nil
	}
}

// watch feeds g's console to c until it closes or left passes (then
// true); g is stopped on return. A kernel panic before /init stops the
// guest at once (panic=-1 and -no-reboot make QEMU exit anyway).
func (b *booter) watch(g instance, c *console, left time.Duration) (timedOut bool) {
	lines := g.consoleLines()
	timer := time.NewTimer(max(left, 0))
	defer timer.Stop()
	stopping := false
loop:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				break loop
			}
			c.line(line)
			if !c.initSeen && !stopping && strings.Contains(line, "Kernel panic") {
				stopping = true
				go g.stop(5 * time.Second)
			}
		case <-timer.C:
			timedOut = true
			break loop
		}
	}
	if timedOut {
		g.stop(0)
	} else {
		g.stop(5 * time.Second) // the console closed: QEMU is exiting
	}
	for range lines { // let the reader goroutine finish
	}
	return timedOut
}

func tail(lines []string, n int) string {
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// report turns one guest test's result into a host subtest (a log entry
// when t is not a *testing.T).
func report(tb testing.TB, name, status, out string) {
	t, ok := tb.(*testing.T)
	if !ok {
		switch status {
		case "FAIL", "":
			tb.Errorf("guest %s failed or never finished:\n%s", name, out)
		default:
			tb.Logf("guest %s %s:\n%s", name, status, out)
		}
		return
	}
	t.Run(name, func(t *testing.T) {
		switch status {
		case "FAIL":
			t.Errorf("guest test failed:\n%s", out)
		case "SKIP":
			t.Skipf("guest test skipped:\n%s", out)
		case "PASS":
			if out != "" {
				t.Logf("guest output:\n%s", out)
			}
		default:
			t.Errorf("guest test never finished:\n%s", out)
		}
	})
}

func (r *Result) String() string {
	return fmt.Sprintf("boot %v, total %v, exit codes %v", r.Boot, r.Total, r.ExitCodes)
}
