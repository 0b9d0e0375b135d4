package watch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Events asked for on a file's directory, and on an ancestor waiting for
// the directory to appear.
const (
	dirMask = unix.IN_CLOSE_WRITE | unix.IN_MODIFY | unix.IN_ATTRIB |
		unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO |
		unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_ONLYDIR
	// selfGone: the watched directory itself went away.
	selfGone = unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_IGNORED | unix.IN_UNMOUNT
)

// eventHeader is the fixed part of struct inotify_event (wd, mask, cookie,
// len); the name follows, NUL padded to len bytes.
const eventHeader = 16

// reader owns the inotify descriptor's watches; only its goroutine touches
// wds after New returns.
type reader struct {
	w   *Watcher
	fd  int
	wds map[int32]string // watch descriptor → watched directory
}

// sync watches, for each target, its directory or else the nearest existing
// ancestor. Adding a watch twice returns the same descriptor.
func (r *reader) sync() error {
	for _, t := range r.w.targets {
		dir := t.dir
		for {
			wd, err := unix.InotifyAddWatch(r.fd, dir, dirMask)
			if err == nil {
				r.wds[int32(wd)] = dir
				break
			}
			parent := filepath.Dir(dir)
			if !(errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR)) || parent == dir {
				return fmt.Errorf("watch: %s: %w", dir, err)
			}
			dir = parent
		}
	}
	return nil
}

func (r *reader) run() {
	defer close(r.w.done)
	buf := make([]byte, 64*(eventHeader+unix.NAME_MAX+1))
	for {
		n, err := r.w.f.Read(buf)
		if err != nil {
			if !errors.Is(err, os.ErrClosed) {
				r.w.stopped(fmt.Errorf("watch: read inotify: %w", err))
			}
			return
		}
		changed, resync := r.parse(buf[:n])
		if resync {
			if err := r.sync(); err != nil {
				r.w.stopped(err)
				r.w.changed()
				return
			}
		}
		if changed {
			r.w.changed()
		}
	}
}

// parse reads a batch of events and reports whether a target may have
// changed and whether the watches must be set again.
func (r *reader) parse(b []byte) (changed, resync bool) {
	for len(b) >= eventHeader {
		wd := int32(binary.NativeEndian.Uint32(b[0:]))
		mask := binary.NativeEndian.Uint32(b[4:])
		nameLen := int(binary.NativeEndian.Uint32(b[12:]))
		if eventHeader+nameLen > len(b) {
			break
		}
		name := cstring(b[eventHeader : eventHeader+nameLen])
		b = b[eventHeader+nameLen:]

		if mask&unix.IN_Q_OVERFLOW != 0 {
			changed, resync = true, true
			continue
		}
		dir, ok := r.wds[wd]
		if !ok {
			continue
		}
		if mask&selfGone != 0 {
			if mask&unix.IN_IGNORED != 0 {
				delete(r.wds, wd)
			}
			if r.isTargetDir(dir) || r.isAncestor(dir) {
				changed, resync = true, true
			}
			continue
		}
		if name == "" {
			continue
		}
		if r.isTarget(dir, name) {
			changed = true
			continue
		}
		// A directory on the way to a target appeared: watch deeper.
		if mask&unix.IN_ISDIR != 0 && mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0 && r.leadsToTarget(filepath.Join(dir, name)) {
			changed, resync = true, true
		}
	}
	return changed, resync
}

func (r *reader) isTarget(dir, name string) bool {
	for _, t := range r.w.targets {
		if t.dir == dir && t.base == name {
			return true
		}
	}
	return false
}

func (r *reader) isTargetDir(dir string) bool {
	for _, t := range r.w.targets {
		if t.dir == dir {
			return true
		}
	}
	return false
}

// isAncestor: dir is a proper ancestor of some target's directory.
func (r *reader) isAncestor(dir string) bool {
	for _, t := range r.w.targets {
		if t.dir != dir && r.leadsTo(dir, t.dir) {
			return true
		}
	}
	return false
}

// leadsToTarget: p is a target's directory or one of its ancestors.
func (r *reader) leadsToTarget(p string) bool {
	for _, t := range r.w.targets {
		if r.leadsTo(p, t.dir) {
			return true
		}
	}
	return false
}

func (r *reader) leadsTo(p, dir string) bool {
	rel, err := filepath.Rel(p, dir)
	return err == nil && rel != ".." && !startsWithDotDot(rel)
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator) || rel == ".."
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
