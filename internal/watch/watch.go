package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultDebounce is how long a file must stay quiet after an event before
// the Watcher signals: editors write, truncate, rename and chmod in bursts.
const DefaultDebounce = 100 * time.Millisecond

// Watcher signals on C when one of its files may have changed: written,
// created, replaced by a rename, deleted, or its directory appeared or
// vanished. A file or directory on the way that is a symlink is followed:
// the link chain is resolved again after every change, so an edit of the
// file it points to now, a re-pointed link or a swapped directory link
// (NixOS's /etc/static) all signal. A signal only says "read again"; the
// reader decides what changed.
type Watcher struct {
	f        *os.File
	c        chan struct{}
	debounce time.Duration
	done     chan struct{} // closed when the reader goroutine has stopped

	mu     sync.Mutex
	closed bool
	timer  *time.Timer
	err    error // why the reader stopped, if not Close
}

// target is one watched name in a directory without symlinks.
type target struct{ dir, base string }

// New watches the given files with DefaultDebounce. The files need not
// exist, nor their directories: the first missing component is waited for.
// Symlinks on the way are followed, at most 40 in a row (a loop is watched
// link by link until it is fixed).
func New(paths ...string) (*Watcher, error) {
	return NewDebounced(DefaultDebounce, paths...)
}

// NewDebounced is New with a given quiet time (0 signals on every burst
// read from the kernel).
func NewDebounced(debounce time.Duration, paths ...string) (*Watcher, error) {
	if len(paths) == 0 {
		return nil, errors.New("watch: no paths")
	}
	var abs []string
	for _, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("watch: %s: %w", p, err)
		}
		abs = append(abs, a)
	}
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("watch: inotify_init1: %w", err)
	}
	w := &Watcher{
		f:        os.NewFile(uintptr(fd), "inotify"),
		c:        make(chan struct{}, 1),
		debounce: debounce,
		done:     make(chan struct{}),
	}
	r := &reader{w: w, fd: fd, paths: abs, wds: map[int32]string{}}
	if err := r.sync(); err != nil {
		w.f.Close()
		return nil, err
	}
	go r.run()
	return w, nil
}

// C receives a value after a change, once the files have been quiet for the
// debounce time. Signals coalesce: one pending value stands for any number of
// changes. C is never closed.
func (w *Watcher) C() <-chan struct{} { return w.c }

// Done is closed once the Watcher has stopped watching: after Close, or on
// its own (then Err says why).
func (w *Watcher) Done() <-chan struct{} { return w.done }

// Err tells why the Watcher stopped watching on its own (nil while it runs
// or after Close).
func (w *Watcher) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close stops watching and releases the inotify descriptor. A second Close
// returns an error wrapping os.ErrClosed.
func (w *Watcher) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return fmt.Errorf("watch: close: %w", os.ErrClosed)
	}
	w.closed = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	err := w.f.Close()
	<-w.done
	if err != nil {
		return fmt.Errorf("watch: close: %w", err)
	}
	return nil
}

// changed arms (or re-arms) the debounce timer.
func (w *Watcher) changed() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	if w.debounce <= 0 {
		w.signal()
		return
	}
	if w.timer == nil {
		w.timer = time.AfterFunc(w.debounce, w.fire)
		return
	}
	w.timer.Reset(w.debounce)
}

func (w *Watcher) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.signal()
	}
}

func (w *Watcher) signal() {
	select {
	case w.c <- struct{}{}:
	default:
	}
}

func (w *Watcher) stopped(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.err = err
	}
}
