package daemon

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// The real binary's touch → key path, end to end in the guest: the daemon
// started as the service starts it (no arguments), a fake Touch Bar
// digitizer tapping the buttons of the default layer, a reader timing the
// virtual keyboard's key down, and beside it the kernel's own round trip (a
// key written on a second uinput device and read back), alternating with
// the taps in the same boot. docs/benchmarks.md tells how to run it and
// what each figure means.

// tapEnv is the guest's number of taps.
const tapEnv = "DAEMON_TAPS"

// tapGuest is the guest run of TestVMDaemonTap with taps taps.
func tapGuest(t testing.TB, taps int) *vmtest.Result {
	files, err := replicaFiles(t.TempDir())
	if err != nil {
		t.Logf("no libinput replica in the guest: %v", err)
	}
	return vmtest.Run(t, vmtest.Config{
		Files:    files,
		Packages: []string{"."},
		Run:      "^TestVMDaemonTap$",
		Binaries: map[string]string{"/bin/tiny-dfr": "tiny-dfr/cmd/tiny-dfr"},
		Env:      tapEnvs(taps),
		// Keep fbcon off the display: the bar is the daemon's alone.
		ModuleParams: map[string]string{"drm_kms_helper": "fbdev_emulation=0"},
		Timeout:      time.Duration(3+taps/50) * time.Minute,
	})
}

// tapProfileEnv, set on the host to a file, profiles the daemon's CPU
// during the taps into it (the daemon's SIGUSR2 profile, 1 kHz; read it
// with go tool pprof).
const tapProfileEnv = "DAEMON_TAP_PROFILE"

// tapPerfEnv, set on the host, samples each phase's process with the
// host's perf (packed into the guest with its libraries, like the replica):
// kernel and user symbols, 20 kHz cpu-clock, printed as PERF lines. perf's
// own cost inflates the figures of that run; read the shares, not the times.
const tapPerfEnv = "DAEMON_TAP_PERF"

// guestPerfBin is where addPerf puts perf in the guest.
const guestPerfBin = "/bin/perf"

// addPerf adds the host's perf and the libraries it needs to host (guest
// path → host path).
func addPerf(host map[string]string) error {
	bin, err := exec.LookPath("perf")
	if err != nil {
		return fmt.Errorf("%s: %w (apt-get install linux-perf)", tapPerfEnv, err)
	}
	host[guestPerfBin] = bin
	ldd, err := exec.Command("ldd", bin).Output()
	if err != nil {
		return fmt.Errorf("ldd perf: %w", err)
	}
	for _, l := range strings.Split(string(ldd), "\n") {
		if f := strings.Fields(l); len(f) >= 3 && f[1] == "=>" && strings.HasPrefix(f[2], "/") {
			host[replicaLibs+"/"+filepath.Base(f[2])] = f[2]
		}
	}
	return nil
}

// guestPerf samples one process during its taps when perf is in the guest.
type guestPerf struct{ cmd *exec.Cmd }

func (g *guestPerf) around(pid int, after bool, name string) {
	if _, err := os.Stat(guestPerfBin); err != nil {
		return
	}
	data := "/tmp/perf-" + name + ".data"
	perf := func(args ...string) *exec.Cmd {
		return exec.Command(replicaLoader, append([]string{"--library-path", replicaLibs, guestPerfBin}, args...)...)
	}
	if !after {
		g.cmd = perf("record", "-e", "cpu-clock", "-F", "20000", "-p", strconv.Itoa(pid), "-o", data)
		g.cmd.Stdout, g.cmd.Stderr = os.Stdout, os.Stdout
		if err := g.cmd.Start(); err != nil {
			fmt.Println("PERF", name, "record:", err)
			g.cmd = nil
			return
		}
		time.Sleep(2 * time.Second) // perf attached to every thread
		return
	}
	if g.cmd == nil {
		return
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.cmd.Wait()
	g.cmd = nil
	for _, sort := range []string{"dso", "dso,sym"} {
		out, err := perf("report", "-i", data, "--stdio", "-n", "--sort", sort, "--percent-limit", "0.3").CombinedOutput()
		for _, l := range strings.Split(string(out), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				fmt.Println("PERF", name, l)
			}
		}
		if err != nil {
			fmt.Println("PERF", name, "report:", err)
		}
	}
}

// touchTimesEnv, set on the host, turns the daemon's touch probe on (its
// touch times: kernel event → read → keys out, logged on SIGUSR1). Off, the
// daemon's touch path is the shipped one.
const touchTimesEnv = "DAEMON_TAP_TOUCHTIMES"

// guestProfile is where the daemon writes the profile in the guest.
const guestProfile = "/tmp/tiny-dfr-taps.pprof"

