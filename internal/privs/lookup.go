package privs

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Creds are the identity to run as.
type Creds struct {
	UID, GID int
	Groups   []int // supplementary groups
}

// ErrUnknown means a user or group name is not in the files.
var ErrUnknown = errors.New("privs: unknown name")

// Lookup reads root/etc/passwd and root/etc/group and returns user's uid and
// primary gid with the given supplementary groups. (The daemon's user and
// groups — nobody, input, video — are always local; no NSS is needed.)
func Lookup(root, user string, groups ...string) (Creds, error) {
	var c Creds
	found := false
	err := scan(filepath.Join(root, "etc/passwd"), func(f []string) bool {
		if len(f) < 4 || f[0] != user {
			return false
		}
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
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
		return Creds{}, fmt.Errorf("%w: user %q", ErrUnknown, user)
	}
	ids := make(map[string]int, len(groups))
	err = scan(filepath.Join(root, "etc/group"), func(f []string) bool {
		if len(f) < 3 {
			return false
		}
		if _, dup := ids[f[0]]; dup {
			return false
		}
		if gid, err := strconv.Atoi(f[2]); err == nil {
			ids[f[0]] = gid
		}
		return false
	})
	if err != nil {
		return Creds{}, err
	}
	c.Groups = make([]int, 0, len(groups))
	for _, g := range groups {
		gid, ok := ids[g]
		if !ok {
			return Creds{}, fmt.Errorf("%w: group %q", ErrUnknown, g)
		}
		c.Groups = append(c.Groups, gid)
	}
	return c, nil
}

// scan calls fn with the colon-separated fields of each non-comment line of
// path until fn returns true.
func scan(path string, fn func([]string) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("privs: %w", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if fn(strings.Split(line, ":")) {
			return nil
		}
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("privs: %s: %w", path, err)
	}
	return nil
}
