package vmtest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/vmtest/plan"
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
	dir := t.TempDir()
	initrd, err := buildInitramfs(&cfg, k, dir)
	if err != nil {
		t.Fatal(err)
	}
	timeout := cfg.Timeout
	if d, ok := t.Deadline(); ok {
		if left := time.Until(d) - 5*time.Second; left < timeout {
			timeout = left
		}
	}
	began := time.Now()
	g, lines, err := start(&cfg, k, dir, initrd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.stop)
	res := &Result{}
	c := console{t: t, cfg: &cfg, g: g, res: res, began: began}
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
	g.stop()
	res.Total = time.Since(began)
	c.flushOpen()
	switch {
	case timedOut:
		t.Errorf("guest timed out after %v; console:\n%s\n%s", timeout, strings.Join(res.Console, "\n"), g.stderr.String())
	case !res.Done:
		t.Errorf("guest died before finishing (%v); console:\n%s\n%s", g.waitErr, strings.Join(res.Console, "\n"), g.stderr.String())
	}
	return res
}

// console turns guest console lines into subtests and results.
type console struct {
	t     *testing.T
	cfg   *Config
	g     *Guest
	res   *Result
	began time.Time

	current string              // top-level guest test whose output comes now
	output  map[string][]string // output per open guest test
	order   []string            // open tests, in start order
	since   int                 // console index where the current binary started
}

func (c *console) line(line string) {
	c.res.Console = append(c.res.Console, line)
	if c.cfg.OnLine != nil {
		c.cfg.OnLine(c.g, line)
	}
	switch {
	case strings.HasPrefix(line, plan.Init):
		c.res.Boot = time.Since(c.began)
	case strings.HasPrefix(line, plan.Ask):
		c.ask(strings.TrimPrefix(strings.TrimPrefix(line, plan.Ask), " "))
	case strings.HasPrefix(line, plan.Warn):
		c.t.Log("guest:", line)
	case strings.HasPrefix(line, plan.Exit):
		c.exit(strings.Fields(line))
	case strings.HasPrefix(line, plan.Done):
		c.res.Done = true
	case strings.HasPrefix(line, "=== RUN ") || strings.HasPrefix(line, "=== NAME ") || strings.HasPrefix(line, "=== CONT "):
		c.switchTo(topLevel(strings.TrimSpace(line[8:])))
	case strings.HasPrefix(line, "--- PASS: ") || strings.HasPrefix(line, "--- FAIL: ") || strings.HasPrefix(line, "--- SKIP: "):
		c.result(line[4:8], strings.Fields(line[10:]))
	case strings.HasPrefix(line, "Benchmark") && strings.Contains(line, "ns/op"):
		c.res.Benchmarks = append(c.res.Benchmarks, line)
		c.t.Log(line)
	default:
		if c.current != "" {
			c.output[c.current] = append(c.output[c.current], line)
		}
	}
}

func topLevel(name string) string {
	name, _, _ = strings.Cut(name, "/")
	return name
}

func (c *console) switchTo(name string) {
	if c.output == nil {
		c.output = map[string][]string{}
	}
	if _, open := c.output[name]; !open {
		c.output[name] = nil
		c.order = append(c.order, name)
	}
	c.current = name
}

func (c *console) ask(req string) {
	answer := "error: no Config.OnAsk"
	if c.cfg.OnAsk != nil {
		answer = c.cfg.OnAsk(c.g, req)
	}
	answer = strings.NewReplacer("\r", " ", "\n", " ").Replace(answer)
	if err := c.g.Send(plan.Reply + " " + answer); err != nil {
		c.t.Errorf("answering guest %q: %v", req, err)
	}
}

// result reports one finished guest test as a host subtest.
func (c *console) result(status string, fields []string) {
	if len(fields) == 0 {
		return
	}
	name := fields[0]
	out := strings.Join(c.output[name], "\n")
	c.close(name)
	c.t.Run(name, func(t *testing.T) {
		switch status {
		case "FAIL":
			t.Errorf("guest test failed:\n%s", out)
		case "SKIP":
			t.Skipf("guest test skipped:\n%s", out)
		default:
			if out != "" {
				t.Logf("guest output:\n%s", out)
			}
		}
	})
}

func (c *console) close(name string) {
	delete(c.output, name)
	for i, n := range c.order {
		if n == name {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
	if c.current == name {
		c.current = ""
	}
}

// flushOpen fails the guest tests that started but never reported.
func (c *console) flushOpen() {
	for len(c.order) > 0 {
		name := c.order[0]
		out := strings.Join(c.output[name], "\n")
		c.close(name)
		c.t.Run(name, func(t *testing.T) {
			t.Errorf("guest test never finished:\n%s", out)
		})
	}
}

func (c *console) exit(f []string) {
	c.flushOpen()
	if len(f) < 4 {
		return
	}
	code, err := strconv.Atoi(f[3])
	if err != nil {
		c.t.Errorf("bad guest line %q", strings.Join(f, " "))
		return
	}
	c.res.ExitCodes = append(c.res.ExitCodes, code)
	if code != 0 {
		c.t.Errorf("guest %s.test exited %d; its output:\n%s", f[2], code, strings.Join(c.res.Console[c.since:], "\n"))
	}
	c.since = len(c.res.Console)
}

func (r *Result) String() string {
	return fmt.Sprintf("boot %v, total %v, exit codes %v", r.Boot, r.Total, r.ExitCodes)
}
