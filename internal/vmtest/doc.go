// Package vmtest runs Go tests inside a QEMU guest with Debian's own
// kernel, which has what this machine lacks: DRM (virtio-gpu), uinput, evdev,
// uhid with hid-apple (a T2 keyboard whose backlight LED is real).
//
// # Host side
//
// A host test calls Run with the packages whose guest tests (named TestVM…)
// should run. Run builds their test binaries (static, linux/amd64), packs
// them with the kit's modules and a Go /init into an uncompressed newc
// initramfs, boots QEMU (TCG, -M pc with qboot, PVH vmlinux, virtio-gpu-pci
// 64×2008 by default, serial console on QEMU's stdio, QMP on a unix socket)
// and turns each guest "--- PASS/FAIL/SKIP: TestVMx" into a host subtest
// t.Run("TestVMx") carrying the guest's output for it. A guest binary
// exiting non-zero, a guest that dies, or the timeout fail the test with the
// whole console. A guest that dies before its /init runs (a kernel panic
// at boot under a loaded host) is booted once more, and the retry logged with
// the dead guest's console tail; the kernel boots with no_timer_check, so the
// IO-APIC timer check cannot panic it. Without QEMU or the kit Run skips
// (fails when CI=true).
//
//	func TestGuest(t *testing.T) {
//		res := vmtest.Run(t, vmtest.Config{
//			Packages: []string{"."},
//			OnAsk: func(g *vmtest.Guest, req string) string {
//				img, err := g.Screendump() // what the guest last flushed
//				...
//				return "ok"
//			},
//		})
//		t.Log(res.Benchmarks)
//	}
//
// The kit lives in $TINYDFR_KIT (default ~/.cache/tiny-dfr/kit) and is made
// by `go run ./internal/vmtest/mkkit` (.ci/setup-vm runs it).
//
// # Guest side
//
// Guest tests call GuestOnly(t) first (they skip on the host) and may call
// AskHost to have the host act and answer (Config.OnAsk). The guest's /init
// mounts proc, sysfs (writable), devtmpfs, tmpfs on /tmp and /run (the
// initramfs holds /etc/passwd and /etc/group with root, tiny-dfr, nobody,
// input and video unless Config.Files replaces them); loads the
// kit modules; waits for /dev/dri/card0 and /dev/uinput; sets
// TINYDFR_GUEST=1, PATH=/bin:/usr/bin:/sbin:/usr/sbin, HOME=TMPDIR=/tmp and Config.Env (carried in
// the initramfs, not on the kernel command line, so values may hold spaces);
// then runs each
// test binary as /bin/<dir>.test in /pkg/<dir>, which holds a copy of the
// package's testdata, with the console (echo off, canonical) as stdio.
//
// Facts of this guest: fbcon binds to virtio-gpu through the DRM fbdev
// emulation and sets the 64×2008 mode; with ModuleParams
// {"drm_kms_helper": "fbdev_emulation=0"} nothing sets a mode, the display
// stays 640×480 and the connector's sysfs modes stay empty until a client
// probes it. There is no udev, no backlight and no lid switch.
//
// # Console protocol
//
// Lines starting "VMTEST " belong to the harness: INIT <uptime> when /init
// starts, WARN <text> for setup problems, ASK <request> from AskHost (the host
// answers "VMTEST REPLY <answer>" on the guest's stdin), EXIT <name> <code>
// after each binary, DONE <codes…> at the end, then the guest powers off.
package vmtest