func tapEnvs(taps int) map[string]string {
	env := map[string]string{tapEnv: strconv.Itoa(taps), debugMetricsEnv: "1"}
	if os.Getenv(floorEnv) != "" {
		env[floorEnv] = "1"
	}
	if os.Getenv(touchTimesEnv) != "" {
		env["TINY_DFR_DEBUG_TOUCHTIMES"] = "1"
	}
	if os.Getenv(tapProfileEnv) != "" {
		env["TINY_DFR_DEBUG_CPUPROFILE"] = guestProfile
	}
	return env
}

// saveProfile writes the profile a guest printed (a PROFILE line) to the
// file tapProfileEnv names.
func saveProfile(t testing.TB, res *vmtest.Result) {
	path := os.Getenv(tapProfileEnv)
	if path == "" || res == nil {
		return
	}
	for _, l := range res.Console {
		if i := strings.Index(l, "PROFILE "); i >= 0 {
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(l[i+len("PROFILE "):]))
			if err != nil {
				t.Errorf("profile: %v", err)
				return
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Error(err)
			}
			return
		}
	}
	t.Errorf("%s set, but the guest printed no profile", tapProfileEnv)
}

// replicaFiles builds the libinput replica (testdata/libinput-replica) in
// dir and returns it with what it needs in the guest: its shared
// libraries, the dynamic loader (in /bin, to be executable) and libinput's
// quirks. It needs gcc and Debian's libinput-dev on the host.
func replicaFiles(dir string) (map[string][]byte, error) {
	flags, err := exec.Command("pkg-config", "--cflags", "--libs", "libinput").Output()
	if err != nil {
		return nil, fmt.Errorf("pkg-config libinput (apt-get install libinput-dev): %w", err)
	}
	bin := filepath.Join(dir, "libinput-replica")
	args := append([]string{"-O2", "-Wall", "-o", bin, "testdata/libinput-replica/replica.c"}, strings.Fields(string(flags))...)
	if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("gcc: %w\n%s", err, out)
	}
	ldd, err := exec.Command("ldd", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd: %w", err)
	}
	host := map[string]string{replicaBin: bin}
	if os.Getenv(floorEnv) != "" {
		cf := filepath.Join(dir, "cfloor")
		if out, err := exec.Command("gcc", "-O2", "-Wall", "-static", "-o", cf, "testdata/cfloor/cfloor.c").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("gcc cfloor: %w\n%s", err, out)
		}
		host[cfloorBin] = cf
	}
	for _, l := range strings.Split(string(ldd), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 3 && f[1] == "=>" && strings.HasPrefix(f[2], "/"):
			host[replicaLibs+"/"+filepath.Base(f[2])] = f[2]
		case len(f) >= 1 && strings.Contains(f[0], "/ld-linux"):
			host[replicaLoader] = f[0]
		}
	}
	if host[replicaLoader] == "" {
		return nil, fmt.Errorf("ldd names no dynamic loader:\n%s", ldd)
	}
	if os.Getenv(tapPerfEnv) != "" {
		if err := addPerf(host); err != nil {
			return nil, err
		}
	}
	quirks, _ := filepath.Glob("/usr/share/libinput/*.quirks")
	for _, q := range quirks {
		host[q] = q
	}
	files := map[string][]byte{}
	for guest, h := range host {
		b, err := os.ReadFile(h)
		if err != nil {
			return nil, err
		}
		files[guest] = b
	}
	return files, nil
}

// debugMetricsEnv makes the daemon log its runtime counters on SIGUSR1
// (cmd/tiny-dfr/debugmetrics.go).
const debugMetricsEnv = "TINY_DFR_DEBUG_METRICS"

// TestDaemonVMTapSmoke runs the benchmark's scenario with a few taps: every
// key arrives, in order (no time is asserted; the figures are logged).
func TestDaemonVMTapSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("guest run in -short mode")
	}
	res := tapGuest(t, 24)
	if res == nil {
		return
	}
	for _, m := range tapMeasures(res) {
		t.Log(m)
	}
}

// BenchmarkVMDaemonTap boots the guest once and reports the figures of
// DAEMON_TAPS taps (default 300) as metrics (b.N is not used: one guest
// run is the measurement; use -benchtime 1x).
func BenchmarkVMDaemonTap(b *testing.B) {
	taps := 300
	if v := os.Getenv(tapEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 12 {
			b.Fatalf("%s=%q: want a number ≥ 12", tapEnv, v)
		}
		taps = n
	}
	var res *vmtest.Result
	for b.Loop() {
		res = tapGuest(b, taps)
	}
	if res == nil {
		return
	}
	saveProfile(b, res)
	ms := tapMeasures(res)
	got := map[string]float64{}
	for _, m := range ms {
		fmt.Println(m) // b.Log would be cut after the guest's log
		for label, prefix := range map[string]string{"MEASURE tap ": "", "MEASURE replica ": "replica-", "MEASURE gofloor ": "gofloor-"} {
			rest, ok := strings.CutPrefix(m, label)
			if !ok {
				continue
			}
			for _, f := range strings.Fields(rest) {
				k, v, ok := strings.Cut(f, "=")
				x, err := strconv.ParseFloat(v, 64)
				if ok && err == nil {
					got[prefix+k] = x
					b.ReportMetric(x, prefix+k)
				}
			}
		}
	}
	if _, ok := got["share-p50-µs"]; !ok {
		b.Fatal("the guest printed no MEASURE tap line")
	}
	// The yardsticks: the daemon's share and CPU per tap over the
	// replica's (≤ 0.6 and ≤ 1 wanted).
	if r := got["replica-share-p50-µs"]; r > 0 {
		b.ReportMetric(got["share-p50-µs"]/r, "share-p50/replica")
	}
	if r := got["replica-cpu-ms/tap"]; r > 0 {
		b.ReportMetric(got["cpu-ms/tap"]/r, "cpu/replica")
	}
}

