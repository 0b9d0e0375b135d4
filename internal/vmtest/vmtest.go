package vmtest

import (
	"time"
)

// Config describes one guest run.
type Config struct {
	// Packages whose test binaries run in the guest, in order. Each is
	// built with `go test -c` (CGO_ENABLED=0, linux/amd64) from the calling
	// test's directory ("." is the caller's own package) and run as
	// `/bin/<dir>.test -test.v -test.run <Run> [-test.bench <Bench>] <Args>`
	// in /pkg/<dir>, which holds a copy of the package's testdata (<dir> is
	// the package directory's name, made unique).
	Packages []string
	Run      string   // -test.run pattern in the guest; default "^TestVM"
	Bench    string   // optional -test.bench pattern (benchmarks in the guest)
	Args     []string // extra flags for every guest test binary, e.g. "-test.benchtime=100x"
	// Binaries are extra static programs: guest path → Go main package.
	Binaries map[string]string
	// Files are extra initramfs files: guest path → contents (mode 0644,
	// or 0755 under /bin). Without its own /etc/passwd and /etc/group the
	// guest has root, tiny-dfr (uid and gid GuestUserID), nobody (65534)
	// and the groups input (GuestInputGID) and video (GuestVideoGID).
	Files      map[string][]byte
	XRes, YRes int // virtio-gpu mode; default 64×2008
	// ExtraGPUs adds that many foreign landscape cards (virtio-gpu,
	// 1024×768, like an external display's), which the guest enumerates
	// before the Touch Bar's: they are card0.., the Touch Bar's card comes
	// last. The screendumps stay the Touch Bar's.
	ExtraGPUs int
	// Env is added to the environment of the guest programs (the guest's
	// /init also sets TINYDFR_GUEST=1, PATH=/bin:/usr/bin:/sbin:/usr/sbin, HOME=TMPDIR=/tmp).
	Env map[string]string
	// OnLine sees every console line as it arrives (without "\r\n").
	OnLine func(g *Guest, line string)
	// OnAsk answers a guest's AskHost(req); its result (one line) is sent
	// back as "VMTEST REPLY <answer>". Nil answers "error: no OnAsk".
	OnAsk func(g *Guest, req string) string
	// Timeout bounds the whole guest run (not the build); default 2 min,
	// and never past the host test's own deadline.
	Timeout time.Duration
	// Memory of the guest in MiB; default 512.
	Memory int
	// ModuleParams are parameters for kit modules, by module name, e.g.
	// {"drm_kms_helper": "fbdev_emulation=0"} to keep fbcon off the display
	// (by default fbcon binds to virtio-gpu, as it would on a laptop).
	ModuleParams map[string]string
	// Init, if set, is executed by the guest's /init after its set-up
	// (mounts, modules, device waits), staying PID 1: e.g. systemd (see
	// Systemd). That init must start /init again as a service, which then
	// runs the test binaries, prints the results and powers off.
	Init []string
	// HostFiles are extra initramfs files copied from the host: guest path
	// → host path, with the host file's mode (e.g. an init's binaries,
	// libraries and units).
	HostFiles map[string]string
	// Cmdline holds extra kernel command-line words.
	Cmdline []string
}

// Result is what a guest run produced.
type Result struct {
	Console    []string      // every console line
	Benchmarks []string      // benchmark result lines ("BenchmarkX  N  T ns/op ...")
	ExitCodes  []int         // exit code of each test binary, in Packages order
	Boot       time.Duration // QEMU start → the guest's /init running (host clock)
	InitUptime time.Duration // the guest kernel's uptime when /init started
	Total      time.Duration // QEMU start → QEMU exit
	Done       bool          // the guest's /init reported all runs finished
	Boots      int           // 2 when the first guest died before /init and was booted again
}

func (c *Config) defaults() {
	if c.Run == "" {
		c.Run = "^TestVM"
	}
	if c.XRes == 0 {
		c.XRes = 64
	}
	if c.YRes == 0 {
		c.YRes = 2008
	}
	if c.Timeout == 0 {
		c.Timeout = 2 * time.Minute
	}
	if c.Memory == 0 {
		c.Memory = 512
	}
}
