package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/uinput"
	"tiny-dfr/internal/vmtest"
)

// TestDaemonTapCostVM measures what a tap costs the daemon in the guest
// (TestVMTapCost): run with DAEMON_TAPCOST=1 (it prints MEASURE lines,
// asserts no time). DAEMON_TAPCOST_N sets the number of taps (300).
func TestDaemonTapCostVM(t *testing.T) {
	if os.Getenv("DAEMON_TAPCOST") == "" {
		t.Skip("DAEMON_TAPCOST=1 runs the guest tap-cost measurement")
	}
	n := os.Getenv("DAEMON_TAPCOST_N")
	if n == "" {
		n = "300"
	}
	vmtest.Run(t, vmtest.Config{
		Packages:     []string{"."},
		Run:          "^TestVMTapCost$",
		Env:          map[string]string{"DAEMON_TAPCOST_N": n},
		ModuleParams: map[string]string{"drm_kms_helper": "fbdev_emulation=0"},
		Timeout:      6 * time.Minute,
	})
}

// logWaiter is a slog handler that tells when a message was logged.
type logWaiter struct {
	msgs chan string
}

func (w logWaiter) Enabled(context.Context, slog.Level) bool { return true }
func (w logWaiter) Handle(_ context.Context, r slog.Record) error {
	select {
	case w.msgs <- r.Message:
	default:
	}
	return nil
}
func (w logWaiter) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w logWaiter) WithGroup(string) slog.Handler      { return w }

// tapCounters are the process's counters that a tap moves.
type tapCounters struct {
	cpu     int // clock ticks, user + system
	ctxsw   int // voluntary + involuntary, all threads
	allocs  uint64
	gcs     uint64
	threads int
}

// readTapCounters reads the counters. The reads of /proc allocate: at the
// end of a block (end) runtime/metrics is read first, at its start last,
// so that the block's allocations are only its own.
func readTapCounters(t *testing.T, end bool) tapCounters {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}, {Name: "/gc/cycles/total:gc-cycles"}}
	if end {
		metrics.Read(s)
	}
	tasks, _ := filepath.Glob("/proc/self/task/*")
	c := tapCounters{cpu: cpuTicks(t, os.Getpid()), ctxsw: ctxSwitches(t, os.Getpid()), threads: len(tasks)}
	if !end {
		metrics.Read(s)
	}
	c.allocs, c.gcs = s[0].Value.Uint64(), s[1].Value.Uint64()
	return c
}

