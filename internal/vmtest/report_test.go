package vmtest

import (
	"fmt"
	"testing"
)

// recordTB is a testing.TB that keeps what report says (a host benchmark
// as report sees it: not a *testing.T).
type recordTB struct {
	testing.TB
	errs, logs []string
}

func (r *recordTB) Helper()                      {}
func (r *recordTB) Errorf(f string, args ...any) { r.errs = append(r.errs, fmt.Sprintf(f, args...)) }
func (r *recordTB) Logf(f string, args ...any)   { r.logs = append(r.logs, fmt.Sprintf(f, args...)) }

// A benchmark booting the guest (Run with a *testing.B) gets the guest
// tests' results in its log, and fails with a failed or unfinished one.
func TestReportWithoutSubtests(t *testing.T) {
	for _, c := range []struct {
		status     string
		errs, logs int
	}{{"PASS", 0, 1}, {"SKIP", 0, 1}, {"FAIL", 1, 0}, {"", 1, 0}} {
		r := &recordTB{TB: t}
		report(r, "TestVMx", c.status, "guest says hi")
		if len(r.errs) != c.errs || len(r.logs) != c.logs {
			t.Errorf("status %q: errors %q, logs %q", c.status, r.errs, r.logs)
		}
	}
}