// tapMeasures are the guest's MEASURE lines.
func tapMeasures(res *vmtest.Result) []string {
	var ms []string
	for _, l := range res.Console {
		if i := strings.Index(l, "MEASURE "); i >= 0 {
			ms = append(ms, strings.TrimSpace(l[i:]))
		}
	}
	return ms
}

// Guest side.

// tapGap is the pause after each tap's key up and after each baseline
// key, before the next injection.
const tapGap = 3 * time.Millisecond

// Names of the kernel baseline's uinput keyboard and the replica's.
const (
	baselineName = "tiny-dfr benchmark baseline"
	replicaName  = "libinput replica keyboard"
)

func TestVMDaemonTap(t *testing.T) {
	vmtest.GuestOnly(t)
	taps, err := strconv.Atoi(os.Getenv(tapEnv))
	if err != nil || taps < 1 {
		t.Fatalf("%s=%q", tapEnv, os.Getenv(tapEnv))
	}
	const length = 2008
	// The digitizer first, as on a laptop: the daemon opens it as root at
	// start (no udev here: its node stays root-only).
	tp := &tapper{t: t}
	tp.dig = create(t, uinput.DigitizerConfig(uinput.DigitizerT2, length, barHeight, 4))
	defer tp.dig.Close()
	time.Sleep(200 * time.Millisecond) // let devtmpfs make the node

	// The layout the daemon shows: its defaults, as the service has them
	// (no config files in the guest: the built-in default).
	cfg, diags := config.Load(config.BasePath, config.UserPath)
	if config.HasErrors(diags) {
		t.Fatal(diags)
	}
	lay := layouts.Build(cfg, length, barHeight)
	var edges []string // the replica's buttons, code:left:right
	for i := range lay.Layers[0].Buttons {
		b := lay.Button(0, i)
		k, ok := b.Action.(layouts.KeyAction)
		if !ok || len(k.Codes) != 1 {
			continue
		}
		x, _ := centre(lay, 0, i)
		tp.xs = append(tp.xs, raw(x, length))
		tp.codes = append(tp.codes, k.Codes[0])
		edges = append(edges, fmt.Sprintf("%d:%d:%g", k.Codes[0], b.Left, float64(b.Left)+b.Width))
	}
	if len(tp.codes) != 12 {
		t.Fatalf("default layer: %d one-key buttons, want the 12 F-keys", len(tp.codes))
	}

	p := startDaemon(t) // no arguments, as the service
	p.waitLog(t, "bar drawn")
	pid := p.cmd.Process.Pid
	kb := openVirtualKeyboard(t)
	defer kb.d.Close()

	// The baseline keyboard comes after the daemon dropped root: its node
	// is root-only, so the daemon cannot open it (checked) and the
	// baseline is the kernel's path alone.
	tp.base = create(t, uinput.Config{Name: baselineName, ID: evdev.InputID{Bustype: 0x06, Version: 1}, Keys: tp.codes})
	defer tp.base.Close()
	tp.bk = openInputByName(t, baselineName)
	defer tp.bk.Close()
	time.Sleep(500 * time.Millisecond) // the daemon tries its node now, if ever
	if fds := openNodes(pid); slices.Contains(fds, tp.bk.node) {
		t.Fatalf("the daemon reads the baseline device %s (open: %v)", tp.bk.node, fds)
	}

	// Counters around the taps. The runtime's: a first report warms the
	// logging path up; the difference of the next two is what one report
	// itself costs, taken off (the counts are exact only to a span between
	// collections: a few objects either way over the run).
	var m0, m1, m2 map[string]uint64
	profile := os.Getenv("TINY_DFR_DEBUG_CPUPROFILE") != ""
	var perf guestPerf
	f := tp.run(kb.d, pid, taps, func(after bool) {
		perf.around(pid, after, "daemon")
		if profile {
			syscall.Kill(pid, syscall.SIGUSR2) // start, then stop
		}
		if after {
			m2 = runtimeMetrics(t, p)
			if profile {
				p.waitLog(t, "cpu profile written")
				b, err := os.ReadFile(guestProfile)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Println("PROFILE " + base64.StdEncoding.EncodeToString(b))
			}
			return
		}
		runtimeMetrics(t, p)
		m0 = runtimeMetrics(t, p)
		m1 = runtimeMetrics(t, p)
	})
	report := func(name string) float64 {
		self := float64(m1[name]) - float64(m0[name])
		return (float64(m2[name]) - float64(m1[name]) - self) / float64(taps)
	}
	f.print("tap", fmt.Sprintf("loop-wakeups=%d frames=%d allocs/tap=%.1f tiny-allocs/tap=%.1f alloc-B/tap=%.0f gc-cycles=%d",
		m2["/tiny-dfr/loop/wakeups"]-m1["/tiny-dfr/loop/wakeups"], m2["/tiny-dfr/loop/frames"]-m1["/tiny-dfr/loop/frames"],
		report("/gc/heap/allocs:objects"), report("/gc/heap/tiny/allocs:objects"), report("/gc/heap/allocs:bytes"),
		m2["/gc/cycles/total:gc-cycles"]-m1["/gc/cycles/total:gc-cycles"]))
	fmt.Printf("MEASURE tap allocations: %d objects (%d tiny) and %d B during the taps, of which one report %d objects (%d tiny) and %d B\n",
		m2["/gc/heap/allocs:objects"]-m1["/gc/heap/allocs:objects"], m2["/gc/heap/tiny/allocs:objects"]-m1["/gc/heap/tiny/allocs:objects"],
		m2["/gc/heap/allocs:bytes"]-m1["/gc/heap/allocs:bytes"], m1["/gc/heap/allocs:objects"]-m0["/gc/heap/allocs:objects"],
		m1["/gc/heap/tiny/allocs:objects"]-m0["/gc/heap/tiny/allocs:objects"], m1["/gc/heap/allocs:bytes"]-m0["/gc/heap/allocs:bytes"])
	fmt.Printf("MEASURE tap heap: live %d B, runtime total %d B, goroutines %d\n",
		m2["/gc/heap/live:bytes"], m2["/memory/classes/total:bytes"], m2["/sched/goroutines:goroutines"])
	// No timer of the runtime's is pending on a lit bar (its deadlines
	// are the loop's timerfd): the runtime waits for the poller with no
	// timeout, and no wait arms and cancels a kernel timer.
	if ms, ok := pollerWait(pid, 5*time.Second); !ok {
		t.Error("no thread of the daemon waits in epoll_pwait")
	} else if ms != -1 {
		t.Errorf("the daemon waits for its poller with a timeout of %d ms, want none: a runtime timer is pending", ms)
	}
	if code := p.stop(t); code != 0 {
		t.Errorf("daemon exit code %d", code)
	}

	// The libinput replica (testdata/libinput-replica), when the host
	// packed it: the same taps on the same digitizer, now free.
	if _, err := os.Stat(replicaBin); err != nil {
		fmt.Println("MEASURE no libinput replica in this guest (the host could not build it)")
		return
	}
	rp := startReplica(t, nodeByName(t, uinput.DigitizerT2), length, edges)
	defer rp.Process.Kill()
	rk := openInputByName(t, replicaName)
	defer rk.Close()
	tp.run(rk.Device, rp.Process.Pid, taps, func(after bool) { perf.around(rp.Process.Pid, after, "replica") }).print("replica", "")
	rp.Process.Signal(syscall.SIGTERM)
	if err := rp.Wait(); err != nil {
		t.Errorf("replica: %v", err)
	}

	// The Go floor, with DAEMON_TAP_FLOOR set: the replica's job in Go on
	// this repository's evdev and uinput (runtime poller, raw reads and
	// writes), nothing else: what any Go daemon pays per tap here.
	if os.Getenv(floorEnv) == "" {
		return
	}
	// Then its variant that waits in a blocking read instead of the
	// poller ("goblock"): what the runtime's monitor thread costs then.
	for _, name := range []string{"gofloor", "goblock"} {
		fp := startFloor(t, name, nodeByName(t, uinput.DigitizerT2), length, edges)
		fk := openInputByName(t, name+" keyboard")
		tp.run(fk.Device, fp.Process.Pid, taps, func(after bool) { perf.around(fp.Process.Pid, after, name) }).print(name, "")
		fp.Process.Signal(syscall.SIGUSR1) // its touch times
		time.Sleep(300 * time.Millisecond)
		fk.Close()
		fp.Process.Kill()
		fp.Wait()
	}

	// The C floor (testdata/cfloor): the same job with a blocking read and
	// a write, no poll, no library, no runtime — the least any daemon
	// pays per tap in this guest.
	cp := startHelper(t, "cfloor", exec.Command(cfloorBin, append([]string{nodeByName(t, uinput.DigitizerT2), strconv.Itoa(length)}, edges...)...))
	ck := openInputByName(t, "c floor keyboard")
	tp.run(ck.Device, cp.Process.Pid, taps, func(after bool) { perf.around(cp.Process.Pid, after, "cfloor") }).print("cfloor", "")
	ck.Close()
	cp.Process.Kill()
	cp.Wait()
}

