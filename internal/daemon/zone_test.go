package daemon

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"tiny-dfr/internal/input"
	"tiny-dfr/internal/safefile"
)

// tzif is a minimal tzfile (version 1, no transitions): a fixed offset.
func tzif(offset time.Duration, abbr string) []byte {
	b := []byte("TZif")
	b = append(b, make([]byte, 16)...) // version 1, reserved
	// isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
	for _, n := range []uint32{0, 0, 0, 0, 1, uint32(len(abbr) + 1)} {
		b = binary.BigEndian.AppendUint32(b, n)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(int32(offset/time.Second)))
	b = append(b, 0, 0) // isdst, abbreviation index
	return append(append(b, abbr...), 0)
}

// A zone change shows on the clock at its next tick, without a restart;
// the zone is asked at most once a minute, and only while a clock shows.
func TestZoneChangeShowsOnClock(t *testing.T) {
	t.Parallel()
	r := newRig(t, clockConfig("%H:%M:%S"), func(r *rig) { r.zone = time.UTC })
	start := r.zoneCalls
	r.run(time.Second)
	if h := r.painter.now.Hour(); h != 10 {
		t.Fatalf("hour %d in UTC, want 10", h)
	}
	r.zone = time.FixedZone("EET", 2*3600) // timedatectl set-timezone
	for range 6 {                          // keep the bar lit for 2 minutes
		r.c.onInput(input.Event{Kind: input.Activity}, r.now)
		r.run(20 * time.Second)
		if r.painter.now.Hour() == 12 {
			break
		}
	}
	if h := r.painter.now.Hour(); h != 12 {
		t.Errorf("hour %d after the zone change, want 12", h)
	}
	if n := r.zoneCalls - start; n > 2 {
		t.Errorf("zone asked %d times in a minute of a seconds clock, want at most 2", n)
	}
	// Without a clock the zone is never asked.
	r2 := newRig(t, func(r *rig) { r.zone = time.UTC })
	r2.c.onInput(input.Event{Kind: input.Activity}, r2.now)
	r2.touch(0, input.Down, 0)
	r2.run(10 * time.Minute)
	if r2.zoneCalls != 0 {
		t.Errorf("zone asked %d times without a clock", r2.zoneCalls)
	}
}

// The zone file is read again when it is re-linked (timedatectl), replaced
// or rewritten; an unreadable one keeps the last zone.
func TestZoneFileFollowsChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	zi := filepath.Join(dir, "zoneinfo", "Europe")
	os.MkdirAll(zi, 0o755)
	os.WriteFile(filepath.Join(zi, "London"), tzif(0, "GMT"), 0o644)
	os.WriteFile(filepath.Join(zi, "Helsinki"), tzif(2*time.Hour, "EET"), 0o644)
	local := filepath.Join(dir, "localtime")
	link := func(target string) { // as timedatectl: a new link renamed over
		tmp := local + ".tmp"
		os.Remove(tmp)
		if err := os.Symlink(target, tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, local); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	z := &zoneFile{path: local}
	expect := func(what string, hour int, name string) {
		t.Helper()
		loc, err := z.Location()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if h := at.In(loc).Hour(); h != hour || loc.String() != name {
			t.Errorf("%s: %d o'clock in %q, want %d in %q", what, h, loc, hour, name)
		}
	}
	link(filepath.Join(zi, "London"))
	expect("first", 10, "Europe/London")
	link(filepath.Join(zi, "Helsinki"))
	expect("re-linked", 12, "Europe/Helsinki")
	// A copy (no symlink), then rewritten in place with another zone.
	os.Remove(local)
	os.WriteFile(local, tzif(-5*time.Hour, "EST"), 0o644)
	expect("copied", 5, "Local")
	os.WriteFile(local, tzif(9*time.Hour, "JST9"), 0o644)
	expect("rewritten", 19, "Local")
	// Broken: kept, with an error naming the file.
	os.Remove(local)
	if loc, err := z.Location(); err == nil || at.In(loc).Hour() != 19 {
		t.Errorf("missing file: %v, %v; want the last zone and an error", loc, err)
	}
	syscall.Mkfifo(local, 0o644)
	if loc, err := z.Location(); !errors.Is(err, safefile.ErrNotRegular) || at.In(loc).Hour() != 19 {
		t.Errorf("FIFO: %v, %v; want the last zone and ErrNotRegular", loc, err)
	}
	os.Remove(local)
	os.WriteFile(local, []byte("not a tzfile"), 0o644)
	if loc, err := z.Location(); err == nil || at.In(loc).Hour() != 19 {
		t.Errorf("garbage: %v, %v; want the last zone and an error", loc, err)
	}
	link(filepath.Join(zi, "London"))
	expect("fixed again", 10, "Europe/London")
}
