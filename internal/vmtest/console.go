package vmtest

import (
	"strconv"
	"strings"
	"time"

	"tiny-dfr/internal/vmtest/plan"
)

// console turns guest console lines into results. Its effects go through
// the function fields, so that it can be tested without a guest.
type console struct {
	onLine func(line string)
	answer func(req string) string
	send   func(line string) error
	report func(name, status, out string) // status PASS, FAIL, SKIP or "" (never finished)
	errorf func(format string, args ...any)
	logf   func(format string, args ...any)
	now    func() time.Time
	res    *Result
	began  time.Time

	current string              // top-level guest test whose output comes now
	output  map[string][]string // output per open guest test
	order   []string            // open tests, in start order
	since   int                 // console index where the current binary started

	initSeen bool // the guest's /init started (plan.Init)
}

func (c *console) line(line string) {
	c.res.Console = append(c.res.Console, line)
	c.onLine(line)
	switch {
	case strings.HasPrefix(line, plan.Init):
		c.initSeen = true
		c.res.Boot = c.now().Sub(c.began)
		if f := strings.Fields(line); len(f) == 3 {
			if s, err := strconv.ParseFloat(f[2], 64); err == nil {
				c.res.InitUptime = time.Duration(s * float64(time.Second))
			}
		}
	case strings.HasPrefix(line, plan.Ask):
		c.appendOutput(line)
		c.ask(strings.TrimPrefix(strings.TrimPrefix(line, plan.Ask), " "))
	case strings.HasPrefix(line, plan.Warn):
		c.logf("guest: %s", line)
	case strings.HasPrefix(line, plan.Exit):
		c.exit(strings.Fields(line))
	case strings.HasPrefix(line, plan.Done):
		c.res.Done = true
	case strings.HasPrefix(line, "=== RUN "), strings.HasPrefix(line, "=== NAME "), strings.HasPrefix(line, "=== CONT "):
		c.switchTo(topLevel(strings.TrimSpace(line[8:])))
	case strings.HasPrefix(line, "=== "): // PAUSE
	case strings.HasPrefix(line, "--- PASS: "), strings.HasPrefix(line, "--- FAIL: "), strings.HasPrefix(line, "--- SKIP: "):
		c.result(line[4:8], strings.Fields(line[10:]))
	case strings.HasPrefix(line, "Benchmark") && strings.Contains(line, "ns/op"):
		c.res.Benchmarks = append(c.res.Benchmarks, line)
		c.logf("%s", line)
	default:
		c.appendOutput(line)
	}
}

func (c *console) appendOutput(line string) {
	if c.current != "" {
		c.output[c.current] = append(c.output[c.current], line)
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
	answer := strings.NewReplacer("\r", " ", "\n", " ").Replace(c.answer(req))
	if err := c.send(plan.Reply + " " + answer); err != nil {
		c.errorf("answering guest %q: %v", req, err)
	}
}

// result reports one finished top-level guest test.
func (c *console) result(status string, fields []string) {
	if len(fields) == 0 {
		return
	}
	name := fields[0]
	out := strings.Join(c.output[name], "\n")
	c.close(name)
	c.report(name, status, out)
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

// flushOpen reports the guest tests that started but never finished.
func (c *console) flushOpen() {
	for len(c.order) > 0 {
		name := c.order[0]
		out := strings.Join(c.output[name], "\n")
		c.close(name)
		c.report(name, "", out)
	}
}

// exit handles "VMTEST EXIT <name> <code>".
func (c *console) exit(f []string) {
	c.flushOpen()
	if len(f) < 4 {
		c.errorf("bad guest line %q", strings.Join(f, " "))
		return
	}
	code, err := strconv.Atoi(f[3])
	if err != nil {
		c.errorf("bad guest line %q", strings.Join(f, " "))
		return
	}
	c.res.ExitCodes = append(c.res.ExitCodes, code)
	if code != 0 {
		c.errorf("guest %s.test exited %d; its output:\n%s", f[2], code, strings.Join(c.res.Console[c.since:], "\n"))
	}
	c.since = len(c.res.Console)
}
