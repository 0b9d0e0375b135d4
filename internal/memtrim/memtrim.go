// Package memtrim hands back to the kernel the pages of the running
// executable that the process touched once (start-up, a build) and may not
// need again.
//
// A Go binary's text and read-only data (the function tables the runtime
// reads for stack scans and tracebacks included) are file-backed: every page
// touched while starting, parsing a config or shaping the first labels stays
// mapped, and counted in the process's RSS, for the life of the daemon
// (about 6.5 of its 11 MB). ReleaseExecutable drops the clean ones from the
// process's page tables with madvise(MADV_DONTNEED): they stay in the page
// cache, shared, and the next access maps them again (a minor fault).
package memtrim

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Mapping is one entry of /proc/self/smaps that may be released.
type Mapping struct {
	Start, End uint64 // [Start, End)
	Perms      string // "r-xp", "r--p"
	Path       string
	Rss        uint64 // bytes resident
	// Anonymous is the bytes that are no longer the file's (copied on
	// write: the relocations of a PIE's RELRO segment, say). A mapping
	// with any is never released: MADV_DONTNEED would swap the written
	// pages for the file's original bytes. (Private_Dirty is not the test:
	// it also counts file pages written and not yet written back, such as a
	// binary just built, which are the file's own.)
	Anonymous uint64
}

// Releasable tells whether m is a clean, read-only, private mapping of a
// file: dropping its pages loses nothing.
func (m Mapping) Releasable() bool {
	return (m.Perms == "r-xp" || m.Perms == "r--p") && m.Anonymous == 0 && m.Rss > 0 && m.End > m.Start
}

// ParseSmaps returns the mappings of smaps (the format of /proc/PID/smaps)
// whose path is exe.
func ParseSmaps(smaps []byte, exe string) ([]Mapping, error) {
	var out []Mapping
	var cur *Mapping
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if !strings.HasSuffix(f[0], ":") { // a mapping's header
			cur = nil
			if len(f) < 6 {
				continue // anonymous: no path
			}
			lo, hi, ok := strings.Cut(f[0], "-")
			if !ok {
				return nil, fmt.Errorf("memtrim: smaps: bad range %q", f[0])
			}
			start, err1 := strconv.ParseUint(lo, 16, 64)
			end, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("memtrim: smaps: bad range %q", f[0])
			}
			if path := strings.Join(f[5:], " "); path == exe {
				out = append(out, Mapping{Start: start, End: end, Perms: f[1], Path: path})
				cur = &out[len(out)-1]
			}
			continue
		}
		if cur == nil || len(f) < 2 {
			continue
		}
		kb, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "Rss:":
			cur.Rss = kb << 10
		case "Anonymous:":
			cur.Anonymous = kb << 10
		}
	}
	return out, sc.Err()
}

// ReleaseExecutable drops the resident pages of the running executable's
// clean read-only mappings and returns how many bytes were resident in
// them.
func ReleaseExecutable() (uint64, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, fmt.Errorf("memtrim: %w", err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, fmt.Errorf("memtrim: %w", err)
	}
	ms, err := ParseSmaps(smaps, exe)
	if err != nil {
		return 0, err
	}
	var n uint64
	for _, m := range ms {
		if !m.Releasable() {
			continue
		}
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, uintptr(m.Start), uintptr(m.End-m.Start), unix.MADV_DONTNEED); errno != 0 {
			return n, fmt.Errorf("memtrim: madvise %x-%x: %w", m.Start, m.End, errno)
		}
		n += m.Rss
	}
	return n, nil
}
