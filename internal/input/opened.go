package input

import (
	"log/slog"
	"sync"

	"tiny-dfr/internal/evdev"
)

// Opened is a set of input devices opened before Run, as root before the
// daemon drops its rights (as the original daemon does): the devices
// present at start then work where /dev/input/event* are root-only (no
// udev group rule, containers, early boot). Run takes them over; devices
// appearing later are opened with the rights Run has.
type Opened struct {
	dir    string
	mu     sync.Mutex
	devs   []openedDev
	warned map[string]bool
}

type openedDev struct {
	dev  *evdev.Device
	role role
}

// OpenExisting opens every event node of dir (DefaultDir when "") that Run
// would follow, with the caller's rights now; sysDir is as Options.SysDir.
// Nodes it cannot open are logged like Run does and left to Run. The
// result goes into Options.Opened of a Run on the same dir; Close it when
// Run is not reached (after Run took it over, Close does nothing). A nil
// *Opened is an empty set.
func OpenExisting(dir, sysDir string, log *slog.Logger) *Opened {
	if dir == "" {
		dir = DefaultDir
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := newMonitor(dir, sysDirFor(dir, sysDir), log)
	return m.openExisting()
}

func (m *monitor) openExisting() *Opened {
	o := &Opened{dir: m.dir, warned: m.warned}
	for _, p := range m.eventNodes() {
		if dev, ro := m.probe(p); dev != nil {
			o.devs = append(o.devs, openedDev{dev, ro})
		}
	}
	return o
}

// Len is the number of devices held (not yet taken over by Run).
func (o *Opened) Len() int {
	if o == nil {
		return 0
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.devs)
}

// take hands the devices over (once).
func (o *Opened) take() ([]openedDev, map[string]bool, string) {
	if o == nil {
		return nil, nil, ""
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	devs, warned := o.devs, o.warned
	o.devs, o.warned = nil, nil
	return devs, warned, o.dir
}

// Close closes the devices Run has not taken over.
func (o *Opened) Close() {
	devs, _, _ := o.take()
	for _, d := range devs {
		d.dev.Close()
	}
}

// adopt follows the devices of o (opened before Run).
func (m *monitor) adopt(o *Opened) {
	devs, warned, dir := o.take()
	if dir != "" && dir != m.dir {
		m.log.Warn("input: devices opened in another directory: closed", "opened", dir, "dir", m.dir)
		for _, d := range devs {
			d.dev.Close()
		}
		return
	}
	for p := range warned {
		m.warned[p] = true
	}
	for _, d := range devs {
		if _, ok := m.devs[d.dev.Path]; ok {
			d.dev.Close()
			continue
		}
		m.follow(d.dev, d.role)
	}
}
