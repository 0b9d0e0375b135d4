package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// noConfig points render at files that do not exist, so the built-in
// default is drawn whatever this machine has in /etc or /usr/share.
func noConfig(t *testing.T) []string {
	d := t.TempDir()
	return []string{"--config", filepath.Join(d, "none.toml"), "--base-config", filepath.Join(d, "none-base.toml")}
}

func TestRenderDefault(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args          []string
		width, height int
	}{
		{nil, 2008, 60},
		{[]string{"--length", "2170", "--layer", "media"}, 2170, 60},
		{[]string{"--height", "64", "--pressed", "0"}, 2008, 64},
	} {
		out := filepath.Join(t.TempDir(), "bar.png")
		args := append(append([]string{"render", "-o", out}, noConfig(t)...), c.args...)
		code, _, stderr := runCmd(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != c.width || b.Dy() != c.height {
			t.Errorf("%v: image %v, want %dx%d", args, b, c.width, c.height)
		}
		// The first button's body is grey at its middle height, the
		// gap after the bar's left end is black at the very top row.
		r, g, b, _ := img.At(20, c.height/2).RGBA()
		if r>>8 != g>>8 || g>>8 != b>>8 || (r>>8 != 0x33 && r>>8 != 0x66) {
			t.Errorf("%v: button body colour %x %x %x, want grey 0x33 or 0x66", args, r>>8, g>>8, b>>8)
		}
		if r, _, _, _ := img.At(20, 0).RGBA(); r != 0 {
			t.Errorf("%v: top row not black", args)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("PrimaryLayerKeys = [ { Text = \"x\", Action = \"F99\" } ]\n"), 0o644)
	out := filepath.Join(t.TempDir(), "bar.png")
	code, _, stderr := runCmd(t, "render", "--config", bad, "-o", out)
	if code != 1 || !strings.Contains(stderr, bad+":1:") {
		t.Errorf("bad config: exit %d, stderr %q; want 1 and a file:line:col", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a PNG was written for a broken config")
	}
	if code, _, _ := runCmd(t, "render"); code != 2 {
		t.Errorf("render without -o: exit %d, want 2", code)
	}
	if code, _, _ := runCmd(t, "render", "-o", out, "--layer", "third"); code != 2 {
		t.Errorf("render --layer third: exit %d, want 2", code)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("MediaLayerDefault = true\n"), 0o644)
	code, stdout, stderr := runCmd(t, "check", good)
	if code != 0 || !strings.Contains(stdout, "ok") {
		t.Errorf("good file: exit %d, out %q, err %q", code, stdout, stderr)
	}

	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("ActiveBrightness = 300\nPrimaryLayerKeys = [\n  { Text = \"a\", Action = \"f1\", Stretch = 1.5 },\n]\n"), 0o644)
	code, _, stderr = runCmd(t, "check", good, bad)
	if code != 1 {
		t.Fatalf("bad file: exit %d, want 1", code)
	}
	// Every problem, each as file:line:col: message.
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(bad) + `:\d+:\d+: `)
	if len(lines) < 3 {
		t.Errorf("want at least 3 problems (brightness, key name, float stretch), got %q", lines)
	}
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Errorf("line %q is not file:line:col: message", l)
		}
	}
	if !strings.Contains(stderr, "F1") {
		t.Errorf("no did-you-mean F1 for f1 in %q", stderr)
	}
	if code, _, _ := runCmd(t, "check", filepath.Join(dir, "missing.toml")); code != 1 {
		t.Errorf("missing file: exit %d, want 1", code)
	}
}

func TestKeysVersionHelp(t *testing.T) {
	t.Parallel()
	code, out, _ := runCmd(t, "keys")
	if code != 0 || !regexp.MustCompile(`(?m)^F1\s+59$`).MatchString(out) || strings.Contains(out, "Unknown2FF") {
		t.Errorf("keys: exit %d, output lacks F1 59 or lists placeholders", code)
	}
	if _, out, _ := runCmd(t, "keys", "--all"); !strings.Contains(out, "Unknown2FF") {
		t.Error("keys --all lacks placeholders")
	}
	if code, out, _ := runCmd(t, "--version"); code != 0 || !strings.HasPrefix(out, "tiny-dfr ") {
		t.Errorf("--version: %d %q", code, out)
	}
	for _, c := range []string{"render", "check", "keys", "preview", "session", "daemon"} {
		if code, _, errOut := runCmd(t, c, "--help"); code != 0 || !strings.Contains(errOut, "Usage: tiny-dfr") {
			t.Errorf("%s --help: exit %d, %q", c, code, errOut)
		}
	}
	if code, _, _ := runCmd(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func TestPreviewWithoutWayland(t *testing.T) {
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	code, _, stderr := runCmd(t, "preview")
	if code != 2 || !strings.Contains(stderr, "tiny-dfr render") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("preview without Wayland: exit %d, stderr %q; want 2 and one line pointing to render", code, stderr)
	}
}