// TestVMTapCost runs the daemon (Run, in this process, as the service
// starts it but without dropping root) on the guest's display, taps the
// buttons of the default layer through a fake digitizer, and measures per
// tap (down + lift): the touch → key-down time minus the kernel's own
// round trip (a key written on a second uinput keyboard and read back),
// the CPU time and context switches of the process (tapper included: the
// kernel-only loop's own cost is printed beside it), and the heap
// allocations and collector cycles (runtime/metrics).
func TestVMTapCost(t *testing.T) {
	vmtest.GuestOnly(t)
	taps := 300
	if v, err := strconv.Atoi(os.Getenv("DAEMON_TAPCOST_N")); err == nil && v > 0 {
		taps = v
	}
	const length = 2008
	dig := create(t, uinput.DigitizerConfig(uinput.DigitizerT2, length, barHeight, 4))
	defer dig.Close()
	cfgDir := "/tmp/etc/tiny-dfr"
	os.MkdirAll(cfgDir, 0o755)
	cfg := cfgDir + "/config.toml"
	os.Remove(cfg)
	g := &geometry{length: length}
	lay := g.layout(t, cfg)
	buttons := len(lay.Layers[0].Buttons)

	msgs := make(chan string, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{UserConfig: cfg, BaseConfig: "/nonexistent/config.toml", BacklightDir: "/tmp/no-backlight",
			PowerSupplyDir: "/tmp/no-power-supply", NoDrop: true, Logger: slog.New(logWaiter{msgs})})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	for m := range msgs {
		if m == "bar drawn" {
			break
		}
	}
	kb := openVirtualKeyboard(t)
	defer kb.d.Close()
	base := create(t, uinput.Config{Name: "tapcost baseline", Keys: []uint16{59}})
	defer base.Close()
	var baseDev *evdev.Device
	for range 100 {
		names, _ := filepath.Glob("/sys/class/input/input*/name")
		for _, n := range names {
			if b, _ := os.ReadFile(n); strings.TrimSpace(string(b)) == "tapcost baseline" {
				evs, _ := filepath.Glob(filepath.Join(filepath.Dir(n), "event*"))
				if len(evs) > 0 {
					d, err := evdev.Open("/dev/input/" + filepath.Base(evs[0]))
					if err != nil {
						t.Fatal(err)
					}
					baseDev = d
				}
			}
		}
		if baseDev != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if baseDev == nil {
		t.Fatal("no baseline keyboard")
	}
	defer baseDev.Close()
	time.Sleep(time.Second) // the first frame's trim and collection

	evs := make([]evdev.RawEvent, 8)
	// key reads events from d until a key event of value v.
	key := func(d *evdev.Device, v int32) {
		for {
			n, err := d.Read(evs)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs[:n] {
				if e.Type == evdev.EvKey && e.Value == v {
					return
				}
			}
		}
	}
	downEvs := make([]uinput.Event, 7)
	upEvs := []uinput.Event{
		{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
		{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: -1},
		{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 0},
	}
	xs := make([]int32, buttons)
	for i := range buttons {
		x, _ := centre(lay, 0, i)
		xs[i] = raw(x, length)
	}
	idle := 20 * time.Millisecond // the daemon is idle again
	press := []uinput.Event{{Type: evdev.EvKey, Code: 59, Value: 1}}
	release := []uinput.Event{{Type: evdev.EvKey, Code: 59, Value: 0}}
	// tapOnce taps button i%buttons and returns the touch → key-down time.
	tapOnce := func(i int) time.Duration {
		g.id++
		ry := raw(float64(barHeight/2+i%2), barHeight) // a finger's height varies
		downEvs = append(downEvs[:0],
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtSlot, Value: 0},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtTrackingID, Value: g.id},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionX, Value: xs[i%buttons]},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsMtPositionY, Value: ry},
			uinput.Event{Type: evdev.EvKey, Code: evdev.BtnTouch, Value: 1},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsX, Value: xs[i%buttons]},
			uinput.Event{Type: evdev.EvAbs, Code: evdev.AbsY, Value: ry})
		t0 := time.Now()
		if err := dig.Report(downEvs...); err != nil {
			t.Fatal(err)
		}
		key(kb.d, 1)
		d := time.Since(t0)
		time.Sleep(idle)
		if err := dig.Report(upEvs...); err != nil {
			t.Fatal(err)
		}
		key(kb.d, 0)
		time.Sleep(idle)
		return d
	}
	// kernelOnce is the kernel's own round trip, on the baseline keyboard.
	kernelOnce := func() time.Duration {
		t0 := time.Now()
		if err := base.Report(press...); err != nil {
			t.Fatal(err)
		}
		key(baseDev, 1)
		d := time.Since(t0)
		time.Sleep(idle)
		if err := base.Report(release...); err != nil {
			t.Fatal(err)
		}
		key(baseDev, 0)
		time.Sleep(idle)
		return d
	}
	// Blocks of taps alternate with blocks of the baseline, so that both
	// see the same load; the counters are summed per kind.
	const block = 25
	touch := make([]time.Duration, 0, taps)
	kernel := make([]time.Duration, 0, taps)
	var tapSum, kernelSum tapCounters
	add := func(sum *tapCounters, a, b tapCounters) {
		sum.cpu += b.cpu - a.cpu
		sum.ctxsw += b.ctxsw - a.ctxsw
		sum.allocs += b.allocs - a.allocs
		sum.gcs += b.gcs - a.gcs
		sum.threads = b.threads
	}
	for len(touch) < taps {
		n := min(block, taps-len(touch))
		c0 := readTapCounters(t, false)
		for range n {
			touch = append(touch, tapOnce(len(touch)))
		}
		c1 := readTapCounters(t, true)
		k0 := readTapCounters(t, false)
		for range n {
			kernel = append(kernel, kernelOnce())
		}
		k1 := readTapCounters(t, true)
		add(&tapSum, c0, c1)
		add(&kernelSum, k0, k1)
	}
	q := func(d []time.Duration, p float64) time.Duration {
		s := slices.Clone(d)
		slices.Sort(s)
		return s[int(p*float64(len(s)-1))]
	}
	per := func(n int) float64 { return float64(n) / float64(taps) }
	fmt.Printf("MEASURE tapcost %d taps: touch→key p50 %v p90 %v p99 %v; kernel p50 %v p90 %v p99 %v; share p50 %v\n", taps,
		q(touch, .5), q(touch, .9), q(touch, .99), q(kernel, .5), q(kernel, .9), q(kernel, .99), q(touch, .5)-q(kernel, .5))
	fmt.Printf("MEASURE tapcost per tap: cpu %.2f ms (kernel-only loop %.2f ms), ctxsw %.1f (kernel-only loop %.1f), allocs %.2f (kernel-only loop %.2f), gc cycles %d in %d taps, threads %d\n",
		per(tapSum.cpu)*10, per(kernelSum.cpu)*10, per(tapSum.ctxsw), per(kernelSum.ctxsw),
		float64(tapSum.allocs)/float64(taps), float64(kernelSum.allocs)/float64(taps), tapSum.gcs, taps, tapSum.threads)
	st := procStatus(t, os.Getpid())
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	fmt.Printf("MEASURE tapcost memory: VmRSS %s, VmHWM %s; Go heap live %d kB, runtime holds %d kB, soft limit %d kB\n",
		st["VmRSS"], st["VmHWM"], live[0].Value.Uint64()>>10, runtimeHeld()>>10, debug.SetMemoryLimit(-1)>>10)
}

// runtimeHeld is the memory the Go runtime holds from the kernel.
func runtimeHeld() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}
