package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	if err := os.WriteFile(ok, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("ok", link); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		path string
		max  int64
		want string
		err  error
	}{
		{ok, 10, "hello", nil},
		{ok, 5, "hello", nil},
		{link, 10, "hello", nil},
		{empty, 10, "", nil},
		{big, 99, "", ErrTooLarge},
		{big, 0, string(make([]byte, 100)), nil},
		{fifo, 10, "", ErrNotRegular},
		{dir, 10, "", ErrNotRegular},
		{"/dev/zero", 10, "", ErrNotRegular},
		{"/dev/urandom", 10, "", ErrNotRegular},
		{loop, 10, "", unix.ELOOP},
		{filepath.Join(dir, "missing"), 10, "", os.ErrNotExist},
	} {
		b, err := ReadFile(tc.path, tc.max)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ReadFile(%s, %d) = %v, want %v", tc.path, tc.max, err, tc.err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Path != tc.path {
				t.Errorf("ReadFile(%s): error %v does not name the path", tc.path, err)
			}
			continue
		}
		if err != nil || string(b) != tc.want {
			t.Errorf("ReadFile(%s, %d) = %q, %v; want %q", tc.path, tc.max, b, err, tc.want)
		}
	}
}

func TestCheckMessage(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	err := Check(fifo, 10)
	if err == nil || err.Error() != fifo+": not a regular file (a FIFO)" {
		t.Fatalf("Check(fifo) = %v", err)
	}
}
