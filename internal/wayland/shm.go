package wayland

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// SharedMemory is an anonymous memfd mapped into this process, to share
// pixels with the compositor through wl_shm.create_pool.
type SharedMemory struct {
	FD  int
	Mem []byte
}

// NewSharedMemory creates and maps size bytes of shared memory.
func NewSharedMemory(name string, size int) (*SharedMemory, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("wayland: memfd_create: %w", err)
	}
	if err := unix.Ftruncate(fd, int64(size)); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("wayland: truncate memfd to %d: %w", size, err)
	}
	mem, err := unix.Mmap(fd, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("wayland: mmap %d: %w", size, err)
	}
	// The compositor must not shrink it under us.
	unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_SHRINK|unix.F_SEAL_SEAL)
	return &SharedMemory{FD: fd, Mem: mem}, nil
}

// Close unmaps the memory and closes the descriptor; the compositor keeps
// its own mapping alive as long as it needs it. A second Close returns an
// error wrapping os.ErrClosed.
func (m *SharedMemory) Close() error {
	if m.FD < 0 {
		return fmt.Errorf("wayland: shared memory: %w", os.ErrClosed)
	}
	err := unix.Munmap(m.Mem)
	if cerr := unix.Close(m.FD); err == nil {
		err = cerr
	}
	m.FD, m.Mem = -1, nil
	if err != nil {
		return fmt.Errorf("wayland: release shared memory: %w", err)
	}
	return nil
}
