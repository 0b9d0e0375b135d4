package alarm

import (
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel's struct itimerspec on 64-bit Linux (amd64, arm64): two
// struct timespec of two 64-bit fields each.
const itimerspecSize = 32

var (
	_ [unsafe.Sizeof(unix.ItimerSpec{}) - itimerspecSize]byte
	_ [itimerspecSize - unsafe.Sizeof(unix.ItimerSpec{})]byte
)

// settime arms fd to expire after d (d ≤ 0: disarms it), relative to
// now, and then every interval (0: once), as a raw system call: it never
// blocks.
func settime(fd uintptr, d, interval time.Duration) syscall.Errno {
	var spec unix.ItimerSpec
	if d > 0 {
		spec.Value = unix.NsecToTimespec(int64(d))
		spec.Interval = unix.NsecToTimespec(int64(max(interval, 0)))
	}
	_, _, errno := syscall.RawSyscall6(unix.SYS_TIMERFD_SETTIME, fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
	return errno
}

// rawRead is read(2) as a raw system call, EINTR retried; fd is
// non-blocking.
func rawRead(fd uintptr, b []byte) (int, syscall.Errno) {
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
		if errno != syscall.EINTR {
			return int(n), errno
		}
	}
}
