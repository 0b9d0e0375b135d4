package input

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// change is a device node appearing (or changing rights) or vanishing.
type change struct {
	path     string
	gone     bool
	overflow bool // events were lost: rescan
}

// watcher follows a directory of device nodes with inotify, on the
// runtime poller so Close interrupts Next.
//
// Changes of rights (IN_ATTRIB: udev giving a new node its group) are
// watched only while a node we would follow is refused (setAttrib): a
// directory watched for IN_ATTRIB is marked as watched for its children's
// events, and then every read of a digitizer and every write of a key goes
// through fsnotify's parent lookup in the kernel (dget_parent, the marks)
// on the touch path. (A node's own watch would not do: inotify needs read
// access to the node, which is what is refused.)
type watcher struct {
	dir string
	f   *os.File
	fd  int
	buf []byte
	pos int
	end int
}

const dirMask = unix.IN_CREATE | unix.IN_MOVED_TO | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_ONLYDIR

func newWatcher(dir string) (*watcher, error) {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("input: inotify: %w", err)
	}
	if _, err := unix.InotifyAddWatch(fd, dir, dirMask); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("input: watch %s: %w", dir, err)
	}
	return &watcher{dir: dir, f: os.NewFile(uintptr(fd), "inotify:"+dir), fd: fd, buf: make([]byte, 16*1024)}, nil
}

// setAttrib watches the nodes' changes of rights too (on), or not. The
// caller (Run's goroutine) owns it; next may run meanwhile.
func (w *watcher) setAttrib(on bool) error {
	mask := uint32(dirMask)
	if on {
		mask |= unix.IN_ATTRIB
	}
	if _, err := unix.InotifyAddWatch(w.fd, w.dir, mask); err != nil {
		return fmt.Errorf("input: watch %s: %w", w.dir, err)
	}
	return nil
}

// next waits for the next change to an event* node.
func (w *watcher) next() (change, error) {
	for {
		for w.end-w.pos >= unix.SizeofInotifyEvent {
			b := w.buf[w.pos:w.end]
			mask := binary.NativeEndian.Uint32(b[4:8])
			n := int(binary.NativeEndian.Uint32(b[12:16]))
			if unix.SizeofInotifyEvent+n > len(b) {
				w.pos = w.end // cannot happen: the kernel writes whole events
				break
			}
			name := strings.TrimRight(string(b[unix.SizeofInotifyEvent:unix.SizeofInotifyEvent+n]), "\x00")
			w.pos += unix.SizeofInotifyEvent + n
			switch {
			case mask&unix.IN_Q_OVERFLOW != 0:
				return change{overflow: true}, nil
			case mask&unix.IN_IGNORED != 0:
				return change{}, fmt.Errorf("input: %s no longer watched: %w", w.dir, unix.ENOENT)
			case !strings.HasPrefix(name, "event"):
				continue
			case mask&(unix.IN_DELETE|unix.IN_MOVED_FROM) != 0:
				return change{path: w.dir + "/" + name, gone: true}, nil
			default:
				return change{path: w.dir + "/" + name}, nil
			}
		}
		n, err := w.f.Read(w.buf)
		if err != nil {
			return change{}, fmt.Errorf("input: read inotify: %w", err)
		}
		w.pos, w.end = 0, n
	}
}

func (w *watcher) close() error { return w.f.Close() }

// isEventNode reports whether a directory entry name is an evdev node.
func isEventNode(name string) bool { return strings.HasPrefix(name, "event") }
