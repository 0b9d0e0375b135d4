package vmtest

import (
	"slices"
	"strings"
	"testing"

	"tiny-dfr/internal/vmtest/kit"
)

// Foreign cards come after the Touch Bar's on the command line (so its
// console stays the first, the one screendump shows) but at lower PCI
// slots (so the guest probes them first: they are card0..). Without them
// the command line is unchanged.
func TestQemuArgsExtraGPUs(t *testing.T) {
	devices := func(cfg Config) []string {
		cfg.defaults()
		args := qemuArgs(&cfg, &kit.Kit{Dir: "/kit"}, "/tmp/x", "/tmp/x/initrd")
		var d []string
		for i, a := range args {
			if a == "-device" {
				d = append(d, args[i+1])
			}
		}
		return d
	}
	if d := devices(Config{}); !slices.Equal(d, []string{"virtio-gpu-pci,xres=64,yres=2008,edid=off"}) {
		t.Errorf("devices %q", d)
	}
	d := devices(Config{ExtraGPUs: 2, YRes: 2170})
	want := []string{
		"virtio-gpu-pci,xres=64,yres=2170,edid=off,addr=0x1f",
		"virtio-gpu-pci,xres=1024,yres=768,edid=off,addr=0x10",
		"virtio-gpu-pci,xres=1024,yres=768,edid=off,addr=0x11",
	}
	if !slices.Equal(d, want) {
		t.Errorf("devices\n%s\nwant\n%s", strings.Join(d, "\n"), strings.Join(want, "\n"))
	}
}
