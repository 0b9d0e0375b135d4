package memtrim

import (
	"os"
	"testing"
)

const sample = `00400000-00800000 r-xp 00000000 08:01 1234                               /usr/bin/tiny-dfr
Size:               4096 kB
Rss:                3388 kB
Private_Dirty:         0 kB
Anonymous:             0 kB
00800000-00c00000 r--p 00400000 08:01 1234                               /usr/bin/tiny-dfr
Size:               4096 kB
Rss:                3244 kB
Private_Dirty:      3244 kB
Anonymous:             0 kB
00c00000-00c10000 r--p 00800000 08:01 1234                               /usr/bin/tiny-dfr
Size:                 64 kB
Rss:                  64 kB
Private_Dirty:        64 kB
Anonymous:            64 kB
00c10000-00c80000 rw-p 00810000 08:01 1234                               /usr/bin/tiny-dfr
Size:                448 kB
Rss:                 440 kB
Private_Dirty:        40 kB
Anonymous:            40 kB
00c80000-00d00000 rw-p 00000000 00:00 0
Rss:                 512 kB
7f0000000000-7f0000001000 r--p 00000000 08:01 99                         /usr/lib/other file.so
Rss:                   4 kB
`

func TestParseSmaps(t *testing.T) {
	ms, err := ParseSmaps([]byte(sample), "/usr/bin/tiny-dfr")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 4 {
		t.Fatalf("%d mappings, want the executable's 4: %+v", len(ms), ms)
	}
	want := []bool{true, true, false, false} // text, rodata; not relocated RELRO, not data
	for i, m := range ms {
		if m.Releasable() != want[i] {
			t.Errorf("mapping %d %s %+v: releasable %v, want %v", i, m.Perms, m, m.Releasable(), want[i])
		}
	}
	if ms[0].Rss != 3388<<10 || ms[2].Anonymous != 64<<10 {
		t.Errorf("sizes: %+v", ms)
	}
	other, _ := ParseSmaps([]byte(sample), "/usr/lib/other file.so")
	if len(other) != 1 || other[0].Start != 0x7f0000000000 {
		t.Errorf("a path with a space: %+v", other)
	}
}

// TestReleaseExecutable releases this test binary's pages: its resident
// text shrinks, and the code still runs (the pages come back on use).
func TestReleaseExecutable(t *testing.T) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Skip(err)
	}
	rss := func() uint64 {
		b, err := os.ReadFile("/proc/self/smaps")
		if err != nil {
			t.Fatal(err)
		}
		ms, err := ParseSmaps(b, exe)
		if err != nil {
			t.Fatal(err)
		}
		var n uint64
		for _, m := range ms {
			if m.Releasable() {
				n += m.Rss
			}
		}
		return n
	}
	before := rss()
	n, err := ReleaseExecutable()
	if err != nil {
		t.Fatal(err)
	}
	after := rss() // reading smaps touches some pages again
	if n == 0 || after >= before || after > before/2 {
		t.Errorf("released %d bytes; clean read-only pages resident %d before, %d after", n, before, after)
	}
	t.Logf("released %d kB; resident %d kB before, %d kB after", n>>10, before>>10, after>>10)
}
