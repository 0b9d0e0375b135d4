package alarm

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Alarm is a one-shot timer. Reset and Stop may be called from any
// goroutine; C delivers the expiries (at most one waits in it).
type Alarm struct {
	f  *os.File
	rc syscall.RawConn
	c  chan time.Time

	mu     sync.Mutex // Reset, Stop and Close: the fd is set in call order
	fd     uintptr
	closed bool
	err    error // the first settime error, kept for Err

	// The reading goroutine's raw read, bound once, and what it read.
	readFn func(fd uintptr) bool
	buf    [8]byte
	n      int
	errno  syscall.Errno
	done   chan struct{}
}

// New makes a disarmed alarm and the goroutine that waits for it (on the
// runtime poller, so it costs nothing while the alarm is disarmed).
func New() (*Alarm, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("alarm: timerfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "timerfd")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("alarm: %w", err)
	}
	a := &Alarm{f: f, rc: rc, fd: uintptr(fd), c: make(chan time.Time, 1), done: make(chan struct{})}
	a.readFn = a.read
	go a.run()
	return a, nil
}

// C delivers the time of each expiry; a tick not yet taken when the next
// comes is kept, the next dropped.
func (a *Alarm) C() <-chan time.Time { return a.c }

// Reset arms the alarm to expire once after d, replacing any earlier
// setting; an expiry not yet taken from C is dropped.
func (a *Alarm) Reset(d time.Duration) {
	a.set(max(d, 1), 0)
	select {
	case <-a.c:
	default:
	}
}

// Every arms the alarm to expire every d from now on (a ticker that costs
// the runtime no timer), replacing any earlier setting; d ≤ 0 stops it.
func (a *Alarm) Every(d time.Duration) {
	if d <= 0 {
		a.Stop()
		return
	}
	a.set(d, d)
	select {
	case <-a.c:
	default:
	}
}

// Stop disarms the alarm: it does not expire, and the process is not
// woken. An expiry not yet taken from C is dropped.
func (a *Alarm) Stop() {
	a.set(0, 0)
	select {
	case <-a.c:
	default:
	}
}

// set arms (d > 0, then every interval > 0) or disarms the timerfd. It
// neither allocates nor enters the runtime's blocking-call path.
func (a *Alarm) set(d, interval time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	if errno := settime(a.fd, d, interval); errno != 0 && a.err == nil {
		a.err = fmt.Errorf("alarm: timerfd_settime: %w", errno)
	}
}

// Err is the first error setting the alarm (none is expected once New
// succeeded).
func (a *Alarm) Err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// Close stops the alarm and its goroutine.
func (a *Alarm) Close() error {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	err := a.f.Close()
	<-a.done
	return err
}

func (a *Alarm) run() {
	defer close(a.done)
	for {
		if err := a.rc.Read(a.readFn); err != nil {
			return // closed
		}
		if a.errno != 0 || a.n != len(a.buf) {
			return // cannot happen on a timerfd; do not spin
		}
		select {
		case a.c <- time.Now():
		default:
		}
	}
}

// read is one raw read of the expiry count; false: wait for the poller.
func (a *Alarm) read(fd uintptr) bool {
	n, errno := rawRead(fd, a.buf[:])
	if errno == syscall.EAGAIN {
		return false
	}
	a.n, a.errno = n, errno
	return true
}
