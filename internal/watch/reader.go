package watch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Events asked for on each watched directory.
const (
	dirMask = unix.IN_CLOSE_WRITE | unix.IN_MODIFY | unix.IN_ATTRIB |
		unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO |
		unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_ONLYDIR | unix.IN_DONT_FOLLOW
	// selfGone: the watched directory itself went away.
	selfGone = unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_IGNORED | unix.IN_UNMOUNT
)

// eventHeader is the fixed part of struct inotify_event (wd, mask, cookie,
// len); the name follows, NUL padded to len bytes.
const eventHeader = 16

// syncTries bounds the re-resolutions when a directory vanishes between
// resolving a path and watching it.
const syncTries = 8

// reader owns the inotify descriptor's watches and the resolved targets;
// only its goroutine touches them after New returns.
type reader struct {
	w       *Watcher
	fd      int
	paths   []string         // absolute paths asked for
	targets []target         // what the paths resolve through, as of the last sync
	wds     map[int32]string // watch descriptor → watched directory
}

// sync resolves every path again (symlinks may point elsewhere now),
// watches each directory on the way and drops the watches no longer needed.
func (r *reader) sync() error {
	var err error
	for range syncTries {
		var retry bool
		if retry, err = r.syncOnce(); !retry {
			return err
		}
	}
	return err
}

// resolveAll resolves every path asked for.
func (r *reader) resolveAll() []target {
	var ts []target
	for _, p := range r.paths {
		// A symlink loop is not an error here: the links met so far are
		// watched, so a fix is seen; reading the file reports the loop.
		got, _ := resolve(p)
		for _, t := range got {
			if !containsTarget(ts, t) {
				ts = append(ts, t)
			}
		}
	}
	return ts
}

// afterResolve, set by tests, runs between resolving and watching.
var afterResolve func()

func (r *reader) syncOnce() (retry bool, err error) {
	ts := r.resolveAll()
	if afterResolve != nil {
		afterResolve()
	}
	r.targets = ts
	want := map[string]bool{}
	for _, t := range ts {
		want[t.dir] = true
	}
	for wd, dir := range r.wds {
		if !want[dir] {
			// Stale (a link now points elsewhere). The IN_IGNORED that
			// follows names an unknown descriptor and is skipped.
			unix.InotifyRmWatch(r.fd, uint32(wd))
			delete(r.wds, wd)
		}
	}
	for dir := range want {
		wd, err := unix.InotifyAddWatch(r.fd, dir, dirMask)
		if err != nil {
			if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
				return true, fmt.Errorf("watch: %s: %w", dir, err) // changed under us
			}
			return false, fmt.Errorf("watch: %s: %w", dir, err)
		}
		r.wds[int32(wd)] = dir
	}
	// A directory on the way may have appeared between resolving and
	// watching its parent: its creation was then reported to nobody, and
	// nothing inside it would be (mkdir -p /etc/tiny-dfr && cp …). Resolve
	// once more; another answer means another round.
	again := r.resolveAll()
	if len(again) != len(ts) {
		return true, nil
	}
	for _, t := range again {
		if !containsTarget(ts, t) {
			return true, nil
		}
	}
	return false, nil
}

func containsTarget(ts []target, t target) bool {
	for _, o := range ts {
		if o == t {
			return true
		}
	}
	return false
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
// changed and whether the paths must be resolved and watched again.
// Every event naming a target resolves again: the target may be a link
// that now points elsewhere, or a directory on the way that appeared.
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
			changed, resync = true, true
			continue
		}
		if name != "" && r.isTarget(dir, name) {
			changed, resync = true, true
		}
	}
	return changed, resync
}

func (r *reader) isTarget(dir, name string) bool {
	return containsTarget(r.targets, target{dir: dir, base: name})
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
