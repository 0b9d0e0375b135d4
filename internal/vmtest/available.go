package vmtest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"tiny-dfr/internal/vmtest/kit"
)

const (
	qemuBinary = "qemu-system-x86_64"
	qbootROM   = "/usr/share/qemu/qboot.rom"
)

// Available returns nil when QEMU, qboot and the kit ($TINYDFR_KIT or
// ~/.cache/tiny-dfr/kit) are present, else what is missing.
func Available() error {
	_, err := openKit()
	return err
}

func openKit() (*kit.Kit, error) {
	if _, err := exec.LookPath(qemuBinary); err != nil {
		return nil, fmt.Errorf("vmtest: %w (apt-get install qemu-system-x86, or run .ci/setup-vm)", err)
	}
	if _, err := os.Stat(qbootROM); err != nil {
		return nil, fmt.Errorf("vmtest: %w (apt-get install qemu-system-x86)", err)
	}
	k, err := kit.Open(kit.DefaultDir())
	if err != nil {
		return nil, fmt.Errorf("vmtest: %w", err)
	}
	return k, nil
}

// Require skips t when the guest cannot run here, naming what is missing;
// with CI=true in the environment it fails t instead.
func Require(t testing.TB) {
	t.Helper()
	if err := Available(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and the QEMU guest is unavailable: %v", err)
		}
		t.Skip(err)
	}
}
