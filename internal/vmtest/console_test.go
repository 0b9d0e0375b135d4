package vmtest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

type consoleRecord struct {
	reports []string // "name status out"
	errors  []string
	sent    []string
	seen    int
}

func newTestConsole(rec *consoleRecord, sendErr error) *console {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return &console{
		onLine: func(string) { rec.seen++ },
		answer: func(req string) string { return "re:" + req + "\nsecond line" },
		send: func(line string) error {
			rec.sent = append(rec.sent, line)
			return sendErr
		},
		report: func(name, status, out string) {
			rec.reports = append(rec.reports, fmt.Sprintf("%s %s %q", name, status, out))
		},
		errorf: func(format string, args ...any) { rec.errors = append(rec.errors, fmt.Sprintf(format, args...)) },
		logf:   func(string, ...any) {},
		now:    func() time.Time { return t0.Add(3 * time.Second) },
		res:    &Result{},
		began:  t0,
	}
}

const transcript = `[    0.5] some kernel line
VMTEST INIT 2.39
=== RUN   TestVMA
    a_test.go:1: hello
VMTEST ASK ping
--- PASS: TestVMA (0.01s)
=== RUN   TestVMB
=== RUN   TestVMB/sub
    b_test.go:2: boom
=== PAUSE TestVMC
=== RUN   TestVMC
=== NAME  TestVMB
    b_test.go:3: more
--- FAIL: TestVMB (0.02s)
    --- FAIL: TestVMB/sub (0.01s)
--- SKIP: TestVMC (0.00s)
BenchmarkVMX
BenchmarkVMX    	     100	     12345 ns/op
FAIL
VMTEST EXIT first 1
=== RUN   TestVMD
    d_test.go:4: started
VMTEST WARN something
VMTEST EXIT second 2
VMTEST DONE 1 2`

func TestConsole(t *testing.T) {
	t.Parallel()
	var rec consoleRecord
	c := newTestConsole(&rec, nil)
	lines := strings.Split(transcript, "\n")
	for _, l := range lines {
		c.line(l)
	}
	wantReports := []string{
		`TestVMA PASS "    a_test.go:1: hello\nVMTEST ASK ping"`,
		`TestVMB FAIL "    b_test.go:2: boom\n    b_test.go:3: more"`,
		`TestVMC SKIP ""`,
		`TestVMD  "    d_test.go:4: started"`,
	}
	if !reflect.DeepEqual(rec.reports, wantReports) {
		t.Errorf("reports:\n%s\nwant:\n%s", strings.Join(rec.reports, "\n"), strings.Join(wantReports, "\n"))
	}
	if want := []string{"VMTEST REPLY re:ping second line"}; !reflect.DeepEqual(rec.sent, want) {
		t.Errorf("sent %q, want %q", rec.sent, want)
	}
	if len(rec.errors) != 2 || !strings.Contains(rec.errors[0], "first.test exited 1") || !strings.Contains(rec.errors[1], "second.test exited 2") {
		t.Errorf("errors %q, want the two non-zero exits", rec.errors)
	}
	if strings.Contains(rec.errors[1], "TestVMA") || !strings.Contains(rec.errors[1], "d_test.go:4") {
		t.Errorf("second exit's output should hold only the second binary's lines: %q", rec.errors[1])
	}
	r := c.res
	if !r.Done || !reflect.DeepEqual(r.ExitCodes, []int{1, 2}) || r.Boot != 3*time.Second || r.InitUptime != 2390*time.Millisecond || rec.seen != len(lines) || len(r.Console) != len(lines) {
		t.Errorf("result %+v (seen %d lines of %d)", r, rec.seen, len(lines))
	}
	if want := []string{"BenchmarkVMX    \t     100\t     12345 ns/op"}; !reflect.DeepEqual(r.Benchmarks, want) {
		t.Errorf("benchmarks %q, want %q", r.Benchmarks, want)
	}
}

func TestConsoleSendError(t *testing.T) {
	t.Parallel()
	var rec consoleRecord
	c := newTestConsole(&rec, errors.New("pipe closed"))
	c.line("VMTEST ASK x")
	if len(rec.errors) != 1 {
		t.Errorf("errors %q, want one", rec.errors)
	}
}

func TestConsoleBadExit(t *testing.T) {
	t.Parallel()
	var rec consoleRecord
	c := newTestConsole(&rec, nil)
	c.line("VMTEST EXIT x")
	c.line("VMTEST EXIT x y")
	if len(rec.errors) != 2 || c.res.Done {
		t.Errorf("errors %q done %v", rec.errors, c.res.Done)
	}
}
