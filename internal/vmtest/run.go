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
// lines are logged and returned in Result.Benchmarks.
//
// Without QEMU or the kit Run skips t (fails it when CI=true).
func Run(t *testing.T, cfg Config) *Result {
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
	if d, ok := t.Deadline(); ok {
		// Stop a little before go test's -timeout, to report the console.
		left := time.Until(d)
		left -= min(5*time.Second, left/10)
		if left <= 0 {
			t.Fatal("vmtest: no time left before the test deadline (go test -timeout)")
		}
		timeout = min(timeout, left)
	}
	began := time.Now()
	g, lines, err := start(&cfg, k, dir, initrd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.stop(0) })
	res := &Result{}
	c := console{
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
		send:   g.Send,
		report: func(name, status, out string) { report(t, name, status, out) },
		errorf: t.Errorf,
		logf:   t.Logf,
		now:    time.Now,
		res:    res,
		began:  began,
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	timedOut := false
loop:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				break loop
			}
			c.line(line)
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
	res.Total = time.Since(began)
	c.flushOpen()
	switch {
	case timedOut:
		t.Errorf("guest timed out after %v; console:\n%s\n%s", timeout, strings.Join(res.Console, "\n"), g.stderr.String())
	case !res.Done:
		exit := "exit status 0"
		if g.waitErr != nil {
			exit = g.waitErr.Error()
		}
		t.Errorf("guest died before finishing (QEMU %s); console:\n%s\n%s", exit, strings.Join(res.Console, "\n"), g.stderr.String())
	}
	return res
}

// report turns one guest test's result into a host subtest.
func report(t *testing.T, name, status, out string) {
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
