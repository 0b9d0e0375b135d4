package watch

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// quiet is how long a test listens for a signal that must not come. It can
// only let a wrong signal through unseen, never fail a right watcher.
const quiet = 300 * time.Millisecond

// settle drains the signals of what the test did so far.
func settle(w *Watcher) {
	for {
		select {
		case <-w.C():
		case <-time.After(quiet):
			return
		}
	}
}

func expectQuiet(t *testing.T, w *Watcher, what string) {
	t.Helper()
	select {
	case <-w.C():
		t.Fatalf("signal after %s", what)
	case <-time.After(quiet):
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// relink points link at dest atomically (a new link renamed over the old
// one), as dotfile managers and NixOS do.
func relink(t *testing.T, dest, link string) {
	t.Helper()
	tmp := link + ".tmp"
	if err := os.Symlink(dest, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, dest, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dest, link); err != nil {
		t.Fatal(err)
	}
}

func TestSymlinkRepointed(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a := filepath.Join(root, "a", "bar.toml")
	b := filepath.Join(root, "b", "bar.toml")
	write(t, a, "a")
	write(t, b, "b")
	link := filepath.Join(root, "etc", "config.toml")
	symlink(t, a, link)
	w := newWatcher(t, link)

	write(t, a, "a2")
	wait(t, w, "an edit of the target A")
	settle(w)
	relink(t, b, link)
	wait(t, w, "the link re-pointed to B")
	settle(w)
	write(t, b, "b2")
	wait(t, w, "an edit of the new target B")
	settle(w)
	write(t, a, "a3")
	expectQuiet(t, w, "an edit of A, no longer the target")
}

func TestSymlinkChain(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	f1 := filepath.Join(root, "store", "one.toml")
	f2 := filepath.Join(root, "store", "two.toml")
	write(t, f1, "1")
	write(t, f2, "2")
	mid := filepath.Join(root, "profile", "config.toml")
	symlink(t, "../store/one.toml", mid) // relative
	link := filepath.Join(root, "etc", "config.toml")
	symlink(t, mid, link)
	w := newWatcher(t, link)

	write(t, f1, "1b")
	wait(t, w, "an edit at the end of a chain of two links")
	settle(w)
	relink(t, "../store/two.toml", mid)
	wait(t, w, "the second link re-pointed")
	settle(w)
	write(t, f2, "2b")
	wait(t, w, "an edit of the second link's new target")
	settle(w)
	write(t, f1, "1c")
	expectQuiet(t, w, "an edit of the old end of the chain")
}

// TestSymlinkedDirectorySwapped is NixOS: /etc/tiny-dfr/config.toml →
// /etc/static/tiny-dfr/config.toml, /etc/static → a store generation whose
// file is a link again; a rebuild swaps /etc/static atomically.
func TestSymlinkedDirectorySwapped(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	etc := filepath.Join(root, "etc")
	gen := func(n string) string {
		store := filepath.Join(root, "nix", "store", n)
		write(t, filepath.Join(store, "config.toml"), n)
		symlink(t, filepath.Join(store, "config.toml"), filepath.Join(store, "etc", "tiny-dfr", "config.toml"))
		return store
	}
	g1, g2 := gen("gen1"), gen("gen2")
	symlink(t, filepath.Join(g1, "etc"), filepath.Join(etc, "static"))
	link := filepath.Join(etc, "tiny-dfr", "config.toml")
	symlink(t, "/"+filepath.Join(etc, "static", "tiny-dfr", "config.toml")[1:], link)
	w := newWatcher(t, link)

	relink(t, filepath.Join(g2, "etc"), filepath.Join(etc, "static"))
	wait(t, w, "/etc/static swapped")
	settle(w)
	write(t, filepath.Join(g2, "config.toml"), "gen2b")
	wait(t, w, "an edit in the new generation")
	settle(w)
	write(t, filepath.Join(g1, "config.toml"), "gen1b")
	expectQuiet(t, w, "an edit in the old generation")
}

func TestSymlinkedDirectoryOnTheWay(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, filepath.Join(root, "dotfiles", "v1", "config.toml"), "1")
	write(t, filepath.Join(root, "dotfiles", "v2", "config.toml"), "2")
	dir := filepath.Join(root, "etc", "tiny-dfr")
	symlink(t, filepath.Join(root, "dotfiles", "v1"), dir)
	w := newWatcher(t, filepath.Join(dir, "config.toml"))

	write(t, filepath.Join(root, "dotfiles", "v1", "config.toml"), "1b")
	wait(t, w, "an edit through a directory link")
	settle(w)
	relink(t, filepath.Join(root, "dotfiles", "v2"), dir)
	wait(t, w, "the directory link re-pointed")
	settle(w)
	write(t, filepath.Join(root, "dotfiles", "v2", "config.toml"), "2b")
	wait(t, w, "an edit in the new directory")
}

func TestSymlinkDangling(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	target := filepath.Join(root, "later", "dir", "config.toml")
	link := filepath.Join(root, "config.toml")
	symlink(t, target, link)
	w := newWatcher(t, link)
	write(t, target, "x") // makes both directories, then the file
	wait(t, w, "the link's target appearing")
	settle(w)
	write(t, target, "y")
	wait(t, w, "an edit of the target that appeared")
}

// TestSymlinkLoop: a loop is no error for the watcher (reading the file
// reports it), never a hang nor a busy loop, and fixing it is seen.
func TestSymlinkLoop(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a := filepath.Join(root, "a")
	b := filepath.Join(root, "sub", "b")
	symlink(t, b, a)
	symlink(t, a, b)
	w := newWatcher(t, a)
	expectQuiet(t, w, "watching a loop (a busy loop signals)")
	if err := os.Remove(b); err != nil {
		t.Fatal(err)
	}
	wait(t, w, "a link of the loop removed")
	settle(w)
	write(t, b, "now a file")
	wait(t, w, "the loop replaced by a file")
	if err := w.Err(); err != nil {
		t.Fatalf("watcher stopped: %v", err)
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "real", "f"), "x")
	symlink(t, "real", filepath.Join(root, "d"))             // relative directory link
	symlink(t, "../d/f", filepath.Join(root, "links", "l1")) // relative, through d
	symlink(t, filepath.Join(root, "links", "l1"), filepath.Join(root, "l2"))
	write(t, filepath.Join(root, "plain"), "x")

	got, err := resolve(filepath.Join(root, "l2"))
	if err != nil {
		t.Fatal(err)
	}
	want := []target{
		{root, "l2"},
		{filepath.Join(root, "links"), "l1"},
		{root, "d"},
		{filepath.Join(root, "real"), "f"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resolve chain:\n got %v\nwant %v", got, want)
	}

	got, _ = resolve(filepath.Join(root, "missing", "x", "config.toml"))
	if want := []target{{root, "missing"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("missing: got %v, want %v", got, want)
	}
	got, _ = resolve(filepath.Join(root, "plain", "config.toml"))
	if want := []target{{root, "plain"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("file on the way: got %v, want %v", got, want)
	}

	symlink(t, "self", filepath.Join(root, "self"))
	got, err = resolve(filepath.Join(root, "self"))
	if !errors.Is(err, unix.ELOOP) {
		t.Errorf("loop: err %v, want ELOOP", err)
	}
	if want := []target{{root, "self"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("loop: got %v, want %v", got, want)
	}
}
