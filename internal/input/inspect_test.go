package input

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"tiny-dfr/internal/uinput"
)

// Inspect describes nodes from sysfs, says what Run would follow them for
// and whether this user can open them.
func TestInspect(t *testing.T) {
	t.Parallel()
	sys, dev := t.TempDir(), t.TempDir()
	fakeSysfs(t, sys, "event3", uinput.DigitizerT2, "b", "400 0 0 0 0 0", "663800000000003", "0")
	fakeSysfs(t, sys, "event4", "Apple Internal Keyboard / Trackpad", "120013", "10000 0 0 0 0 0 0 fffffffffffffffe", "0", "0")
	fakeSysfs(t, sys, "event5", "Lid Switch", "21", "0", "0", "1")
	fakeSysfs(t, sys, "event10", uinput.KeyboardName, "3", "fffffffffffffffe", "0", "0")
	id := filepath.Join(sys, "event3", "device", "id")
	os.MkdirAll(id, 0o755)
	for f, v := range map[string]string{"bustype": "0003", "vendor": "05ac", "product": "8302", "version": "0111"} {
		os.WriteFile(filepath.Join(id, f), []byte(v+"\n"), 0o644)
	}
	for _, n := range []string{"event3", "event4", "event5", "event10", "event11", "mouse0"} {
		os.WriteFile(filepath.Join(dev, n), nil, 0o644)
	}
	os.Chmod(filepath.Join(dev, "event4"), 0) // root-only, as before udev
	devs, err := Inspect(dev, sys)
	if err != nil {
		t.Fatal(err)
	}
	var nodes []string
	for _, d := range devs {
		nodes = append(nodes, filepath.Base(d.Node))
	}
	if want := []string{"event3", "event4", "event5", "event10", "event11"}; !slices.Equal(nodes, want) {
		t.Fatalf("nodes %v, want %v", nodes, want)
	}
	dig := devs[0]
	if !dig.Digitizer() || dig.Name != uinput.DigitizerT2 || dig.ID != "0003:05ac:8302:0111" || dig.OpenErr != nil ||
		!slices.Contains(dig.Caps, "multitouch") || !slices.Contains(dig.Caps, "ABS") {
		t.Errorf("digitizer %+v", dig)
	}
	kb := devs[1]
	if kb.Digitizer() || !slices.Contains(kb.Roles, "Fn key") || !slices.Contains(kb.Caps, "KEY_FN") {
		t.Errorf("keyboard %+v", kb)
	}
	if os.Geteuid() != 0 && !IsAccess(kb.OpenErr) {
		t.Errorf("root-only node: open error %v, want EACCES", kb.OpenErr)
	}
	if !slices.Equal(devs[2].Roles, []string{"lid"}) || !slices.Contains(devs[2].Caps, "SW_LID") {
		t.Errorf("lid %+v", devs[2])
	}
	if devs[3].Follow() {
		t.Errorf("our own virtual keyboard followed: %+v", devs[3])
	}
	// No sysfs entry and not an evdev node: not described, not followed.
	if devs[4].DescErr == nil || devs[4].Follow() {
		t.Errorf("event11 %+v", devs[4])
	}
}
