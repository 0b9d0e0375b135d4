// Command guestinit is PID 1 of the vmtest QEMU guest: it mounts the kernel
// filesystems, loads the kit modules, runs the planned test binaries on the
// console and powers off. With a plan's Exec it instead hands PID 1 to
// that program (systemd) after the set-up, and runs the tests when that
// init starts it again as a service (not PID 1: runner mode).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/vmtest/plan"
)

func main() {
	var codes []string
	if os.Getpid() == 1 {
		codes = run()
	} else {
		codes = runner()
	}
	fmt.Printf("%s %s\n", plan.Done, strings.Join(codes, " "))
	unix.Sync()
	if err := unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		fmt.Printf("%s power off: %v\n", plan.Warn, err)
	}
	os.Exit(1) // PID 1 exiting panics the kernel; panic=-1 and -no-reboot end QEMU
}

func warnf(format string, args ...any) {
	fmt.Printf(plan.Warn+" "+format+"\n", args...)
}

func run() []string {
	mountAll()
	quietConsole()
	up, _ := os.ReadFile("/proc/uptime")
	fmt.Printf("%s %s\n", plan.Init, strings.Fields(string(up) + " ?")[0])

	var p plan.Plan
	b, err := os.ReadFile(plan.Path)
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	if err != nil {
		warnf("plan: %v", err)
		return []string{"plan"}
	}
	for _, m := range p.Modules {
		if err := loadModule(m); err != nil {
			warnf("%v", err)
		}
	}
	waitFor(p.Wait, 20*time.Second)
	if len(p.Exec) > 0 {
		// Stays PID 1: the kernel file systems stay mounted, the modules
		// loaded; the new init runs "/init" as a service for the tests.
		err := unix.Exec(p.Exec[0], p.Exec, os.Environ())
		warnf("exec %v: %v", p.Exec, err)
		return []string{"exec"}
	}
	return runAll(p)
}

// runner runs the plan's tests when another init started /init as its
// service (plan.Exec).
func runner() []string {
	quietConsole()
	var p plan.Plan
	b, err := os.ReadFile(plan.Path)
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	if err != nil {
		warnf("plan: %v", err)
		return []string{"plan"}
	}
	return runAll(p)
}

func runAll(p plan.Plan) []string {
	os.Setenv("PATH", "/bin:/usr/bin:/sbin:/usr/sbin")
	os.Setenv("HOME", "/tmp")
	os.Setenv("TMPDIR", "/tmp")
	for k, v := range p.Env {
		os.Setenv(k, v)
	}
	os.Setenv("TINYDFR_GUEST", "1")

	var codes []string
	for _, r := range p.Runs {
		code := execute(r)
		fmt.Printf("%s %s %d\n", plan.Exit, r.Name, code)
		codes = append(codes, fmt.Sprint(code))
	}
	return codes
}

func mountAll() {
	for _, m := range []struct{ src, dst, fstype string }{
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
		{"devtmpfs", "/dev", "devtmpfs"},
		{"tmpfs", "/tmp", "tmpfs"},
		{"tmpfs", "/run", "tmpfs"},
	} {
		os.MkdirAll(m.dst, 0o755)
		if err := unix.Mount(m.src, m.dst, m.fstype, 0, ""); err != nil {
			warnf("mount %s: %v", m.dst, err)
		}
	}
}

// quietConsole turns off echo on the console so that the host's replies
// are not printed back; lines stay canonical (read one line at a time).
func quietConsole() {
	t, err := unix.IoctlGetTermios(0, unix.TCGETS)
	if err != nil {
		warnf("console termios: %v", err)
		return
	}
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ECHOE | unix.ECHOK | unix.ECHOCTL | unix.ECHOKE
	t.Lflag |= unix.ICANON
	if err := unix.IoctlSetTermios(0, unix.TCSETS, t); err != nil {
		warnf("console termios: %v", err)
	}
}

func loadModule(m plan.Module) error {
	f, err := os.Open(m.Path)
	if err != nil {
		return fmt.Errorf("module: %w", err)
	}
	defer f.Close()
	if err := unix.FinitModule(int(f.Fd()), m.Params, 0); err != nil && err != unix.EEXIST {
		return fmt.Errorf("module %s %s: %w", m.Path, m.Params, err)
	}
	return nil
}

func waitFor(paths []string, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for _, p := range paths {
		for {
			if _, err := os.Stat(p); err == nil {
				break
			}
			if time.Now().After(deadline) {
				warnf("%s did not appear", p)
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func execute(r plan.Run) int {
	cmd := exec.Command(r.Path, r.Args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Dir = r.Dir
	if cmd.Dir == "" {
		cmd.Dir = "/tmp"
	}
	err := cmd.Run()
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		if code := ee.ExitCode(); code >= 0 {
			return code
		}
		warnf("%s: %v", r.Name, err) // killed by a signal
		return 128
	}
	warnf("%s: %v", r.Name, err)
	return 127
}
