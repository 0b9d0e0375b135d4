package input

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/safefile"
	"tiny-dfr/internal/uinput"
)

// DefaultDir is where evdev nodes live.
const DefaultDir = "/dev/input"

// Run discovers input devices in opts.Dir, follows hotplug (inotify: a node
// that appears, or whose rights change, is tried again), reads the devices
// and sends events to out until ctx is done. It returns nil when ctx is
// done and an error only when setting up fails (the directory cannot be
// watched); device errors are logged and end only that device. Device fds
// are opened with the caller's rights at the time, except those of
// opts.Opened (opened earlier, as root), which Run takes over.
//
// A digitizer, Fn keyboard or lid switch whose node we may not open is
// logged at Warn, once per node, with the fix (see sysInfo: what a node is
// is read from sysfs); other devices we may not open are logged at Debug.
func Run(ctx context.Context, opts Options, out chan<- Event) error {
	dir := opts.Dir
	if dir == "" {
		dir = DefaultDir
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w, err := newWatcher(dir)
	if err != nil {
		opts.Opened.Close()
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	m := newMonitor(dir, sysDirFor(dir, opts.SysDir), log)
	m.ctx, m.out, m.grace, m.bar, m.touchProbe = ctx, out, refusedGrace, opts.Bar, opts.Probe
	m.setAttrib = w.setAttrib
	changes := make(chan change)
	watchErr := make(chan error, 1)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		for {
			c, err := w.next()
			if err != nil {
				watchErr <- err
				return
			}
			select {
			case changes <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	m.adopt(opts.Opened)
	m.scan()
	m.syncRights()
	var result error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-watchErr:
			if ctx.Err() == nil {
				log.Error("input: hotplug stopped", "err", err)
				result = err
			}
			break loop
		case c := <-changes:
			switch {
			case c.overflow:
				m.scan()
			case c.gone:
				m.drop(c.path)
				delete(m.warned, c.path) // a new node there is a new device
				delete(m.due, c.path)
				delete(m.rights, c.path)
			default:
				m.open(c.path)
			}
			m.syncRights()
		case <-m.graceC:
			m.recheck()
			m.syncRights()
		case r := <-m.exited:
			if m.devs[r.dev.Path] == r {
				delete(m.devs, r.dev.Path)
			}
		}
	}
	cancel()
	w.close()
	for _, r := range m.devs {
		r.dev.Close()
	}
	m.wg.Wait()
	return result
}

// monitor owns the set of open devices; only Run's goroutine touches devs.
type monitor struct {
	ctx        context.Context
	dir        string
	log        *slog.Logger
	out        chan<- Event
	bar        *Bar // takes touch frames (Options.Bar); nil: Touches events
	touchProbe func(event, read, keyed time.Time)
	devs       map[string]*reader
	exited     chan *reader
	wg         sync.WaitGroup
	sysfs      string                                   // where nodes are described without opening them; "" none
	openDev    func(path string) (*evdev.Device, error) // evdev.Open; tests replace it
	warned     map[string]bool                          // nodes whose refusal was logged at Warn
	// rights are the refused nodes whose change of rights is watched:
	// digitizers, Fn keyboards and lids (and nodes sysfs does not
	// describe) until they open or go (zero time); devices followed for
	// activity only, for a grace period (udev gives a new node its group
	// within it). setAttrib (the watcher's; nil in tests) turns that
	// watch on while there are any.
	rights    map[string]time.Time
	attrib    bool
	setAttrib func(on bool) error
	// A refused node is warned about only if still refused after grace
	// (0: at once): udev gives a new node its group a moment after
	// devtmpfs made it root-only.
	grace  time.Duration
	due    map[string]bool // refused nodes to try again when graceC fires
	graceC <-chan time.Time
	now    bool // recheck: warn at once
}

// refusedGrace is how long a new node may stay refused before the warning:
// udev sets its group and mode within milliseconds.
const refusedGrace = 2 * time.Second

func newMonitor(dir, sysfs string, log *slog.Logger) *monitor {
	return &monitor{ctx: context.Background(), dir: dir, log: log, devs: map[string]*reader{}, exited: make(chan *reader),
		sysfs: sysfs, openDev: evdev.Open, warned: map[string]bool{}, due: map[string]bool{}, rights: map[string]time.Time{}}
}

// sysDirFor is the sysfs directory describing the nodes of dir: set, or
// the default one for the default dir.
func sysDirFor(dir, set string) string {
	if set == "" && dir == DefaultDir {
		return DefaultSysDir
	}
	return set
}

// eventNodes lists the event nodes of the directory, sorted.
func (m *monitor) eventNodes() []string {
	ents, err := os.ReadDir(m.dir)
	if err != nil {
		m.log.Warn("input: scan", "dir", m.dir, "err", err)
		return nil
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		if isEventNode(e.Name()) {
			names = append(names, m.dir+"/"+e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// scan tries every event node of the directory.
func (m *monitor) scan() {
	for _, p := range m.eventNodes() {
		m.open(p)
	}
}

// open opens path unless it is open already, and starts reading it if it
// is a device we follow.
func (m *monitor) open(path string) {
	if _, ok := m.devs[path]; ok {
		return
	}
	if dev, ro := m.probe(path); dev != nil {
		m.follow(dev, ro)
	}
}

// probe opens path and says what the device is for; nil when it is not
// opened or not followed.
func (m *monitor) probe(path string) (*evdev.Device, role) {
	if m.sysfs != "" {
		b, err := safefile.ReadFile(m.sysfs+"/"+filepath.Base(path)+"/device/name", sysAttrMax)
		if err == nil && strings.TrimSuffix(string(b), "\n") == uinput.KeyboardName {
			return nil, 0 // our own virtual keyboard: not even opened
		}
	}
	dev, err := m.openDev(path)
	if err != nil {
		switch {
		case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
			m.refused(path, err)
		case errors.Is(err, unix.ENOENT), errors.Is(err, evdev.ErrGone), errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENXIO):
			// Gone before we opened it: the node may outlive its device
			// for a moment (ENXIO: no driver behind the minor any more).
			m.log.Debug("input: gone before it was opened", "dev", path, "err", err)
		default:
			m.log.Warn("input: open", "dev", path, "err", err)
		}
		return nil, 0
	}
	delete(m.warned, path)
	delete(m.rights, path)
	ro := classify(&dev.Info)
	if ro == 0 {
		// Not a Touch Bar digitizer, Fn keyboard or lid: says, at debug,
		// why a device is not followed.
		m.log.Debug("input: not followed", "dev", path, "name", dev.Name)
		dev.Close()
		return nil, 0
	}
	return dev, ro
}

// refused logs a node we may not open: at Warn, once, when sysfs says it
// is a device we would follow for itself (digitizer, Fn keyboard, lid);
// else at Debug. Its rights may still change (IN_ATTRIB tries it again).
func (m *monitor) refused(path string, err error) {
	name := ""
	watch, until := true, time.Time{}
	if m.sysfs != "" {
		in, serr := sysInfo(m.sysfs, filepath.Base(path))
		ro := classify(&in)
		switch {
		case serr != nil: // cannot tell: watched
		case ro&(roleDigitizer|roleFn|roleLid) != 0:
			name = in.Name
		case ro == 0:
			watch = false // nothing we would follow
		default: // activity only: for a grace period
			watch, until = m.grace > 0, time.Now().Add(m.grace)
		}
	}
	if _, ok := m.rights[path]; watch && !ok {
		m.rights[path] = until
		if !until.IsZero() && m.graceC == nil {
			m.graceC = time.After(m.grace)
		}
	}
	if name == "" || m.warned[path] {
		m.log.Debug("input: no access", "dev", path, "err", err)
		return
	}
	if m.grace > 0 && !m.now {
		m.log.Debug("input: no access yet", "dev", path, "err", err)
		m.due[path] = true
		if m.graceC == nil {
			m.graceC = time.After(m.grace)
		}
		return
	}
	m.warned[path] = true
	m.log.Warn("input: no access to "+name+"; is the node group input, mode 0660? (udev's default rules make it so; a device present at start is opened as root)",
		"dev", path, "name", name, "err", err)
}

// syncRights watches the nodes' changes of rights while a node we would
// follow is refused, and stops when none is. Turned on, it tries those
// nodes once more: their rights may have changed between the refusal and
// the watch.
func (m *monitor) syncRights() {
	want := len(m.rights) > 0
	if m.setAttrib == nil || want == m.attrib {
		return
	}
	if err := m.setAttrib(want); err != nil {
		m.log.Warn("input: rights of refused nodes not watched", "err", err)
		return
	}
	m.attrib = want
	if !want {
		return
	}
	paths := make([]string, 0, len(m.rights))
	for p := range m.rights {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		m.open(p)
	}
	if len(m.rights) == 0 { // all opened on the retry
		m.syncRights()
	}
}

// recheck tries the nodes refused a grace period ago once more, and warns
// about those still refused.
func (m *monitor) recheck() {
	m.graceC = nil
	paths := make([]string, 0, len(m.due))
	for p := range m.due {
		paths = append(paths, p)
	}
	clear(m.due)
	sort.Strings(paths)
	m.now = true
	for _, p := range paths {
		if _, ok := m.devs[p]; !ok {
			m.open(p)
		}
	}
	m.now = false
	// Activity-only nodes refused a grace period ago: their rights are no
	// longer watched. The next deadline, if any, re-arms the timer.
	now := time.Now()
	var next time.Duration
	for p, until := range m.rights {
		switch d := until.Sub(now); {
		case until.IsZero():
		case d <= 0:
			delete(m.rights, p)
		case next == 0 || d < next:
			next = d
		}
	}
	if next > 0 && m.graceC == nil {
		m.graceC = time.After(next)
	}
}

// follow starts reading an open device.
func (m *monitor) follow(dev *evdev.Device, ro role) {
	r, err := newReader(m, dev, ro)
	if err != nil {
		m.log.Warn("input: set up", "dev", dev.Path, "name", dev.Name, "err", err)
		dev.Close()
		return
	}
	m.log.Debug("input: following", "dev", dev.Path, "name", dev.Name, "role", int(ro))
	m.devs[dev.Path] = r
	m.wg.Add(1)
	go r.run()
}

// drop closes a device whose node vanished; its reader reports the loss.
func (m *monitor) drop(path string) {
	if r, ok := m.devs[path]; ok {
		delete(m.devs, path)
		r.dev.Close()
	}
}

// send delivers ev unless Run is stopping.
func (m *monitor) send(ev Event) bool {
	select {
	case m.out <- ev:
		return true
	case <-m.ctx.Done():
		return false
	}
}
