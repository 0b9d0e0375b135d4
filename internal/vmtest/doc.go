// Package vmtest runs Go tests inside a QEMU guest with Debian's own
// kernel, which has what this machine lacks: DRM (virtio-gpu), uinput, evdev.
//
// Host side: a test calls Run with the packages whose guest tests (named
// TestVM…) should run; Run builds their test binaries statically, packs them
// with the kit's modules and a Go /init into an initramfs, boots QEMU (TCG,
// qboot, PVH vmlinux, virtio-gpu-pci 64×2008) and turns each guest
// "--- PASS/FAIL/SKIP: TestVMx" into a host subtest. Without QEMU or the kit
// it skips, or fails when CI=true. The kit lives in $TINYDFR_KIT (default
// ~/.cache/tiny-dfr/kit) and is made by `go run ./internal/vmtest/mkkit`
// (.ci/setup-vm does it).
//
//	func TestDRM(t *testing.T) {
//		vmtest.Run(t, vmtest.Config{
//			Packages: []string{"."},
//			OnAsk: func(g *vmtest.Guest, req string) string {
//				img, err := g.Screendump() // what the guest flushed
//				...
//				return "ok"
//			},
//		})
//	}
//
// Guest side: guest tests call GuestOnly(t) first (they skip on the host),
// and may call AskHost to have the host act (take a screendump, …) and
// answer. The guest's /init sets TINYDFR_GUEST=1, PATH=/bin,
// HOME=TMPDIR=/tmp and Config.Env, and runs each binary with /tmp as its
// working directory and the serial console as stdin/stdout.
package vmtest
