package input

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/safefile"
)

// DeviceInfo describes one event node for a report (tiny-dfr doctor).
type DeviceInfo struct {
	Node string // /dev/input/event3
	Name string
	// ID is "bus:vendor:product:version" in hexadecimal, as the kernel's
	// id/ attributes give them ("" when unknown).
	ID string
	// Caps names its event types (KEY, REL, ABS, SW, …) and what matters
	// here (multitouch, KEY_FN, SW_LID).
	Caps []string
	// Roles are what Run would follow it for: "digitizer", "Fn key",
	// "lid", "activity" (its events wake the bar). None: not followed.
	Roles []string
	// DescErr says why it could not be described (neither sysfs nor the
	// node could be read).
	DescErr error
	// OpenErr is this process's open of the node (nil: it can).
	OpenErr error
}

// Follow says whether Run would follow the device.
func (d DeviceInfo) Follow() bool { return len(d.Roles) > 0 }

// Digitizer says whether Run would take it as the Touch Bar digitizer.
func (d DeviceInfo) Digitizer() bool {
	return len(d.Roles) > 0 && d.Roles[0] == "digitizer"
}

// Inspect describes every event node of dir (DefaultDir when "") with
// Run's classification, from sysDir (DefaultSysDir when "": works for
// nodes this user may not open) or else from the node itself, and tries
// to open each read-only, as Run would, to say whether this user can.
func Inspect(dir, sysDir string) ([]DeviceInfo, error) {
	if dir == "" {
		dir = DefaultDir
	}
	if sysDir == "" {
		sysDir = DefaultSysDir
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []DeviceInfo
	for _, e := range ents {
		if !isEventNode(e.Name()) {
			continue
		}
		out = append(out, inspectDevice(filepath.Join(dir, e.Name()), sysDir))
	}
	sort.Slice(out, func(i, j int) bool { return nodeLess(out[i].Node, out[j].Node) })
	return out, nil
}

// nodeLess orders event2 before event10.
func nodeLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func inspectDevice(path, sysDir string) DeviceInfo {
	d := DeviceInfo{Node: path}
	base := filepath.Base(path)
	in, serr := sysInfo(sysDir, base)
	fd, oerr := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if oerr != nil {
		d.OpenErr = oerr
	} else {
		unix.Close(fd)
	}
	if serr != nil && oerr == nil {
		if dev, err := evdev.Open(path); err == nil {
			in, serr = dev.Info, nil
			dev.Close()
		}
	}
	if serr != nil {
		d.DescErr = serr
		return d
	}
	d.Name = in.Name
	d.ID = sysID(sysDir, base)
	d.Caps = caps(&in)
	ro := classify(&in)
	for _, r := range []struct {
		r    role
		name string
	}{{roleDigitizer, "digitizer"}, {roleFn, "Fn key"}, {roleLid, "lid"}, {roleActivity, "activity"}} {
		if ro&r.r != 0 {
			d.Roles = append(d.Roles, r.name)
		}
	}
	return d
}

// sysID reads the device's id/ attributes.
func sysID(sysDir, name string) string {
	var parts []string
	for _, a := range []string{"bustype", "vendor", "product", "version"} {
		b, err := safefile.ReadFile(sysDir+"/"+name+"/device/id/"+a, sysAttrMax)
		if err != nil {
			return ""
		}
		parts = append(parts, strings.TrimSpace(string(b)))
	}
	return strings.Join(parts, ":")
}

func caps(in *evdev.Info) []string {
	var c []string
	for _, t := range []struct {
		ev   int
		name string
	}{{evdev.EvKey, "KEY"}, {evdev.EvRel, "REL"}, {evdev.EvAbs, "ABS"}, {evdev.EvMsc, "MSC"}, {evdev.EvSw, "SW"}} {
		if in.EV.Has(t.ev) {
			c = append(c, t.name)
		}
	}
	if in.Abs.Has(evdev.AbsMtPositionX) && in.Abs.Has(evdev.AbsMtSlot) {
		c = append(c, "multitouch")
	}
	if in.Key.Has(evdev.KeyFn) {
		c = append(c, "KEY_FN")
	}
	if in.Sw.Has(evdev.SwLid) {
		c = append(c, "SW_LID")
	}
	return c
}

// IsAccess says whether err is a refusal of this user's rights.
func IsAccess(err error) bool {
	return errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM)
}
