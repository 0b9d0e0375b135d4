package drm

import (
	"golang.org/x/sys/unix"
)

// sys is the package's kernel boundary. Open uses the real one; tests put a
// fake card behind it.
type sys struct {
	ioctl  ioctlFunc
	open   func(path string) (int, error)
	close  func(fd int) error
	mmap   func(fd int, offset int64, length int) ([]byte, error)
	munmap func(b []byte) error
}

// realSys returns the kernel's own calls.
func realSys() *sys {
	return &sys{
		ioctl: sysIoctl,
		open: func(path string) (int, error) {
			return unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
		},
		close: unix.Close,
		mmap: func(fd int, offset int64, length int) ([]byte, error) {
			return unix.Mmap(fd, offset, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		},
		munmap: unix.Munmap,
	}
}
