package privs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"log/slog"
	"path/filepath"
	"strconv"

	"tiny-dfr/internal/safefile"
)

// Creds are the identity to run as.
type Creds struct {
	UID, GID int
	Groups   []int // supplementary groups
}

// ErrUnknown means a user or group name is not in the files.
var ErrUnknown = errors.New("privs: unknown name")

// errUnknownUser is ErrUnknown for the user (not a group).
var errUnknownUser = fmt.Errorf("%w: user", ErrUnknown)

// User is the daemon's own system user (share/sysusers.d/tiny-dfr.conf);
// Fallback is the shared user it runs as where User does not exist.
const (
	User     = "tiny-dfr"
	Fallback = "nobody"
)

// The files users and groups are read from, below the root, in order: the
// first entry of a name wins. /usr/lib/passwd and /usr/lib/group are
// nss-altfiles' (Fedora Atomic, rpm-ostree), which keep the system users
// there; /etc overrides them as glibc's "files altfiles" order does.
var (
	passwdFiles = [...]string{"etc/passwd", "usr/lib/passwd"}
	groupFiles  = [...]string{"etc/group", "usr/lib/group"}
)

// maxField is how much of a line is kept: the fields read (name, uid, gid)
// come first, and a group's member list may be far longer than a buffer.
const maxField = 4 << 10

// Lookup reads root/etc/passwd and root/etc/group (then root/usr/lib/passwd
// and root/usr/lib/group, for names /etc does not have) and returns user's
// uid and primary gid with the given supplementary groups. The daemon's
// user and groups are system ones, always in these files: no NSS is needed.
// A name in neither file is ErrUnknown; both files missing is
// fs.ErrNotExist.
func Lookup(root, user string, groups ...string) (Creds, error) {
	var c Creds
	found := false
	err := scan(root, passwdFiles[:], func(f [][]byte) bool {
		if len(f) < 4 || string(f[0]) != user {
			return false
		}
		uid, err1 := strconv.Atoi(string(f[2]))
		gid, err2 := strconv.Atoi(string(f[3]))
		if err1 != nil || err2 != nil {
			return false
		}
		c.UID, c.GID, found = uid, gid, true
		return true
	})
	if err != nil {
		return Creds{}, err
	}
	if !found {
		return Creds{}, fmt.Errorf("%w %q (not in %s)", errUnknownUser, user, where(root, passwdFiles[:]))
	}
	want := make(map[string]bool, len(groups))
	for _, g := range groups {
		want[g] = true
	}
	ids := make(map[string]int, len(groups))
	if len(groups) > 0 {
		err = scan(root, groupFiles[:], func(f [][]byte) bool {
			if len(f) < 3 || !want[string(f[0])] {
				return false
			}
			if _, dup := ids[string(f[0])]; dup {
				return false
			}
			if gid, err := strconv.Atoi(string(f[2])); err == nil {
				ids[string(f[0])] = gid
			}
			return len(ids) == len(want)
		})
		if err != nil {
			return Creds{}, err
		}
	}
	c.Groups = make([]int, 0, len(groups))
	for _, g := range groups {
		gid, ok := ids[g]
		if !ok {
			return Creds{}, fmt.Errorf("%w: group %q (not in %s)", ErrUnknown, g, where(root, groupFiles[:]))
		}
		c.Groups = append(c.Groups, gid)
	}
	return c, nil
}

// LookupService returns the identity the daemon drops to: user with groups
// if user exists, else Fallback with the same groups, said once on log at
// Warn with the fix (a shared user lets every other service running as it
// signal the daemon: a SIGSTOP mid-press would hold a key down). Neither
// user existing is an error naming both.
func LookupService(root string, log *slog.Logger, user string, groups ...string) (Creds, error) {
	c, err := Lookup(root, user, groups...)
	if err == nil || user == Fallback || !isUnknownUser(err) {
		return c, err
	}
	c, ferr := Lookup(root, Fallback, groups...)
	if ferr != nil {
		if isUnknownUser(ferr) {
			return Creds{}, fmt.Errorf("%w; nor is %q: create the system user %s (install %s and run systemd-sysusers)",
				err, Fallback, user, SysusersFile)
		}
		return Creds{}, ferr
	}
	if log != nil {
		log.Warn("no user "+user+": running as the shared user "+Fallback+", which other services can signal",
			"fix", "install "+SysusersFile+" and run systemd-sysusers (or create the system user "+user+")", "uid", c.UID)
	}
	return c, nil
}

// SysusersFile is where `make install` puts the sysusers.d entry that
// creates User.
const SysusersFile = "/usr/lib/sysusers.d/tiny-dfr.conf"

func isUnknownUser(err error) bool { return errors.Is(err, errUnknownUser) }

func where(root string, files []string) string {
	s := ""
	for i, f := range files {
		if i > 0 {
			s += " nor "
		}
		s += filepath.Join(root, f)
	}
	return s
}

// scan calls fn with the colon-separated fields of each non-comment line
// of the files under root in turn, until fn returns true. A missing file
// is skipped; all of them missing is an error wrapping fs.ErrNotExist.
// Only the first maxField bytes of a line are kept.
func scan(root string, files []string, fn func([][]byte) bool) error {
	var missing error
	opened := 0
	for _, name := range files {
		path := filepath.Join(root, name)
		done, err := scanFile(path, fn)
		if errors.Is(err, iofs.ErrNotExist) {
			missing = err
			continue
		}
		if err != nil {
			return err
		}
		opened++
		if done {
			return nil
		}
	}
	if opened == 0 {
		return missing
	}
	return nil
}

func scanFile(path string, fn func([][]byte) bool) (bool, error) {
	f, _, err := safefile.Open(path, 0)
	if err != nil {
		return false, fmt.Errorf("privs: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, maxField)
	for {
		line, err := readLine(br)
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("privs: %s: %w", path, err)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if fn(bytes.Split(line, []byte(":"))) {
			return true, nil
		}
	}
}

// readLine returns the first maxField bytes of the next line and skips the
// rest of it.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		line = bytes.Clone(line)
		for err == bufio.ErrBufferFull {
			_, err = br.ReadSlice('\n')
		}
	}
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	return line, err
}
