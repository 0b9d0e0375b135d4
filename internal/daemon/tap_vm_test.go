package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

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
	return vmtest.Run(t, vmtest.Config{
		Packages: []string{"."},
		Run:      "^TestVMDaemonTap$",
		Binaries: map[string]string{"/bin/tiny-dfr": "tiny-dfr/cmd/tiny-dfr"},
		Env:      map[string]string{tapEnv: strconv.Itoa(taps), debugMetricsEnv: "1"},
		// Keep fbcon off the display: the bar is the daemon's alone.
		ModuleParams: map[string]string{"drm_kms_helper": "fbdev_emulation=0"},
		Timeout:      time.Duration(3+taps/50) * time.Minute,
	})
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
	ms := tapMeasures(res)
	if len(ms) == 0 {
		b.Fatal("the guest printed no MEASURE tap line")
	}
	for _, m := range ms {
		b.Log(m)
		if !strings.HasPrefix(m, "MEASURE tap ") {
			continue
		}
		for _, f := range strings.Fields(strings.TrimPrefix(m, "MEASURE tap ")) {
			k, v, ok := strings.Cut(f, "=")
			x, err := strconv.ParseFloat(v, 64)
			if ok && err == nil {
				b.ReportMetric(x, k)
			}
		}
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

// baselineName is the kernel baseline's uinput keyboard.
const baselineName = "tiny-dfr benchmark baseline"

func TestVMDaemonTap(t *testing.T) {
	vmtest.GuestOnly(t)
	taps, err := strconv.Atoi(os.Getenv(tapEnv))
	if err != nil || taps < 1 {
		t.Fatalf("%s=%q", tapEnv, os.Getenv(tapEnv))
	}
	const length = 2008
	// The digitizer first, as on a laptop: the daemon opens it as root at
	// start (no udev here: its node stays root-only).
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, length, barHeight, 4))
	defer dig.Close()
	time.Sleep(200 * time.Millisecond) // let devtmpfs make the node

	// The layout the daemon shows: its defaults, as the service has them
	// (no config files in the guest: the built-in default).
	cfg, diags := config.Load(DefaultBaseConfig, DefaultUserConfig)
	if config.HasErrors(diags) {
		t.Fatal(diags)
	}
	lay := layouts.Build(cfg, length, barHeight)
	var xs []int32
	var codes []uint16
	for i := range lay.Layers[0].Buttons {
		k, ok := lay.Button(0, i).Action.(layouts.KeyAction)
		if !ok || len(k.Codes) != 1 {
			continue
		}
		x, _ := centre(lay, 0, i)
		xs = append(xs, raw(x, length))
		codes = append(codes, k.Codes[0])
	}
	if len(codes) != 12 {
		t.Fatalf("default layer: %d one-key buttons, want the 12 F-keys", len(codes))
	}

	p := startDaemon(t) // no arguments, as the service
	p.waitLog(t, "bar drawn")
	pid := p.cmd.Process.Pid
	kb := openVirtualKeyboard(t)
	defer kb.d.Close()

	// The baseline keyboard comes after the daemon dropped root: its node
	// is root-only, so the daemon cannot open it (checked) and the
	// baseline is the kernel's path alone.
	base := create(t, uinput.Config{Name: baselineName, ID: evdev.InputID{Bustype: 0x06, Version: 1}, Keys: codes})
	defer base.Close()
	bk := openInputByName(t, baselineName)
	defer bk.Close()
	time.Sleep(500 * time.Millisecond) // the daemon tries its node now, if ever
	if fds := openNodes(pid); slices.Contains(fds, bk.node) {
		t.Fatalf("the daemon reads the baseline device %s (open: %v)", bk.node, fds)
	}

	// A few taps to warm up (first use of every button), then the count.
	var id int32
	tap := func(i int) (time.Duration, bool) {
		b := i % len(codes)
		id++
		// A finger's height differs by a pixel or so between taps; the
		// kernel drops an ABS value equal to the last one.
		y := raw(float64(barHeight/2+i%2), barHeight)
		t0 := time.Now()
		if err := dig.Report(
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: id},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: xs[b]},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionY, Value: y},
			uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsX, Value: xs[b]},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsY, Value: y},
		); err != nil {
			t.Fatal(err)
		}
		d := waitKey(t, kb.d, codes[b], 1).Sub(t0)
		if err := dig.Report(
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: -1},
			uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0},
		); err != nil {
			t.Fatal(err)
		}
		waitKey(t, kb.d, codes[b], 0)
		time.Sleep(tapGap)
		return d, waitIdle(t, pid)
	}
	baseline := func(i int) time.Duration {
		c := []uint16{codes[i%len(codes)]}
		t0 := time.Now()
		if err := base.Report(uinput.Event{Type: evdev.EvKey, Code: c[0], Value: 1}); err != nil {
			t.Fatal(err)
		}
		d := waitKey(t, bk.Device, c[0], 1).Sub(t0)
		if err := base.Report(uinput.Event{Type: evdev.EvKey, Code: c[0], Value: 0}); err != nil {
			t.Fatal(err)
		}
		waitKey(t, bk.Device, c[0], 0)
		time.Sleep(tapGap)
		return d
	}
	for i := range 2 * len(codes) {
		tap(i)
		baseline(i)
	}
	waitIdle(t, pid)

	// Counters around the taps. The runtime's: a first report warms the
	// logging path up; the difference of the next two is what one report
	// itself costs, taken off (the counts are exact only to a span between
	// collections: a few objects either way over the run).
	runtimeMetrics(t, p)
	m0 := runtimeMetrics(t, p)
	m1 := runtimeMetrics(t, p)
	ticks0 := cpuTicks(t, pid)
	vol0, invol0 := switches(pid)
	touch := make([]time.Duration, 0, taps)
	kernel := make([]time.Duration, 0, taps)
	busy := 0
	for i := range taps {
		d, waited := tap(i)
		touch = append(touch, d)
		if waited {
			busy++
		}
		kernel = append(kernel, baseline(i))
	}
	ticks1 := cpuTicks(t, pid)
	vol1, invol1 := switches(pid)
	m2 := runtimeMetrics(t, p)
	st := procStatus(t, pid)

	per := func(a, b uint64) float64 { return (float64(b) - float64(a)) / float64(taps) }
	report := func(name string) float64 {
		self := float64(m1[name]) - float64(m0[name])
		return (float64(m2[name]) - float64(m1[name]) - self) / float64(taps)
	}
	tp := quantilesUS(touch, 0.5, 0.9, 0.99)
	kp := quantilesUS(kernel, 0.5, 0.9, 0.99)
	hz := 100.0 // USER_HZ: /proc/PID/stat counts in 1/100 s
	fmt.Printf("MEASURE tap taps=%d share-p50-µs=%.0f share-p90-µs=%.0f share-p99-µs=%.0f "+
		"touch-p50-µs=%.0f touch-p90-µs=%.0f touch-p99-µs=%.0f kernel-p50-µs=%.0f kernel-p90-µs=%.0f kernel-p99-µs=%.0f "+
		"cpu-ms/tap=%.2f vcsw/tap=%.1f ivcsw/tap=%.1f threads=%s allocs/tap=%.1f tiny-allocs/tap=%.1f alloc-B/tap=%.0f "+
		"gc-cycles=%d busy-after-tap=%d rss-kB=%s hwm-kB=%s\n",
		taps, tp[0]-kp[0], tp[1]-kp[0], tp[2]-kp[0],
		tp[0], tp[1], tp[2], kp[0], kp[1], kp[2],
		float64(ticks1-ticks0)/hz*1000/float64(taps),
		per(uint64(vol0), uint64(vol1)), per(uint64(invol0), uint64(invol1)), st["Threads"],
		report("/gc/heap/allocs:objects"), report("/gc/heap/tiny/allocs:objects"), report("/gc/heap/allocs:bytes"),
		m2["/gc/cycles/total:gc-cycles"]-m1["/gc/cycles/total:gc-cycles"], busy,
		strings.TrimSuffix(st["VmRSS"], " kB"), strings.TrimSuffix(st["VmHWM"], " kB"))
	fmt.Printf("MEASURE tap allocations: %d objects (%d tiny) and %d B during the taps, of which one report %d objects (%d tiny) and %d B\n",
		m2["/gc/heap/allocs:objects"]-m1["/gc/heap/allocs:objects"], m2["/gc/heap/tiny/allocs:objects"]-m1["/gc/heap/tiny/allocs:objects"],
		m2["/gc/heap/allocs:bytes"]-m1["/gc/heap/allocs:bytes"], m1["/gc/heap/allocs:objects"]-m0["/gc/heap/allocs:objects"],
		m1["/gc/heap/tiny/allocs:objects"]-m0["/gc/heap/tiny/allocs:objects"], m1["/gc/heap/allocs:bytes"]-m0["/gc/heap/allocs:bytes"])
	fmt.Printf("MEASURE tap heap: live %d B, runtime total %d B, goroutines %d\n",
		m2["/gc/heap/live:bytes"], m2["/memory/classes/total:bytes"], m2["/sched/goroutines:goroutines"])

	if code := p.stop(t); code != 0 {
		t.Errorf("daemon exit code %d", code)
	}
}

// inputNode is an evdev node the test reads.
type inputNode struct {
	*evdev.Device
	node string
}

// openInputByName opens the event node of the input device called name.
func openInputByName(t *testing.T, name string) inputNode {
	t.Helper()
	for range 100 {
		names, _ := filepath.Glob("/sys/class/input/input*/name")
		for _, n := range names {
			b, _ := os.ReadFile(n)
			if strings.TrimSpace(string(b)) != name {
				continue
			}
			evs, _ := filepath.Glob(filepath.Join(filepath.Dir(n), "event*"))
			if len(evs) == 0 {
				continue
			}
			node := "/dev/input/" + filepath.Base(evs[0])
			d, err := evdev.Open(node)
			if err != nil {
				t.Fatal(err)
			}
			return inputNode{d, node}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no input device %q", name)
	return inputNode{}
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

// idle tells whether every thread of pid sleeps.
func idle(pid int) bool {
	stats, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the thread ended
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 0 && (f[0] == "R" || f[0] == "D") {
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
