package session

import (
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"tiny-dfr/internal/logging/loggingtest"
	"tiny-dfr/internal/vmtest"
)

// TestSessionVM runs the guest tests below in the QEMU guest.
func TestSessionVM(t *testing.T) {
	if testing.Short() {
		t.Skip("guest run in -short mode")
	}
	vmtest.Run(t, vmtest.Config{Packages: []string{"."}})
}

// companionAs starts this test binary as a companion running as uid.
func companionAs(t *testing.T, uid int, sock string) *lockedLog {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	log := &lockedLog{}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "TINYDFR_TEST_COMPANION="+sock)
	cmd.Stderr, cmd.Stdout = log, log
	cmd.Dir = "/"
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("companion uid %d:\n%s", uid, log)
		}
	})
	return log
}

type lockedLog struct{ loggingtest.Buffer }

// The real gate on a real kernel, as root: seat0's active user is 1000.
// A companion run as 1001 is refused (and keeps retrying); one run as 1000
// is served and its command runs as 1000; a switch to 1001 drops 1000's
// at once and serves 1001's.
func TestVMSeatGate(t *testing.T) {
	vmtest.GuestOnly(t)
	seats := "/run/systemd/seats"
	if err := os.MkdirAll(seats, 0o755); err != nil {
		t.Fatal(err)
	}
	writeSeat(t, seats, seatFor(1000))
	slog := slog.New(slog.NewTextHandler(os.Stderr, nil))
	s, err := Listen(DefaultDir, Options{Log: slog})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Start()
	ts := &testServer{Server: s, seats: seats, log: &loggingtest.Buffer{}}
	out, err := os.MkdirTemp("/tmp", "out")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(out, 0o1777) // both users write there

	log1001 := companionAs(t, 1001, s.Path())
	deadline := time.Now().Add(wait)
	for !strings.Contains(log1001.String(), "refused by the daemon") {
		if time.Now().After(deadline) {
			t.Fatalf("uid 1001 was not refused:\n%s", log1001)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if s.Connected() {
		t.Fatal("uid 1001 is served")
	}

	companionAs(t, 1000, s.Path())
	if ev := ts.next(t, Connected); ev.UID != 1000 {
		t.Fatalf("served uid %d, want 1000", ev.UID)
	}
	ran := filepath.Join(out, "ran-1000")
	if !s.Run(1, "touch "+ran) {
		t.Fatal("Run refused")
	}
	if ev := ts.next(t, Ended); ev.Code != 0 {
		t.Fatalf("command ended %d", ev.Code)
	}
	assertOwner(t, ran, 1000)

	writeSeat(t, seats, seatFor(1001))
	if ev := ts.next(t, Disconnected); ev.UID != 1000 {
		t.Fatalf("Disconnected %+v, want uid 1000's", ev)
	}
	if ev := ts.next(t, Connected); ev.UID != 1001 {
		t.Fatalf("after the switch uid %d is served, want 1001", ev.UID)
	}
	ran = filepath.Join(out, "ran-1001")
	s.Run(2, "touch "+ran)
	ts.next(t, Ended)
	assertOwner(t, ran, 1001)
}

func assertOwner(t *testing.T, path string, uid int) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Sys().(*syscall.Stat_t).Uid; int(got) != uid {
		t.Fatalf("%s is owned by uid %d, want %d", path, got, uid)
	}
}
