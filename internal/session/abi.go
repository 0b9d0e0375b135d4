package session

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// inotifyLostWatch reports whether a read of inotify events holds one
// saying the watch is gone (IN_IGNORED, IN_DELETE_SELF). struct
// inotify_event: int wd, uint32 mask, uint32 cookie, uint32 len, name[len];
// host byte order (little-endian on amd64 and arm64).
func inotifyLostWatch(p []byte) bool {
	lost := false
	for len(p) >= unix.SizeofInotifyEvent {
		mask := binary.LittleEndian.Uint32(p[4:])
		n := int(binary.LittleEndian.Uint32(p[12:]))
		if mask&(unix.IN_IGNORED|unix.IN_DELETE_SELF) != 0 {
			lost = true
		}
		if n > len(p)-unix.SizeofInotifyEvent {
			break
		}
		p = p[unix.SizeofInotifyEvent+n:]
	}
	return lost
}
