package watch

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// wait fails the test if no signal comes. The limit only turns a hang into a
// failure; it asserts nothing about speed.
func wait(t *testing.T, w *Watcher, what string) {
	t.Helper()
	select {
	case <-w.C():
	case <-time.After(20 * time.Second):
		t.Fatalf("no signal after %s", what)
	}
}

func newWatcher(t *testing.T, paths ...string) *Watcher {
	t.Helper()
	w, err := NewDebounced(10*time.Millisecond, paths...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func TestWriteInPlace(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := newWatcher(t, p)
	if err := os.WriteFile(p, []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "write")
}

func TestRenameOver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(p, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := newWatcher(t, p)
	tmp := filepath.Join(dir, ".config.toml.swp")
	if err := os.WriteFile(tmp, []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "rename")
}

func TestDirectoryAppearsLater(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	p := filepath.Join(root, "etc", "tiny-dfr", "config.toml")
	w := newWatcher(t, p)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "mkdir")
	// The new directory must now be watched itself.
	if err := os.WriteFile(p, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "create in the new directory")
}

func TestDirectoryReplaced(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "tiny-dfr")
	p := filepath.Join(dir, "config.toml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newWatcher(t, p)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "rmdir")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "create after the directory came back")
}

func TestSymlinkTarget(t *testing.T) {
	t.Parallel()
	real := filepath.Join(t.TempDir(), "dotfiles", "bar.toml")
	os.MkdirAll(filepath.Dir(real), 0o755)
	if err := os.WriteFile(real, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "config.toml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	w := newWatcher(t, link)
	if err := os.WriteFile(real, []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "write to the symlink's target")
}

// event builds one raw inotify record.
func event(wd int32, mask uint32, name string) []byte {
	n := 0
	if name != "" {
		n = (len(name) + 1 + 15) / 16 * 16
	}
	b := make([]byte, eventHeader+n)
	binary.NativeEndian.PutUint32(b[0:], uint32(wd))
	binary.NativeEndian.PutUint32(b[4:], mask)
	binary.NativeEndian.PutUint32(b[12:], uint32(n))
	copy(b[eventHeader:], name)
	return b
}

func TestParse(t *testing.T) {
	t.Parallel()
	r := &reader{
		targets: []target{{dir: "/etc/tiny-dfr", base: "config.toml"}, {dir: "/etc", base: "static"}},
		wds:     map[int32]string{1: "/etc/tiny-dfr", 2: "/etc"},
	}
	for _, c := range []struct {
		name            string
		ev              []byte
		changed, resync bool
	}{
		{"target written", event(1, unix.IN_CLOSE_WRITE, "config.toml"), true, true},
		{"renamed onto target", event(1, unix.IN_MOVED_TO, "config.toml"), true, true},
		{"target deleted", event(1, unix.IN_DELETE, "config.toml"), true, true},
		{"link on the way swapped", event(2, unix.IN_MOVED_TO, "static"), true, true},
		{"other file", event(1, unix.IN_CLOSE_WRITE, "config.toml~"), false, false},
		{"swap file", event(1, unix.IN_CREATE, ".config.toml.swp"), false, false},
		{"unknown wd", event(9, unix.IN_CLOSE_WRITE, "config.toml"), false, false},
		{"file of that name in another watched directory", event(2, unix.IN_CLOSE_WRITE, "config.toml"), false, false},
		{"other directory appears", event(2, unix.IN_CREATE|unix.IN_ISDIR, "tiny-dfr2"), false, false},
		{"directory gone", event(1, unix.IN_DELETE_SELF, ""), true, true},
		{"overflow", event(-1, unix.IN_Q_OVERFLOW, ""), true, true},
		{"truncated record", event(1, unix.IN_CLOSE_WRITE, "config.toml")[:20], false, false},
	} {
		changed, resync := r.parse(c.ev)
		if changed != c.changed || resync != c.resync {
			t.Errorf("%s: changed, resync = %v, %v; want %v, %v", c.name, changed, resync, c.changed, c.resync)
		}
	}
	// Several records in one read.
	b := append(event(1, unix.IN_CREATE, "x"), event(1, unix.IN_MOVED_TO, "config.toml")...)
	if changed, _ := r.parse(b); !changed {
		t.Error("second record of a batch not seen")
	}
}

func TestSignalsCoalesce(t *testing.T) {
	t.Parallel()
	w := &Watcher{c: make(chan struct{}, 1)}
	for range 5 {
		w.changed()
	}
	<-w.C()
	select {
	case <-w.C():
		t.Fatal("more than one pending signal")
	default:
	}
}

func TestCloseTwice(t *testing.T) {
	t.Parallel()
	w, err := New(filepath.Join(t.TempDir(), "x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("second Close: %v, want os.ErrClosed", err)
	}
	if w.Err() != nil {
		t.Fatalf("Err after Close: %v", w.Err())
	}
}

// TestNoLeak is not parallel: it counts this process's descriptors.
func TestNoLeak(t *testing.T) {
	before := openFDs(t)
	for range 10 {
		w, err := New(filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b"))
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	if after := openFDs(t); after != before {
		t.Fatalf("%d descriptors open before, %d after", before, after)
	}
}

func TestNoPaths(t *testing.T) {
	t.Parallel()
	if _, err := New(); err == nil {
		t.Fatal("New() without paths succeeded")
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(es)
}

// Done is closed once the watcher stopped; after Close, Err stays nil (it
// did not stop on its own).
func TestDoneAfterClose(t *testing.T) {
	w, err := New(filepath.Join(t.TempDir(), "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.Done():
		t.Fatal("Done closed while watching")
	default:
	}
	w.Close()
	<-w.Done()
	if err := w.Err(); err != nil {
		t.Errorf("Err after Close = %v, want nil", err)
	}
}

// A directory on the way that appears between resolving the path and
// watching its parent (mkdir -p racing the watcher) is watched too: a
// file created in it afterwards is seen. Not parallel: it sets a hook.
func TestDirectoryAppearsWhileWatching(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "etc", "tiny-dfr", "config.toml")
	made := false
	afterResolve = func() {
		// Once etc exists (its creation brought this sync), make
		// tiny-dfr before etc is watched: no event will say so.
		if _, err := os.Stat(filepath.Join(root, "etc")); err == nil && !made {
			made = true
			if err := os.Mkdir(filepath.Dir(p), 0o755); err != nil {
				t.Error(err)
			}
		}
	}
	defer func() { afterResolve = nil }()
	w := newWatcher(t, p)
	if err := os.Mkdir(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "mkdir")
	if !made {
		t.Fatal("the hook did not run")
	}
	if err := os.WriteFile(p, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "create in the directory made while watching")
}