// cfloorBin is where the host puts the C floor (replicaFiles).
const cfloorBin = "/bin/cfloor"

// startHelper starts cmd, which says "ready" on stderr when it is, and
// waits for that; its output is printed, each line of stderr after name.
func startHelper(t *testing.T, name string, cmd *exec.Cmd) *exec.Cmd {
	t.Helper()
	p := startProc(t, name, cmd)
	p.waitLog(t, "ready")
	// Drained: its lines go on being printed, and it never blocks on them.
	go func() {
		for range p.lines {
		}
	}()
	return p.cmd
}

// floorEnv, set (on the host, passed to the guest), adds the Go floor to
// the benchmark; floorProcEnv makes the test binary the floor process.
const (
	floorEnv     = "DAEMON_TAP_FLOOR"
	floorProcEnv = "TINY_DFR_GOFLOOR_ARGS"
)

// startFloor runs this test binary as the Go floor process
// (TestVMGoFloorProcess) and waits until it is ready.
// name "goblock" is the variant that waits in a blocking read.
func startFloor(t *testing.T, name, node string, length int, edges []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestVMGoFloorProcess$")
	cmd.Env = append(os.Environ(), floorProcEnv+"="+strings.Join(append([]string{name, node, strconv.Itoa(length)}, edges...), " "))
	return startHelper(t, name, cmd)
}

