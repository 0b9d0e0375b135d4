package input

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
)

// The directory is watched for changes of rights (IN_ATTRIB) only while
// setAttrib says so: a directory watched for IN_ATTRIB puts fsnotify's
// parent lookup on every read of a digitizer. A sentinel node created
// after a chmod proves the chmod was not reported: no timing.
func TestWatcherAttribOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	w, err := newWatcher(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	next := func(path string) {
		t.Helper()
		c, err := w.next()
		if err != nil {
			t.Fatal(err)
		}
		if c.path != path || c.gone || c.overflow {
			t.Fatalf("change %+v, want %s", c, path)
		}
	}
	node := filepath.Join(dir, "event3")
	if err := os.WriteFile(node, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	next(node)
	sentinel := func(name string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		next(p)
	}
	os.Chmod(node, 0o660) // not watched: nothing
	sentinel("event9")
	if err := w.setAttrib(true); err != nil {
		t.Fatal(err)
	}
	os.Chmod(node, 0o600)
	next(node)
	if err := w.setAttrib(false); err != nil {
		t.Fatal(err)
	}
	os.Chmod(node, 0o660)
	sentinel("event10")
}

// Changes of rights are watched while a node we would follow is refused:
// a digitizer until it opens or goes, a device followed for activity only
// for the grace period; never for a device we would not follow. Turning
// the watch on tries the refused nodes once more (their rights may have
// changed before the watch began).
func TestRefusedRightsWatched(t *testing.T) {
	sys := t.TempDir()
	fakeSysfs(t, sys, "event3", "Apple Inc. Touch Bar Display Touchpad", "b", "400 0 0 0 0 0", "663800000000003", "0")
	fakeSysfs(t, sys, "event4", "Logitech USB Optical Mouse", "17", "70000 0 0 0 0", "0", "0")
	fakeSysfs(t, sys, "event5", "HDA Intel PCH Headphone", "21", "0", "0", "4") // a jack switch: not followed
	m := newMonitor("/dev/input", sys, slog.New(slog.DiscardHandler))
	m.grace = time.Hour // the test fires the recheck itself
	var calls []bool
	m.setAttrib = func(on bool) error { calls = append(calls, on); return nil }
	tries := map[string]int{}
	open := map[string]bool{}
	m.openDev = func(path string) (*evdev.Device, error) {
		tries[path]++
		if open[path] {
			return nil, fmt.Errorf("evdev: open %s: %w", path, unix.ENOENT) // stands for opened: no longer refused
		}
		return nil, fmt.Errorf("evdev: open %s: %w", path, unix.EACCES)
	}
	m.open("/dev/input/event5")
	m.syncRights()
	if len(calls) != 0 {
		t.Fatalf("a device we would not follow turned the watch on: %v", calls)
	}
	m.open("/dev/input/event3")
	m.syncRights()
	if len(calls) != 1 || !calls[0] || tries["/dev/input/event3"] != 2 {
		t.Fatalf("refused digitizer: setAttrib %v, %d tries (want on, and 2: the retry)", calls, tries["/dev/input/event3"])
	}
	m.open("/dev/input/event4")
	m.syncRights()
	if len(calls) != 1 {
		t.Fatalf("already on: %v", calls)
	}
	// The grace period ends: the mouse's rights no longer watched, the
	// digitizer's still.
	m.rights["/dev/input/event4"] = time.Now().Add(-time.Second)
	m.recheck()
	m.syncRights()
	if _, ok := m.rights["/dev/input/event4"]; ok || len(calls) != 1 {
		t.Fatalf("after the grace period: rights %v, setAttrib %v", m.rights, calls)
	}
	// The digitizer opens (here: goes, which also ends its refusal).
	open["/dev/input/event3"] = true
	delete(m.rights, "/dev/input/event3") // what Run does on IN_DELETE
	m.syncRights()
	if len(calls) != 2 || calls[1] {
		t.Fatalf("nothing refused: setAttrib %v, want on then off", calls)
	}
}
