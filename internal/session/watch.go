package session

import (
	"os"

	"golang.org/x/sys/unix"
)

func lstatDir(dir string) (bool, error) {
	st, err := os.Lstat(dir)
	if err != nil {
		return false, err
	}
	return st.IsDir(), nil
}

// watchSeatsLocked watches the seats directory (once it exists): logind
// replaces seat0 by a rename on every switch. Any event re-checks the
// served companion.
func (s *Server) watchSeatsLocked() {
	if s.watching || s.closed || !s.started {
		return
	}
	if s.inotify == nil {
		fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
		if err != nil {
			s.log.Warn("session: inotify", "err", err)
			return
		}
		s.inotify = os.NewFile(uintptr(fd), "inotify")
	}
	rc, err := s.inotify.SyscallConn()
	if err != nil {
		return
	}
	var werr error
	rc.Control(func(fd uintptr) {
		_, werr = unix.InotifyAddWatch(int(fd), s.pol.seatsDir,
			unix.IN_CLOSE_WRITE|unix.IN_MOVED_TO|unix.IN_MOVED_FROM|unix.IN_CREATE|unix.IN_DELETE|unix.IN_DELETE_SELF|unix.IN_ONLYDIR)
	})
	if werr != nil {
		return // no logind (yet): tried again at the next connection
	}
	s.watching = true
	if s.inotifyRunning {
		return
	}
	s.inotifyRunning = true
	f := s.inotify
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			if err != nil || n == 0 {
				return
			}
			if inotifyLostWatch(buf[:n]) {
				// The directory went away: watch again when it is back.
				s.mu.Lock()
				s.watching = false
				s.mu.Unlock()
			}
			s.recheck()
		}
	}()
}
