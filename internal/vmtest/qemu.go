package vmtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"tiny-dfr/internal/vmtest/kit"
)

// Guest is a running QEMU guest, handed to Config.OnLine and Config.OnAsk.
type Guest struct {
	dir     string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stderr  bytes.Buffer
	lines   <-chan string // console lines; closed when QEMU closes its output
	exited  chan struct{} // closed when QEMU has exited
	waitErr error

	mu    sync.Mutex // guards stdin writes, qmp and shots
	qmp   *qmp
	shots int
}

// qemuArgs is the proven command line (TCG, qboot, PVH vmlinux). The
// console runs at 115200 baud: at the default 9600 the UART's receive FIFO
// timeout made each AskHost round trip 6.5 ms instead of 2.3 ms.
// no_timer_check skips the kernel's check that the IO-APIC timer ticks:
// under TCG on a loaded host the check can miss the ticks and panic the
// guest at boot ("IO-APIC + timer doesn't work!").
func qemuArgs(cfg *Config, k *kit.Kit, dir, initrd string) []string {
	args := []string{
		"-M", "pc", "-bios", qbootROM, "-accel", "tcg", "-m", fmt.Sprintf("%dM", cfg.Memory), "-smp", "1",
		"-display", "none", "-no-reboot", "-nodefaults", "-serial", "stdio",
		"-qmp", "unix:" + filepath.Join(dir, "qmp.sock") + ",server=on,wait=off",
		"-kernel", k.Vmlinux(), "-initrd", initrd,
		"-append", strings.Join(append([]string{"console=ttyS0,115200", "panic=-1", "loglevel=4", "no_timer_check"}, cfg.Cmdline...), " "),
		"-device", fmt.Sprintf("virtio-gpu-pci,xres=%d,yres=%d,edid=off", cfg.XRes, cfg.YRes),
	}
	if cfg.ExtraGPUs > 0 {
		// The Touch Bar's card stays the first console (what screendump
		// shows) but gets a later PCI slot, so the guest probes the
		// foreign cards first.
		args[len(args)-1] += ",addr=0x1f"
		for i := range cfg.ExtraGPUs {
			args = append(args, "-device", fmt.Sprintf("virtio-gpu-pci,xres=1024,yres=768,edid=off,addr=0x%x", 0x10+i))
		}
	}
	return args
}

// start launches QEMU; g.lines receives console lines until QEMU closes
// its output, then is closed.
func start(cfg *Config, k *kit.Kit, dir, initrd string) (*Guest, error) {
	g := &Guest{dir: dir, exited: make(chan struct{})}
	g.cmd = exec.Command(qemuBinary, qemuArgs(cfg, k, dir, initrd)...)
	g.cmd.Stderr = &g.stderr
	// If the test binary dies (go test -timeout, a panic), QEMU dies too.
	g.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var err error
	if g.stdin, err = g.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("vmtest: %w", err)
	}
	stdout, err := g.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("vmtest: %w", err)
	}
	if err := g.cmd.Start(); err != nil {
		return nil, fmt.Errorf("vmtest: start qemu: %w", err)
	}
	lines := make(chan string, 256)
	go func() {
		defer close(lines)
		br := bufio.NewReaderSize(stdout, 64<<10)
		for {
			s, err := br.ReadString('\n')
			if s != "" {
				lines <- strings.TrimRight(s, "\r\n")
			}
			if err != nil {
				return
			}
		}
	}()
	g.lines = lines
	go func() {
		g.waitErr = g.cmd.Wait()
		close(g.exited)
	}()
	return g, nil
}

func (g *Guest) consoleLines() <-chan string { return g.lines }
func (g *Guest) stderrText() string          { <-g.exited; return g.stderr.String() }

// exitStatus is QEMU's exit, once it has exited.
func (g *Guest) exitStatus() string {
	<-g.exited
	if g.waitErr != nil {
		return g.waitErr.Error()
	}
	return "exit status 0"
}

// stop kills QEMU if it has not exited within grace, and waits for it.
func (g *Guest) stop(grace time.Duration) {
	g.mu.Lock()
	if g.qmp != nil {
		g.qmp.Close()
		g.qmp = nil
	}
	g.mu.Unlock()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-g.exited:
	case <-t.C:
		g.cmd.Process.Kill()
		<-g.exited
	}
}

// Send writes line and a newline to the guest's console (its stdin).
func (g *Guest) Send(line string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := io.WriteString(g.stdin, line+"\n"); err != nil {
		return fmt.Errorf("vmtest: send to guest: %w", err)
	}
	return nil
}

// QMP runs one QEMU Machine Protocol command (e.g. "query-status") and
// returns its "return" value.
func (g *Guest) QMP(command string, args any) (json.RawMessage, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.qmpLocked(command, args)
}

func (g *Guest) qmpLocked(command string, args any) (json.RawMessage, error) {
	if g.qmp == nil {
		q, err := dialQMP(filepath.Join(g.dir, "qmp.sock"), 5*time.Second)
		if err != nil {
			return nil, err
		}
		g.qmp = q
	}
	return g.qmp.do(command, args)
}

// Screendump takes a screenshot of the virtio-gpu display through QMP
// (what the guest last flushed), as an opaque RGBA image.
func (g *Guest) Screendump() (*image.RGBA, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shots++
	file := filepath.Join(g.dir, fmt.Sprintf("screen%d.ppm", g.shots))
	if _, err := g.qmpLocked("screendump", map[string]string{"filename": file}); err != nil {
		return nil, err
	}
	defer os.Remove(file)
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("vmtest: screendump: %w", err)
	}
	defer f.Close()
	return decodePPM(f)
}
