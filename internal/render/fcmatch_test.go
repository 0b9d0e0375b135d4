package render

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"tiny-dfr/internal/assets"
	"tiny-dfr/internal/safefile"
)

// fakeFCMatch writes an executable shell script standing for fc-match.
// (Not parallel: writing an executable while another test forks can make
// exec fail with ETXTBSY.)
func fakeFCMatch(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fc-match")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// The pattern is passed after "--": a pattern starting with "-" cannot
// turn into an option of fc-match.
func TestFCMatchArgs(t *testing.T) {
	args := filepath.Join(t.TempDir(), "args")
	bin := fakeFCMatch(t, `for a in "$@"; do printf '%s\n' "$a"; done > `+args+`; printf /fonts/x.ttf`)
	for _, tmpl := range []string{":bold", "-v", "--format=%{family}", "--version"} {
		path, err := runFCMatch(bin, tmpl, 10*time.Second)
		if err != nil || path != (fontRef{path: "/fonts/x.ttf"}) {
			t.Errorf("%q: %v, %v", tmpl, path, err)
		}
		got, _ := os.ReadFile(args)
		if want := "--format=%{index}:%{file}\n--\n" + tmpl + "\n"; string(got) != want {
			t.Errorf("%q: fc-match got %q, want %q", tmpl, got, want)
		}
	}
}

// The real fc-match takes "--" (getopt): "-v" is a pattern, whose answer
// is a file, not the version.
func TestFCMatchRealDashPattern(t *testing.T) {
	bin, err := exec.LookPath("fc-match")
	if err != nil {
		t.Skip("no fc-match")
	}
	for _, tmpl := range []string{"-v", "--version", ":bold"} {
		path, err := runFCMatch(bin, tmpl, 30*time.Second)
		if err != nil || !filepath.IsAbs(path.path) {
			t.Errorf("%q: %v, %v; want a font file", tmpl, path, err)
		}
	}
}

func TestFCMatchBounded(t *testing.T) {
	for name, tt := range map[string]struct {
		body, want string
	}{
		"hangs":             {"exec sleep 60", "no answer within"},
		"child keeps pipes": {"sleep 5 & printf /fonts/x.ttf", "I/O"}, // exec.ErrWaitDelay
		"floods":            {"exec yes /fonts/x.ttf", "answer over 8.0 KiB"},
		"relative":          {"printf fonts/x.ttf", "not a file path"},
		"two lines":         {"printf '/a.ttf\\n/b.ttf'", "not a file path"},
		"nothing":           {"exit 0", "no font"},
		"fails":             {"echo no config >&2; exit 1", "no config"},
	} {
		bin := fakeFCMatch(t, tt.body)
		start := time.Now()
		timeout := 500 * time.Millisecond
		if name == "child keeps pipes" {
			timeout = 20 * time.Second // WaitDelay (1 s) ends it first
		}
		path, err := runFCMatch(bin, ":bold", timeout)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, %v; want an error saying %q", name, path, err, tt.want)
		}
		if d := time.Since(start); d > 30*time.Second { // a hang, not a speed check
			t.Errorf("%s: took %v", name, d)
		}
		if name == "hangs" && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("hangs: %v, want a deadline error", err)
		}
	}
}

// The file fc-match names must be a regular font file under the cap, else
// the embedded font is used with an error naming the file.
func TestFontFileNotRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.ttf")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.ttf")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.ttf")
	if err := os.WriteFile(big, assets.Font(true), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, maxFontBytes+1); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]error{
		fifo: safefile.ErrNotRegular, dir: safefile.ErrNotRegular, "/dev/zero": safefile.ErrNotRegular,
		"/dev/urandom": safefile.ErrNotRegular, loop: syscall.ELOOP, big: safefile.ErrTooLarge,
	} {
		c := &FontCache{Match: func(string) (string, error) { return path, nil }}
		f, err := c.Load("Sans:bold")
		if !errors.Is(err, want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want %v naming the file", path, err, want)
		}
		if f == nil || f.Source != "embedded Go Bold" {
			t.Errorf("%s: font %v, want the embedded bold", path, f)
		}
	}
}
