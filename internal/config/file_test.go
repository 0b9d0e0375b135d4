package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/safefile"
)

// hostileFile is a path that is not a readable config, and what reading
// it must say.
type hostileFile struct {
	name, path string
	is         error  // errors.Is(diag, is)
	msg        string // in the message
}

// hostileFiles makes, in dir, every kind of path a careless edit or a
// hostile user can put where a config is read.
func hostileFiles(t *testing.T, dir string) []hostileFile {
	t.Helper()
	fifo := filepath.Join(dir, "fifo.toml")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 4<<20); err != nil { // sparse: cheap
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "dir.toml")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.toml")
	if err := os.Symlink("loop2.toml", loop); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop.toml", filepath.Join(dir, "loop2.toml")); err != nil {
		t.Fatal(err)
	}
	return []hostileFile{
		{"fifo", fifo, safefile.ErrNotRegular, "is a FIFO, not a regular file"},
		{"over-cap", big, safefile.ErrTooLarge, "4.0 MiB, over the 1.0 MiB cap"},
		{"directory", sub, safefile.ErrNotRegular, "is a directory, not a regular file"},
		{"dev-zero", "/dev/zero", safefile.ErrNotRegular, "is a character device, not a regular file"},
		{"dev-urandom", "/dev/urandom", safefile.ErrNotRegular, "is a character device, not a regular file"},
		{"symlink-loop", loop, unix.ELOOP, "symlink loop"},
	}
}

// withDeadline runs f and fails the test if it has not returned after a
// minute: the reads under test used to block forever or run out of memory.
func withDeadline(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s has not returned after a minute", what)
	}
}

func TestLoadHostileUserFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := writeFile(t, dir, "base.toml", "ActiveBrightness = 100\n")
	for _, h := range hostileFiles(t, dir) {
		t.Run(h.name, func(t *testing.T) {
			var cfg *Config
			var diags []Diagnostic
			withDeadline(t, "Load", func() { cfg, diags = Load(base, h.path) })
			if len(diags) != 1 {
				t.Fatalf("diags = %v, want one", diags)
			}
			d := diags[0]
			if d.Severity != Error || d.Kind != KindIO || d.Pos != (Pos{File: h.path}) || !errors.Is(d, h.is) {
				t.Errorf("diag %#v: want an I/O error at %s that is %v", d, h.path, h.is)
			}
			// The line names the path once and says what it is.
			if s := d.Error(); !strings.HasPrefix(s, h.path+": ") || strings.Count(s, h.path) != 1 || !strings.Contains(s, h.msg) {
				t.Errorf("message %q: want %q, the path once", s, h.msg)
			}
			// The base is used, as for any user file with errors.
			want := stripPos(Default())
			want.ActiveBrightness = 100
			if !reflect.DeepEqual(stripPos(cfg), want) {
				t.Errorf("cfg = %+v, want the base", cfg)
			}
		})
	}
}

func TestLoadHostileBaseFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	user := writeFile(t, dir, "user.toml", "MediaLayerDefault = true\n")
	for _, h := range hostileFiles(t, dir) {
		var cfg *Config
		var diags []Diagnostic
		withDeadline(t, "Load", func() { cfg, diags = Load(h.path, user) })
		if len(diags) != 1 || diags[0].Kind != KindIO || !errors.Is(diags[0], h.is) {
			t.Errorf("%s: diags = %v", h.name, diags)
		}
		want := stripPos(Default())
		want.MediaLayerDefault = true
		if !reflect.DeepEqual(stripPos(cfg), want) {
			t.Errorf("%s: cfg = %+v, want the embedded default and the user file", h.name, cfg)
		}
	}
}

func TestLoadDanglingSymlinkIsMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "config.toml")
	if err := os.Symlink("gone.toml", p); err != nil {
		t.Fatal(err)
	}
	if _, diags := Load("", p); len(diags) != 0 {
		t.Errorf("dangling symlink: %v, want no user config", diags)
	}
	if _, diags := ParseFile(p); len(diags) != 1 || !errors.Is(diags[0], fs.ErrNotExist) {
		t.Errorf("ParseFile: %v", diags)
	}
}