// TestVMGoFloorProcess is the Go floor when startFloor runs it: read the
// digitizer (evdev.Device.ReadEach: the runtime poller, raw reads, as the
// daemon reads), on a touch down
// hit-test the row of buttons and write the key (uinput, one raw write),
// on the lift release it. It skips otherwise.
func TestVMGoFloorProcess(t *testing.T) {
	args := strings.Fields(os.Getenv(floorProcEnv))
	if len(args) < 4 {
		t.Skip("not the Go floor process")
	}
	name, blocking := args[0], args[0] == "goblock"
	args = args[1:]
	length, _ := strconv.Atoi(args[1])
	type button struct {
		code        uint16
		left, right float64
	}
	var bs []button
	var codes []uint16
	for _, e := range args[2:] {
		f := strings.Split(e, ":")
		c, _ := strconv.Atoi(f[0])
		l, _ := strconv.ParseFloat(f[1], 64)
		r, _ := strconv.ParseFloat(f[2], 64)
		bs = append(bs, button{uint16(c), l, r})
		codes = append(codes, uint16(c))
	}
	dev, err := evdev.Open(args[0])
	if err != nil {
		t.Fatal(err)
	}
	ax, err := dev.AbsInfo(evdev.AbsMtPositionX)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := uinput.Create("/dev/uinput", uinput.Config{Name: name + " keyboard", ID: evdev.InputID{Bustype: 0x06, Version: 1}, Keys: codes})
	if err != nil {
		t.Fatal(err)
	}
	fd := -1
	if blocking { // opened before "ready": the taps begin then
		if fd, err = unix.Open(args[0], unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond) // the node exists before "ready"
	fmt.Fprintln(os.Stderr, "ready")
	var wake, keys []int64
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	go func() {
		<-usr1
		slices.Sort(wake)
		slices.Sort(keys)
		if len(wake) > 0 {
			fmt.Fprintf(os.Stderr, "touch times frames=%d wake-p50-µs=%d wake-p90-µs=%d keys-p50-µs=%d keys-p90-µs=%d\n",
				len(wake), wake[len(wake)/2], wake[len(wake)*9/10], keys[len(keys)/2], keys[len(keys)*9/10])
		}
	}()
	evs := make([]evdev.RawEvent, 64)
	var x int32
	touching, was := false, false
	held := []uint16{0}
	frame := func(evs []evdev.RawEvent) bool {
		for _, e := range evs {
			switch {
			case e.Type == evdev.EvAbs && e.Code == evdev.AbsMtPositionX:
				x = e.Value
			case e.Type == evdev.EvKey && e.Code == evdev.BtnTouch:
				touching = e.Value != 0
			case e.Type == evdev.EvSyn && e.Code == evdev.SynReport:
				t1 := time.Now()
				if touching && !was {
					px := float64(x-ax.Minimum) / float64(ax.Maximum-ax.Minimum) * float64(length)
					for _, b := range bs {
						if px >= b.left && px < b.right {
							held[0] = b.code
							kb.Report(uinput.Event{Type: evdev.EvKey, Code: b.code, Value: 1})
						}
					}
				} else if !touching && was && held[0] != 0 {
					kb.Report(uinput.Event{Type: evdev.EvKey, Code: held[0], Value: 0})
					held[0] = 0
				}
				if touching != was && len(wake) < 8192 {
					wake = append(wake, t1.Sub(time.Unix(e.Sec, e.Usec*1000)).Microseconds())
					keys = append(keys, time.Since(t1).Microseconds())
				}
				was = touching
			}
		}
		return true
	}
	if !blocking {
		t.Fatal(dev.ReadEach(evs, frame))
	}
	// The variant: a read(2) that blocks, through the runtime's path for
	// blocking calls (syscall.Syscall), on a descriptor of its own.
	dev.Close()
	buf := make([]byte, len(evs)*evdev.EventSize)
	for {
		n, err := unix.Read(fd, buf)
		if err != nil {
			t.Fatal(err)
		}
		frame(evs[:evdev.DecodeEvents(buf[:n], evs)])
	}
}

// Where the host puts the replica and what it needs (replicaFiles).
const (
	replicaBin    = "/bin/libinput-replica"
	replicaLoader = "/bin/ld-linux-x86-64.so.2"
	replicaLibs   = "/lib/x86_64-linux-gnu"
)

// startReplica starts the libinput replica on the digitizer node (as
// root: it opens the node itself) and waits until it is ready. There is
// no udev in the guest: the test writes what udev's input_id would have
// recorded for the node, which libinput reads through libudev.
func startReplica(t *testing.T, node string, length int, edges []string) *exec.Cmd {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(node, &st); err != nil {
		t.Fatal(err)
	}
	db := fmt.Sprintf("/run/udev/data/c%d:%d", unix.Major(st.Rdev), unix.Minor(st.Rdev))
	os.MkdirAll(filepath.Dir(db), 0o755)
	if err := os.WriteFile(db, []byte("E:ID_INPUT=1\nE:ID_INPUT_TOUCHSCREEN=1\nG:seat\nQ:seat\nV:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--library-path", replicaLibs, replicaBin, node, strconv.Itoa(length), strconv.Itoa(barHeight)}, edges...)
	return startHelper(t, "replica", exec.Command(replicaLoader, args...))
}

// tapper taps the digitizer and the baseline keyboard in turn.
type tapper struct {
	t         *testing.T
	dig, base *uinput.Device
	bk        inputNode // the baseline keyboard's node
	xs        []int32   // raw x of each button's centre
	codes     []uint16  // each button's key
	id        int32     // last tracking id
	keys      *evdev.Device
	pid       int
}

// tapFigures are what one run measured.
type tapFigures struct {
	taps          int
	touch, kernel []time.Duration
	ticks         int // utime+stime, 1/100 s
	faults        int // minor and major page faults
	vol, invol    int // context switches
	busy          int // taps after which the process was still running
	status        map[string]string
}

// run taps 24 times to warm up (every button used twice), then taps
// times, and measures those; around (if set) runs before and after them.
func (tp *tapper) run(keys *evdev.Device, pid, taps int, around func(after bool)) tapFigures {
	t := tp.t
	tp.keys, tp.pid = keys, pid
	for i := range 2 * len(tp.codes) {
		tp.tap(i)
		tp.baseline(i)
	}
	waitIdle(t, pid)
	if around != nil {
		around(false)
	}
	f := tapFigures{taps: taps, touch: make([]time.Duration, 0, taps), kernel: make([]time.Duration, 0, taps)}
	ticks0, faults0 := cpuTicks(t, pid), pageFaults(t, pid)
	vol0, invol0 := switches(pid)
	th0 := threadStats(pid)
	defer func() {
		th1 := threadStats(pid)
		for tid, a := range th1 {
			b := th0[tid]
			fmt.Printf("MEASURE thread %s: run-ns/tap=%.0f ticks=%d vcsw/tap=%.1f ivcsw/tap=%.1f\n", tid, float64(a[0]-b[0])/float64(taps), a[1]-b[1], float64(a[2]-b[2])/float64(taps), float64(a[3]-b[3])/float64(taps))
		}
	}()
	for i := range taps {
		d, waited := tp.tap(i)
		f.touch = append(f.touch, d)
		if waited {
			f.busy++
		}
		f.kernel = append(f.kernel, tp.baseline(i))
	}
	f.ticks, f.faults = cpuTicks(t, pid)-ticks0, pageFaults(t, pid)-faults0
	vol1, invol1 := switches(pid)
	f.vol, f.invol = vol1-vol0, invol1-invol0
	f.status = procStatus(t, pid)
	if around != nil {
		around(true)
	}
	return f
}

// tap touches button i%12, times its key down, lifts, waits for the key
// up, 3 ms, and until the process is idle; it reports whether it had to
// wait for that.
func (tp *tapper) tap(i int) (time.Duration, bool) {
	t := tp.t
	b := i % len(tp.codes)
	tp.id++
	// A finger's height differs by a pixel or so between taps; the kernel
	// drops an ABS value equal to the last one.
	y := raw(float64(barHeight/2+i%2), barHeight)
	t0 := time.Now()
	if err := tp.dig.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: tp.id},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: tp.xs[b]},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionY, Value: y},
		uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsX, Value: tp.xs[b]},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsY, Value: y},
	); err != nil {
		t.Fatal(err)
	}
	d := waitKey(t, tp.keys, tp.codes[b], 1).Sub(t0)
	if err := tp.dig.Report(
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
		uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: -1},
		uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0},
	); err != nil {
		t.Fatal(err)
	}
	waitKey(t, tp.keys, tp.codes[b], 0)
	time.Sleep(tapGap)
	return d, waitIdle(t, tp.pid)
}

