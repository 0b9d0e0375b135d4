package session

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
)

// TestMain lets the test binary be two helper programs in the guest (which
// has no /bin/sh): the companion (TINYDFR_TEST_COMPANION=socket) and a
// shell knowing two words, "touch FILE" and "echo TEXT" (argv: -c SCRIPT).
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "-c" {
		os.Exit(fakeShell(os.Args[2]))
	}
	if sock := os.Getenv("TINYDFR_TEST_COMPANION"); sock != "" {
		exe, _ := os.Executable()
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
		defer stop()
		c := Companion{Socket: sock, Shell: exe, Log: slog.New(slog.NewTextHandler(os.Stderr, nil)),
			MinBackoff: 20e6, MaxBackoff: 200e6}
		if err := c.Run(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func fakeShell(script string) int {
	word, arg, _ := strings.Cut(script, " ")
	switch word {
	case "touch":
		if err := os.WriteFile(arg, nil, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "echo":
		fmt.Println(arg)
		return 0
	}
	fmt.Fprintf(os.Stderr, "fake sh: %q not known\n", script)
	return 127
}
