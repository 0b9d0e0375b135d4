// The time zone, which may change under a running daemon (timedatectl
// re-links /etc/localtime): Go reads time.Local once.

package daemon

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/safefile"
)

// DefaultZoneFile is the system's time zone.
const DefaultZoneFile = "/etc/localtime"

// maxZoneFile caps a tzfile read (real ones are below 4 KiB).
const maxZoneFile = 256 << 10

// zoneGap is the least time between two looks at the zone file: a zone
// change shows on the clock within it.
const zoneGap = time.Minute

// zoneFile follows a tzfile: Location reads it again when the symlink's
// target, the file's identity (inode) or its size or time changed.
type zoneFile struct {
	path string
	key  zoneKey
	loc  *time.Location // nil: not read yet
}

type zoneKey struct {
	link     string // the symlink's target ("" not a symlink)
	dev, ino uint64
	size     int64
	mtime    unix.Timespec
}

// Location is the zone the file describes now. On an error (the file is
// missing for a moment, not a tzfile) it returns the last zone read, or
// time.Local, and looks again next time.
func (z *zoneFile) Location() (*time.Location, error) {
	last := z.loc
	if last == nil {
		last = time.Local
	}
	var k zoneKey
	k.link, _ = os.Readlink(z.path)
	var st unix.Stat_t
	if err := unix.Stat(z.path, &st); err != nil {
		return last, fmt.Errorf("time zone: %s: %w", z.path, err)
	}
	k.dev, k.ino, k.size, k.mtime = uint64(st.Dev), uint64(st.Ino), st.Size, st.Mtim
	if z.loc != nil && k == z.key {
		return z.loc, nil
	}
	data, err := safefile.ReadFile(z.path, maxZoneFile)
	if err != nil {
		return last, fmt.Errorf("time zone: %w", err)
	}
	loc, err := time.LoadLocationFromTZData(zoneName(k.link), data)
	if err != nil {
		return last, fmt.Errorf("time zone: %s: %w", z.path, err)
	}
	z.key, z.loc = k, loc
	return loc, nil
}

// zoneName names a zone by its symlink target (…/zoneinfo/Europe/Berlin →
// Europe/Berlin), else "Local".
func zoneName(link string) string {
	if _, name, ok := strings.Cut(link, "zoneinfo/"); ok && name != "" {
		return name
	}
	return "Local"
}

// systemZone is Env.Zone for the real system: the zone file TZ names
// (":/path" or "/path"), else /etc/localtime, followed as it changes. A TZ
// naming a zone ("Europe/Berlin", "UTC", empty) is fixed: nil, Go's
// time.Local stays. Errors are logged once until the zone reads again.
func systemZone(log *slog.Logger) func() *time.Location {
	path := DefaultZoneFile
	if tz, set := os.LookupEnv("TZ"); set {
		tz = strings.TrimPrefix(tz, ":")
		if !strings.HasPrefix(tz, "/") {
			return nil
		}
		path = tz
	}
	z := &zoneFile{path: path}
	var lastErr string
	return func() *time.Location {
		loc, err := z.Location()
		switch {
		case err != nil && err.Error() != lastErr:
			lastErr = err.Error()
			log.Warn("time zone not read; the clock keeps the last one", "err", err)
		case err == nil && lastErr != "":
			lastErr = ""
			log.Info("time zone read", "zone", loc.String())
		}
		return loc
	}
}