// baseline writes a key down on the baseline keyboard and times it back,
// then the key up, and 3 ms.
func (tp *tapper) baseline(i int) time.Duration {
	t := tp.t
	c := tp.codes[i%len(tp.codes)]
	t0 := time.Now()
	if err := tp.base.Report(uinput.Event{Type: evdev.EvKey, Code: c, Value: 1}); err != nil {
		t.Fatal(err)
	}
	d := waitKey(t, tp.bk.Device, c, 1).Sub(t0)
	if err := tp.base.Report(uinput.Event{Type: evdev.EvKey, Code: c, Value: 0}); err != nil {
		t.Fatal(err)
	}
	waitKey(t, tp.bk.Device, c, 0)
	time.Sleep(tapGap)
	return d
}

// print writes the MEASURE line of a run, label first, extra at the end.
func (f tapFigures) print(label, extra string) {
	tq := quantilesUS(f.touch, 0.5, 0.9, 0.99)
	kq := quantilesUS(f.kernel, 0.5, 0.9, 0.99)
	n := float64(f.taps)
	const hz = 100.0 // USER_HZ: /proc/PID/stat counts in 1/100 s
	fmt.Printf("MEASURE %s taps=%d share-p50-µs=%.0f share-p90-µs=%.0f share-p99-µs=%.0f "+
		"touch-p50-µs=%.0f touch-p90-µs=%.0f touch-p99-µs=%.0f kernel-p50-µs=%.0f kernel-p90-µs=%.0f kernel-p99-µs=%.0f "+
		"cpu-ms/tap=%.2f faults/tap=%.2f vcsw/tap=%.1f ivcsw/tap=%.1f threads=%s busy-after-tap=%d rss-kB=%s rss-anon-kB=%s rss-file-kB=%s rss-shmem-kB=%s hwm-kB=%s %s\n",
		label, f.taps, tq[0]-kq[0], tq[1]-kq[0], tq[2]-kq[0],
		tq[0], tq[1], tq[2], kq[0], kq[1], kq[2],
		float64(f.ticks)/hz*1000/n, float64(f.faults)/n, float64(f.vol)/n, float64(f.invol)/n, f.status["Threads"], f.busy,
		strings.TrimSuffix(f.status["VmRSS"], " kB"), strings.TrimSuffix(f.status["RssAnon"], " kB"),
		strings.TrimSuffix(f.status["RssFile"], " kB"), strings.TrimSuffix(f.status["RssShmem"], " kB"),
		strings.TrimSuffix(f.status["VmHWM"], " kB"), extra)
}

