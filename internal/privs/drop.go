package privs

import (
	"fmt"
	"slices"
	"syscall"

	"golang.org/x/sys/unix"
)

// ops are the system calls Drop makes (a seam for tests).
type ops struct {
	setgroups func([]int) error
	setgid    func(int) error
	setuid    func(int) error
	noNewPriv func() error
	getids    func() (uid, euid, gid, egid int, groups []int, err error)
}

func sysOps() ops {
	return ops{
		// syscall's Setgroups/Setgid/Setuid apply to every thread (Go ≥ 1.16).
		setgroups: syscall.Setgroups,
		setgid:    syscall.Setgid,
		setuid:    syscall.Setuid,
		// no_new_privs is per thread: set it on all of them. (With cgo,
		// AllThreadsSyscall says ENOTSUP; systemd's NoNewPrivileges covers it.)
		noNewPriv: func() error {
			_, _, errno := syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0)
			if errno != 0 && errno != syscall.ENOTSUP {
				return errno
			}
			return nil
		},
		getids: func() (int, int, int, int, []int, error) {
			g, err := syscall.Getgroups()
			return syscall.Getuid(), syscall.Geteuid(), syscall.Getgid(), syscall.Getegid(), g, err
		},
	}
}

// Drop switches the whole process to c: supplementary groups first, then
// the gid, then the uid (which clears every capability), and forbids
// regaining privileges (no_new_privs). It checks the result.
func Drop(c Creds) error { return drop(c, sysOps()) }

func drop(c Creds, o ops) error {
	if err := o.setgroups(c.Groups); err != nil {
		return fmt.Errorf("privs: setgroups %v: %w", c.Groups, err)
	}
	if err := o.setgid(c.GID); err != nil {
		return fmt.Errorf("privs: setgid %d: %w", c.GID, err)
	}
	if err := o.setuid(c.UID); err != nil {
		return fmt.Errorf("privs: setuid %d: %w", c.UID, err)
	}
	if err := o.noNewPriv(); err != nil {
		return fmt.Errorf("privs: no_new_privs: %w", err)
	}
	uid, euid, gid, egid, groups, err := o.getids()
	if err != nil {
		return fmt.Errorf("privs: getgroups: %w", err)
	}
	want := slices.Clone(c.Groups)
	slices.Sort(want)
	slices.Sort(groups)
	if uid != c.UID || euid != c.UID || gid != c.GID || egid != c.GID || !slices.Equal(slices.Compact(groups), slices.Compact(want)) {
		return fmt.Errorf("privs: still uid %d/%d gid %d/%d groups %v after dropping to %+v: %w", uid, euid, gid, egid, groups, c, unix.EPERM)
	}
	return nil
}
