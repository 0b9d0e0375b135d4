package safefile

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

var (
	// ErrNotRegular is returned for a FIFO, a device, a socket or a
	// directory: reading those can block forever or never end.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge is returned for a file over the caller's cap.
	ErrTooLarge = errors.New("file too large")
)

// Error says which file could not be read and why; Err is ErrNotRegular,
// ErrTooLarge or the system's error (errno kept: ENOENT, EACCES, ELOOP…).
type Error struct {
	Path   string
	Detail string // "a FIFO", "4.0 MiB, over the 1.0 MiB cap"…; may be ""
	Err    error
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Path + ": " + e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error() + " (" + e.Detail + ")"
}

func (e *Error) Unwrap() error { return e.Err }

// Open opens path for reading if it is a regular file of at most max bytes
// (max ≤ 0: no cap). Symlinks are followed (a loop is ELOOP). The open
// does not block on a FIFO, and the returned file is in blocking mode
// only in the sense that regular files never block.
func Open(path string, max int64) (*os.File, int64, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, 0, &Error{Path: path, Err: describeOpen(err)}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, 0, &Error{Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, 0, &Error{Path: path, Detail: kind(st.Mode), Err: ErrNotRegular}
	}
	if max > 0 && st.Size > max {
		unix.Close(fd)
		return nil, 0, &Error{Path: path, Detail: fmt.Sprintf("%s, over the %s cap", Size(st.Size), Size(max)), Err: ErrTooLarge}
	}
	return os.NewFile(uintptr(fd), path), st.Size, nil
}

// ReadFile returns the contents of path if it is a regular file of at most
// max bytes (max ≤ 0: no cap). A file that grows past max while it is
// read is refused too.
func ReadFile(path string, max int64) ([]byte, error) {
	f, size, err := Open(path, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if max > 0 {
		r = io.LimitReader(f, max+1)
	}
	buf := make([]byte, 0, size+1)
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &Error{Path: path, Err: err}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
	if max > 0 && int64(len(buf)) > max {
		return nil, &Error{Path: path, Detail: "grew while read, over the " + Size(max) + " cap", Err: ErrTooLarge}
	}
	return buf, nil
}

// Check reports whether path is a regular file of at most max bytes,
// without reading it.
func Check(path string, max int64) error {
	f, _, err := Open(path, max)
	if err != nil {
		return err
	}
	return f.Close()
}

func describeOpen(err error) error {
	if errors.Is(err, unix.ELOOP) {
		return fmt.Errorf("too many levels of symbolic links (a symlink loop?): %w", err)
	}
	return err
}

func kind(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFIFO:
		return "a FIFO"
	case unix.S_IFDIR:
		return "a directory"
	case unix.S_IFCHR:
		return "a character device"
	case unix.S_IFBLK:
		return "a block device"
	case unix.S_IFSOCK:
		return "a socket"
	}
	return "not a plain file"
}

// Size formats n bytes for messages: "512 B", "1.0 MiB".
func Size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