// inputNode is an evdev node the test reads.
type inputNode struct {
	*evdev.Device
	node string
}

// openInputByName opens the event node of the input device called name.
func openInputByName(t *testing.T, name string) inputNode {
	t.Helper()
	node := nodeByName(t, name)
	d, err := evdev.Open(node)
	if err != nil {
		t.Fatal(err)
	}
	return inputNode{d, node}
}

// nodeByName is the event node of the input device called name.
func nodeByName(t *testing.T, name string) string {
	t.Helper()
	for range 100 {
		names, _ := filepath.Glob("/sys/class/input/input*/name")
		for _, n := range names {
			b, _ := os.ReadFile(n)
			if strings.TrimSpace(string(b)) != name {
				continue
			}
			if evs, _ := filepath.Glob(filepath.Join(filepath.Dir(n), "event*")); len(evs) > 0 {
				return "/dev/input/" + filepath.Base(evs[0])
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no input device %q", name)
	return ""
}

// openNodes lists the files pid has open.
func openNodes(pid int) []string {
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	var ps []string
	for _, fd := range fds {
		if p, err := os.Readlink(fd); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// waitKey reads d until a key event comes, which must be code with value;
// it returns when it was read.
func waitKey(t *testing.T, d *evdev.Device, code uint16, value int32) time.Time {
	t.Helper()
	d.SetReadDeadline(time.Now().Add(20 * time.Second))
	var evs [8]evdev.RawEvent
	for {
		n, err := d.Read(evs[:])
		if errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("no key %d=%d within 20 s", code, value)
		}
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for _, e := range evs[:n] {
			if e.Type != evdev.EvKey {
				continue
			}
			if e.Code != code || e.Value != value {
				t.Fatalf("key %d=%d, want %d=%d", e.Code, e.Value, code, value)
			}
			return now
		}
	}
}

// waitIdle waits until no thread of pid is running or runnable (the
// daemon finished the tap's work), at most a second; it reports whether
// it had to wait.
func waitIdle(t *testing.T, pid int) bool {
	t.Helper()
	for i := 0; ; i++ {
		if idle(pid) {
			return i > 0
		}
		if i == 1000 {
			t.Logf("daemon still busy after 1 s")
			return true
		}
		time.Sleep(time.Millisecond)
	}
}

// pollerWait gives the timeout argument (ms) of the thread of pid that
// waits in epoll_pwait (/proc/PID/task/*/syscall: the system call's
// number and arguments): the first -1 seen within patience (a timer that
// ends within it, like the input monitor's grace for a refused node, is
// no fault), else the last timeout seen; ok false if no thread waited
// there.
func pollerWait(pid int, patience time.Duration) (ms int32, ok bool) {
	for range max(int(patience/(10*time.Millisecond)), 1) {
		calls, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/syscall", pid))
		for _, p := range calls {
			b, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			f := strings.Fields(string(b))
			if len(f) < 5 || f[0] != strconv.Itoa(unix.SYS_EPOLL_PWAIT) {
				continue
			}
			v, err := strconv.ParseUint(strings.TrimPrefix(f[4], "0x"), 16, 64)
			if err != nil {
				continue
			}
			ms, ok = int32(uint32(v)), true
			if ms == -1 {
				return ms, ok
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ms, ok
}

// idle tells whether every thread of pid sleeps.
func idle(pid int) bool {
	stats, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the thread ended
		}
		if f := statFields(string(b)); f[0] == "R" || f[0] == "D" {
			return false
		}
	}
	return true
}

// switches sums the voluntary and involuntary context switches of every
// thread of pid.
func switches(pid int) (vol, invol int) {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the thread ended
		}
		for _, l := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				continue
			}
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			switch k {
			case "voluntary_ctxt_switches":
				vol += n
			case "nonvoluntary_ctxt_switches":
				invol += n
			}
		}
	}
	return vol, invol
}

// runtimeMetrics has the daemon log its runtime counters (SIGUSR1 with
// TINY_DFR_DEBUG_METRICS set) and returns them by name.
func runtimeMetrics(t *testing.T, p *daemonProc) map[string]uint64 {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	l := p.waitLog(t, "runtime metrics")
	m := map[string]uint64{}
	for _, f := range strings.Fields(l) {
		if k, v, ok := strings.Cut(f, "="); ok && strings.HasPrefix(k, "/") {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				t.Fatalf("metric %s=%q in %q", k, v, l)
			}
			m[k] = n
		}
	}
	if _, ok := m["/gc/heap/allocs:objects"]; !ok {
		t.Fatalf("no allocation count in %q", l)
	}
	return m
}

