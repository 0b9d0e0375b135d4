package daemon

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary be the guest's /bin/sh (the guest has no
// shell; vm_session_test.go): it knows "touch FILE" and "cat FILE"
// (argv: -c SCRIPT); and /bin/wpctl (vm_volume_test.go).
func TestMain(m *testing.M) {
	if isWpctl() {
		os.Exit(fakeWpctl(os.Args[1:]))
	}
	if len(os.Args) == 3 && os.Args[1] == "-c" {
		os.Exit(fakeShell(os.Args[2]))
	}
	os.Exit(m.Run())
}

func fakeShell(script string) int {
	word, arg, _ := strings.Cut(script, " ")
	switch word {
	case "touch":
		f, err := os.OpenFile(arg, os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		f.Close()
		return 0
	case "cat":
		b, err := os.ReadFile(arg)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		os.Stdout.Write(b)
		return 0
	}
	fmt.Fprintf(os.Stderr, "fake sh: %q not known\n", script)
	return 127
}
