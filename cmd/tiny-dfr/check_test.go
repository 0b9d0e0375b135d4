package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/config"
)

// hostileConfigs makes in dir every kind of file the daemon refuses to use
// as a config, by name.
func hostileConfigs(t *testing.T, dir string) map[string]string {
	t.Helper()
	fifo := filepath.Join(dir, "fifo.toml")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 2<<20); err != nil { // sparse
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "dir.toml")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.toml")
	if err := os.Symlink("loop.toml", loop); err != nil {
		t.Fatal(err)
	}
	// Content over the limits: a layer of 65 buttons, and 90k unknown
	// keys (once 15 s and more to parse).
	buttons := filepath.Join(dir, "buttons.toml")
	if err := os.WriteFile(buttons, []byte("PrimaryLayerKeys = ["+strings.Repeat(`{ Text = "a" },`, 65)+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var keys strings.Builder
	for i := range 90000 {
		fmt.Fprintf(&keys, "k%05d = 1\n", i)
	}
	unknown := filepath.Join(dir, "keys.toml")
	if err := os.WriteFile(unknown, []byte(keys.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// A clock format of 100k fields (2.5 s a tick once) and a key of
	// 400k dotted parts (370 MB once).
	format := filepath.Join(dir, "format.toml")
	if err := os.WriteFile(format, []byte(`PrimaryLayerKeys = [ { Time = "`+strings.Repeat("%S", 100000)+`" } ]`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dotted := filepath.Join(dir, "dotted.toml")
	if err := os.WriteFile(dotted, []byte(strings.Repeat("a.", 400000-1)+"a = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.toml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"fifo": fifo, "over-cap": big, "directory": sub, "dev-zero": "/dev/zero", "symlink-loop": loop,
		"buttons": buttons, "unknown-keys": unknown, "dev-urandom": "/dev/urandom", "link-to-zero": zero,
		"time-format": format, "dotted-key": dotted,
	}
}

// TestCheckAgreesWithLoad: `check` reads and parses a file exactly as the
// daemon (config.Load) does: the same errors, word for word, and exit 1
// where the daemon would not use the file.
func TestCheckAgreesWithLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, path := range hostileConfigs(t, dir) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var code int
			var stderr string
			var diags []config.Diagnostic
			withDeadline(t, func() {
				_, diags = config.Load("", path)
				code, _, stderr = runCmd(t, "check", path)
			})
			if !config.HasErrors(diags) {
				t.Fatalf("Load uses %s: %v", path, diags)
			}
			var want []string
			for _, d := range diags {
				want = append(want, d.Error())
			}
			if code != 1 || strings.TrimSpace(stderr) != strings.Join(want, "\n") {
				t.Errorf("check: exit %d, stderr %q; want 1 and Load's %q", code, stderr, want)
			}
		})
	}
}

func withDeadline(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("still reading after a minute")
	}
}

// TestBinaryHostileConfig runs the built binary: `check` and `render` on a
// FIFO (and the other refused kinds, and content over the limits) end at
// once with exit 1 and a line naming the file (and the place) and what is
// wrong.
func TestBinaryHostileConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "tiny-dfr")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	what := map[string]string{
		"fifo":         "is a FIFO, not a regular file",
		"over-cap":     "over the 1.0 MiB cap",
		"directory":    "is a directory, not a regular file",
		"dev-zero":     "is a character device, not a regular file",
		"symlink-loop": "symbolic links",
		"buttons":      "more than 64 buttons",
		"unknown-keys": "more than 4096 keys",
		"dev-urandom":  "is a character device, not a regular file",
		"link-to-zero": "is a character device, not a regular file",
		"time-format":  "Time: longer than 128 bytes",
		"dotted-key":   "more than 16 dotted parts",
	}
	for name, path := range hostileConfigs(t, dir) {
		for _, args := range [][]string{
			{"check", path},
			{"render", "--base-config", "", "--config", path, "-o", filepath.Join(dir, name+".png")},
		} {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := exec.CommandContext(ctx, bin, args...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			late := ctx.Err() != nil
			cancel()
			if late {
				t.Fatalf("%v: still running after a minute", args)
			}
			code := cmd.ProcessState.ExitCode()
			line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path) + `(:\d+:\d+)?: .*` + regexp.QuoteMeta(what[name]))
			if code != 1 || !line.MatchString(stderr.String()) {
				t.Errorf("%v: exit %d (%v), stderr %q; want 1 and %q", args, code, err, stderr.String(), line)
			}
		}
	}
}
