package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// maxLinks bounds the symlinks followed while resolving one path, as the
// kernel does (ELOOP after 40).
const maxLinks = 40

// resolve walks abs (an absolute path) the way the kernel does, one
// component at a time, and returns the places whose change can change what
// abs names: each symlink met on the way (a link re-pointed, or a directory
// link swapped as NixOS swaps /etc/static), the first component that does
// not exist yet, and the file itself. Every place is a name in a directory
// that contains no symlink, so watching those directories sees all of it.
//
// A chain of more than maxLinks links (a loop) ends the walk with an error
// wrapping unix.ELOOP; the places met so far are returned with it, so that
// fixing any link on the loop is seen.
func resolve(abs string) ([]target, error) {
	var out []target
	add := func(dir, base string) {
		t := target{dir: dir, base: base}
		for _, o := range out {
			if o == t {
				return
			}
		}
		out = append(out, t)
	}
	rest := split(abs)
	cur := "/"
	links := 0
	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur) // cur holds no symlink: lexical is right
			continue
		}
		next := filepath.Join(cur, name)
		fi, err := os.Lstat(next)
		if err != nil {
			// Not there (or not a directory on the way): wait for it here.
			add(cur, name)
			return out, nil
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			add(cur, name)
			links++
			if links > maxLinks {
				return out, fmt.Errorf("watch: %s: %w", abs, unix.ELOOP)
			}
			dest, err := os.Readlink(next)
			if err != nil {
				// Replaced between Lstat and Readlink: the event that
				// replaced it makes the watcher resolve again.
				return out, nil
			}
			if filepath.IsAbs(dest) {
				cur = "/"
			}
			rest = append(split(dest), rest...)
			continue
		}
		if len(rest) == 0 || !fi.IsDir() {
			// The file itself, or a file where a directory should be:
			// watch for it to change.
			add(cur, name)
			return out, nil
		}
		cur = next
	}
	// abs named a directory reached through "..", or "/" itself: watch it.
	if cur != "/" {
		add(filepath.Dir(cur), filepath.Base(cur))
	}
	return out, nil
}

func split(p string) []string {
	return strings.Split(p, "/")
}
