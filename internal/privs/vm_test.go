package privs

import (
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"tiny-dfr/internal/vmtest"
)

// TestPrivsVM runs the guest tests below in the QEMU guest, as root on a
// real kernel with the harness's default /etc/passwd and /etc/group.
func TestPrivsVM(t *testing.T) {
	if testing.Short() {
		t.Skip("guest run in -short mode")
	}
	vmtest.Run(t, vmtest.Config{Packages: []string{"."}})
}

// The daemon's lookup finds its own user in the guest and the drop lands
// on it: not root, not the shared nobody.
func TestVMServiceUser(t *testing.T) {
	vmtest.GuestOnly(t)
	var log strings.Builder
	c, err := LookupService("/", slog.New(slog.NewTextHandler(&log, nil)), User, "input", "video")
	if err != nil {
		t.Fatal(err)
	}
	want := Creds{UID: vmtest.GuestUserID, GID: vmtest.GuestUserID, Groups: []int{vmtest.GuestInputGID, vmtest.GuestVideoGID}}
	if c.UID != want.UID || c.GID != want.GID || !slices.Equal(c.Groups, want.Groups) {
		t.Fatalf("LookupService = %+v, want %+v", c, want)
	}
	if log.Len() != 0 {
		t.Errorf("logged %q", log.String())
	}
	if os.Getuid() != 0 {
		t.Fatal("not root in the guest")
	}
	dropInChild(t, fmt.Sprintf("%d %d %d,%d", c.UID, c.GID, c.Groups[0], c.Groups[1]))
}
