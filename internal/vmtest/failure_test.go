package vmtest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestHarnessReportsFailures runs TestHarnessChild in a child process and
// checks that the harness failed it for the right reasons: a failing guest
// test becomes a failing subtest, and a guest whose kernel dies fails the
// run with the console.
func TestHarnessReportsFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a QEMU guest (-short)")
	}
	Require(t)
	if InGuest() {
		t.Skip("host side")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestHarnessChild$", "-test.v")
	cmd.Env = append(os.Environ(), "VMTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("child: %v, want a failing exit\n%s", err, out)
	}
	for _, want := range []string{
		"--- FAIL: TestHarnessChild/TestVMFailing",
		"guest test failed",
		"failing on purpose",
		"guest died before finishing",
		"sysrq: Trigger a crash",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

func TestHarnessChild(t *testing.T) {
	if os.Getenv("VMTEST_CHILD") != "1" {
		t.Skip("run by TestHarnessReportsFailures")
	}
	Run(t, Config{
		Packages: []string{"."},
		Run:      "^TestVM(Failing|Crash)$",
		Env:      map[string]string{"VMTEST_FAILURES": "1"},
	})
}

func failuresWanted(t *testing.T) {
	GuestOnly(t)
	if os.Getenv("VMTEST_FAILURES") != "1" {
		t.Skip("run by TestHarnessChild")
	}
}

func TestVMFailing(t *testing.T) {
	failuresWanted(t)
	t.Error("failing on purpose")
}

func TestVMCrash(t *testing.T) {
	failuresWanted(t)
	if err := os.WriteFile("/proc/sysrq-trigger", []byte("c"), 0); err != nil {
		t.Fatal(err)
	}
	select {} // the kernel is gone
}
