package privs

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func fakeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	passwd := "# comment\nroot:x:0:0:root:/root:/bin/sh\nbroken:x:notanumber:1::/:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
	group := "root:x:0:\nvideo:x:44:alice\ninput:x:105:\nnogroup:x:65534:\ninput:x:999:\n"
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte(passwd), 0o644)
	os.WriteFile(filepath.Join(root, "etc/group"), []byte(group), 0o644)
	return root
}

func TestLookup(t *testing.T) {
	t.Parallel()
	c, err := Lookup(fakeRoot(t), "nobody", "input", "video")
	if err != nil {
		t.Fatal(err)
	}
	if c.UID != 65534 || c.GID != 65534 || !slices.Equal(c.Groups, []int{105, 44}) {
		t.Errorf("got %+v", c)
	}
}

func TestLookupUnknown(t *testing.T) {
	t.Parallel()
	root := fakeRoot(t)
	for _, c := range []struct {
		user   string
		groups []string
	}{{"alice", nil}, {"broken", nil}, {"nobody", []string{"input", "plugdev"}}} {
		if _, err := Lookup(root, c.user, c.groups...); !errors.Is(err, ErrUnknown) {
			t.Errorf("Lookup(%q, %v) = %v, want ErrUnknown", c.user, c.groups, err)
		}
	}
	if _, err := Lookup(t.TempDir(), "nobody"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no files: %v, want ErrNotExist", err)
	}
}

// fakeKernel records the calls and answers getids from what was set.
type fakeKernel struct {
	calls            []string
	uid, gid         int
	groups           []int
	failUID, liarUID bool
}

func (k *fakeKernel) ops() ops {
	return ops{
		setgroups: func(g []int) error { k.calls = append(k.calls, "setgroups"); k.groups = g; return nil },
		setgid:    func(g int) error { k.calls = append(k.calls, "setgid"); k.gid = g; return nil },
		setuid: func(u int) error {
			k.calls = append(k.calls, "setuid")
			if k.failUID {
				return unix.EPERM
			}
			if !k.liarUID {
				k.uid = u
			}
			return nil
		},
		noNewPriv: func() error { k.calls = append(k.calls, "nnp"); return nil },
		getids: func() (int, int, int, int, []int, error) {
			return k.uid, k.uid, k.gid, k.gid, slices.Clone(k.groups), nil
		},
	}
}

func TestDropOrder(t *testing.T) {
	t.Parallel()
	k := &fakeKernel{}
	c := Creds{UID: 65534, GID: 65534, Groups: []int{105, 44}}
	if err := drop(c, k.ops()); err != nil {
		t.Fatal(err)
	}
	if want := []string{"setgroups", "setgid", "setuid", "nnp"}; !slices.Equal(k.calls, want) {
		t.Errorf("calls %v, want %v", k.calls, want)
	}
	if k.uid != 65534 || k.gid != 65534 {
		t.Errorf("kernel left at %+v", k)
	}
}

func TestDropFailures(t *testing.T) {
	t.Parallel()
	c := Creds{UID: 65534, GID: 65534, Groups: []int{44}}
	if err := drop(c, (&fakeKernel{failUID: true}).ops()); !errors.Is(err, unix.EPERM) {
		t.Errorf("failing setuid: %v, want EPERM", err)
	}
	// A setuid that claims success but leaves the uid must be caught.
	if err := drop(c, (&fakeKernel{liarUID: true}).ops()); err == nil {
		t.Error("unchanged uid not detected")
	}
}
