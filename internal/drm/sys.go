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
	// fstat gives the device number of an open character device node (nil:
	// unknown).
	fstat func(fd int) (rdev uint64, err error)
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
		fstat: func(fd int) (uint64, error) {
			var st unix.Stat_t
			if err := unix.Fstat(fd, &st); err != nil {
				return 0, err
			}
			if st.Mode&unix.S_IFMT != unix.S_IFCHR {
				return 0, unix.ENOTTY
			}
			return uint64(st.Rdev), nil
		},
	}
}
