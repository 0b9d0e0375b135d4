package privs

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// writeRoot makes a root directory holding files (path → contents).
func writeRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, s := range files {
		p = filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
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

// Fedora Atomic / rpm-ostree (nss-altfiles): the system users and groups
// are only in /usr/lib/passwd and /usr/lib/group.
func TestLookupAltfiles(t *testing.T) {
	t.Parallel()
	root := writeRoot(t, map[string]string{
		"usr/lib/passwd": "root:x:0:0:root:/root:/bin/bash\ntiny-dfr:x:981:979:tiny-dfr:/:/sbin/nologin\nnobody:x:65534:65534::/:/sbin/nologin\n",
		"usr/lib/group":  "root:x:0:\ninput:x:104:\nvideo:x:39:\ntiny-dfr:x:979:\n",
	})
	c, err := Lookup(root, "tiny-dfr", "input", "video")
	if err != nil {
		t.Fatal(err)
	}
	if c.UID != 981 || c.GID != 979 || !slices.Equal(c.Groups, []int{104, 39}) {
		t.Errorf("got %+v", c)
	}
	// /etc present but without the names: /usr/lib still answers.
	root = writeRoot(t, map[string]string{
		"etc/passwd":     "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n",
		"etc/group":      "wheel:x:10:alice\n",
		"usr/lib/passwd": "tiny-dfr:x:981:979:tiny-dfr:/:/sbin/nologin\n",
		"usr/lib/group":  "input:x:104:\nvideo:x:39:\n",
	})
	if c, err := Lookup(root, "tiny-dfr", "input", "video"); err != nil || c.UID != 981 || !slices.Equal(c.Groups, []int{104, 39}) {
		t.Errorf("/etc without the names: %+v, %v", c, err)
	}
}

// An entry in /etc wins over /usr/lib's (glibc's "files altfiles" order).
func TestLookupEtcOverridesUsrLib(t *testing.T) {
	t.Parallel()
	root := writeRoot(t, map[string]string{
		"etc/passwd":     "tiny-dfr:x:500:501::/:/sbin/nologin\n",
		"etc/group":      "video:x:44:\n",
		"usr/lib/passwd": "tiny-dfr:x:981:979::/:/sbin/nologin\n",
		"usr/lib/group":  "input:x:104:\nvideo:x:39:\n",
	})
	c, err := Lookup(root, "tiny-dfr", "input", "video")
	if err != nil {
		t.Fatal(err)
	}
	if c.UID != 500 || c.GID != 501 || !slices.Equal(c.Groups, []int{104, 44}) {
		t.Errorf("got %+v, want uid 500 gid 501 groups [104 44]", c)
	}
}

// A group with a member list longer than any buffer is skipped over, not
// an error, and names after it are still found.
func TestLookupLongLine(t *testing.T) {
	t.Parallel()
	members := strings.Repeat("someone,", 20000) // 160 KB
	root := writeRoot(t, map[string]string{
		"etc/passwd": "nobody:x:65534:65534::/:/bin/false\n",
		"etc/group":  "users:x:100:" + members + "\ninput:x:105:\nbig:x:7:" + members + "\nvideo:x:44:\n",
	})
	c, err := Lookup(root, "nobody", "input", "video", "users")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Groups, []int{105, 44, 100}) {
		t.Errorf("groups %v", c.Groups)
	}
}

// A FIFO in place of /etc/passwd is refused, not waited on.
func TestLookupNotRegular(t *testing.T) {
	t.Parallel()
	root := writeRoot(t, map[string]string{"usr/lib/passwd": "nobody:x:65534:65534::/:/bin/false\n"})
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	if err := unix.Mkfifo(filepath.Join(root, "etc/passwd"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Lookup(root, "nobody"); err == nil || !strings.Contains(err.Error(), "etc/passwd") {
		t.Errorf("FIFO /etc/passwd: %v, want an error naming it", err)
	}
}

func TestLookupServicePrefersOwnUser(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	root := writeRoot(t, map[string]string{
		"etc/passwd": "nobody:x:65534:65534::/:/bin/false\ntiny-dfr:x:990:990::/:/usr/sbin/nologin\n",
		"etc/group":  "input:x:105:\nvideo:x:44:\ntiny-dfr:x:990:\n",
	})
	c, err := LookupService(root, slog.New(slog.NewTextHandler(&buf, nil)), User, "input", "video")
	if err != nil {
		t.Fatal(err)
	}
	if c.UID != 990 || c.GID != 990 || !slices.Equal(c.Groups, []int{105, 44}) {
		t.Errorf("got %+v", c)
	}
	if buf.Len() != 0 {
		t.Errorf("logged %q, want nothing", buf.String())
	}
}

func TestLookupServiceFallsBackToNobody(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	c, err := LookupService(fakeRoot(t), slog.New(slog.NewTextHandler(&buf, nil)), User, "input", "video")
	if err != nil {
		t.Fatal(err)
	}
	if c.UID != 65534 || c.GID != 65534 || !slices.Equal(c.Groups, []int{105, 44}) {
		t.Errorf("got %+v", c)
	}
	out := buf.String()
	if strings.Count(out, "\n") != 1 {
		t.Errorf("want one log line, got %q", out)
	}
	for _, want := range []string{"level=WARN", "no user tiny-dfr", "nobody", "sysusers.d/tiny-dfr.conf", "systemd-sysusers"} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q lacks %q", out, want)
		}
	}
}

func TestLookupServiceNeitherUser(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	root := writeRoot(t, map[string]string{
		"etc/passwd": "root:x:0:0::/root:/bin/sh\n",
		"etc/group":  "input:x:105:\nvideo:x:44:\n",
	})
	_, err := LookupService(root, slog.New(slog.NewTextHandler(&buf, nil)), User, "input", "video")
	if !errors.Is(err, ErrUnknown) {
		t.Fatalf("err %v, want ErrUnknown", err)
	}
	for _, want := range []string{`"tiny-dfr"`, `"nobody"`, "etc/passwd", "usr/lib/passwd", "systemd-sysusers"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// A missing group is an error even where the user exists: the daemon
// without input or video could not work, and nobody would not help.
func TestLookupServiceMissingGroup(t *testing.T) {
	t.Parallel()
	root := writeRoot(t, map[string]string{
		"etc/passwd": "nobody:x:65534:65534::/:/bin/false\ntiny-dfr:x:990:990::/:/usr/sbin/nologin\n",
		"etc/group":  "video:x:44:\n",
	})
	_, err := LookupService(root, nil, User, "input", "video")
	if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), `group "input"`) {
		t.Errorf("err %v, want unknown group input", err)
	}
}