// quantilesUS returns the quantiles qs of d, in µs.
func quantilesUS(d []time.Duration, qs ...float64) []float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	out := make([]float64, len(qs))
	for i, q := range qs {
		if len(s) > 0 {
			out[i] = float64(s[int(q*float64(len(s)-1))].Nanoseconds()) / 1e3
		}
	}
	return out
}

// threadStats reads, per thread of pid (by tid): the time it ran in ns
// (schedstat), its utime+stime ticks, and its voluntary and involuntary
// context switches. The run prints their differences over the taps as
// MEASURE thread lines: which threads a tap wakes, and what each costs.
func threadStats(pid int) map[string][4]int {
	m := map[string][4]int{}
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", pid))
	for _, d := range tasks {
		var v [4]int
		if b, err := os.ReadFile(d + "/schedstat"); err == nil {
			f := strings.Fields(string(b))
			if len(f) > 0 {
				v[0], _ = strconv.Atoi(f[0])
			}
		}
		if b, err := os.ReadFile(d + "/stat"); err == nil {
			f := statFields(string(b))
			u, _ := strconv.Atoi(f[11])
			st, _ := strconv.Atoi(f[12])
			v[1] = u + st
		}
		if b, err := os.ReadFile(d + "/status"); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				k, x, _ := strings.Cut(l, ":")
				n, _ := strconv.Atoi(strings.TrimSpace(x))
				switch k {
				case "voluntary_ctxt_switches":
					v[2] = n
				case "nonvoluntary_ctxt_switches":
					v[3] = n
				}
			}
		}
		m[filepath.Base(d)] = v
	}
	return m
}
