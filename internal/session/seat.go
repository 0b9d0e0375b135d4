package session

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"

	"tiny-dfr/internal/privs"
	"tiny-dfr/internal/safefile"
)

// DefaultSeatsDir is where logind writes the state of each seat.
const DefaultSeatsDir = "/run/systemd/seats"

// maxSeatFile bounds the read of a seat file (logind's are ~200 bytes).
const maxSeatFile = 64 << 10

// errNoActive means the seat file names no active user.
var errNoActive = errors.New("seat0 has no active user")

// ParseActiveUID returns the ACTIVE_UID= of a logind seat file. Only that
// key authorises: UIDS=, ACTIVE= and the rest are ignored. The value must
// be a plain decimal uid (no sign, no spaces, not 4294967295); a missing,
// malformed or repeated ACTIVE_UID is an error (nobody is served).
func ParseActiveUID(b []byte) (int, error) {
	uid, found := -1, false
	for len(b) > 0 {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte{'\n'})
		v, ok := bytes.CutPrefix(line, []byte("ACTIVE_UID="))
		if !ok {
			continue
		}
		if found {
			return -1, fmt.Errorf("ACTIVE_UID= given twice")
		}
		found = true
		if len(v) == 0 || len(v) > 10 || (len(v) > 1 && v[0] == '0') {
			return -1, fmt.Errorf("ACTIVE_UID=%q is not a uid", v)
		}
		for _, c := range v {
			if c < '0' || c > '9' {
				return -1, fmt.Errorf("ACTIVE_UID=%q is not a uid", v)
			}
		}
		n, err := strconv.ParseUint(string(v), 10, 32)
		if err != nil || n == 1<<32-1 {
			return -1, fmt.Errorf("ACTIVE_UID=%q is not a uid", v)
		}
		uid = int(n)
	}
	if !found {
		return -1, errNoActive
	}
	return uid, nil
}

// policy answers which uids may be served right now.
type policy struct {
	seatsDir string   // logind's seats directory
	root     string   // where etc/passwd is looked up (SessionUsers)
	users    []string // SessionUsers, used only without seatsDir
}

// allowed reports whether uid may be served, and why not.
func (p *policy) allowed(uid int) (bool, string) {
	st, err := safefileStat(p.seatsDir)
	if err == nil && st {
		b, err := safefile.ReadFile(filepath.Join(p.seatsDir, "seat0"), maxSeatFile)
		if err != nil {
			return false, fmt.Sprintf("no seat0 state (%v)", err)
		}
		active, err := ParseActiveUID(b)
		if err != nil {
			return false, "seat0: " + err.Error()
		}
		if active != uid {
			return false, fmt.Sprintf("uid %d is not seat0's active user (uid %d)", uid, active)
		}
		return true, ""
	}
	for _, name := range p.users {
		c, err := privs.Lookup(p.root, name)
		if err == nil && c.UID == uid {
			return true, ""
		}
	}
	if len(p.users) == 0 {
		return false, fmt.Sprintf("uid %d: no logind seats (%s) and no SessionUsers", uid, p.seatsDir)
	}
	return false, fmt.Sprintf("uid %d is not one of SessionUsers (no logind seats in %s)", uid, p.seatsDir)
}

// safefileStat reports whether dir is a directory (false, nil when absent).
func safefileStat(dir string) (bool, error) {
	st, err := lstatDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return st, err
}
