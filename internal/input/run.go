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

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/uinput"
)

// DefaultDir is where evdev nodes live.
const DefaultDir = "/dev/input"

// Run discovers input devices in opts.Dir, follows hotplug (inotify: a node
// that appears, or whose rights change, is tried again), reads the devices
// and sends events to out until ctx is done. It returns nil when ctx is
// done and an error only when setting up fails (the directory cannot be
// watched); device errors are logged and end only that device. Device fds
// are opened with the caller's rights at the time.
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
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	m := &monitor{ctx: ctx, dir: dir, log: log, out: out, devs: map[string]*reader{}, exited: make(chan *reader)}
	if dir == DefaultDir {
		m.sysfs = "/sys/class/input"
	}
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
	m.scan()
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
			default:
				m.open(c.path)
			}
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
	ctx    context.Context
	dir    string
	log    *slog.Logger
	out    chan<- Event
	devs   map[string]*reader
	exited chan *reader
	wg     sync.WaitGroup
	sysfs  string // where names can be read without opening a node; "" none
}

// scan tries every event node of the directory.
func (m *monitor) scan() {
	ents, err := os.ReadDir(m.dir)
	if err != nil {
		m.log.Warn("input: scan", "dir", m.dir, "err", err)
		return
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		if isEventNode(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		m.open(m.dir + "/" + n)
	}
}

// open opens path unless it is open already, and starts reading it if it
// is a device we follow.
func (m *monitor) open(path string) {
	if _, ok := m.devs[path]; ok {
		return
	}
	if m.sysfs != "" {
		b, err := os.ReadFile(m.sysfs + "/" + filepath.Base(path) + "/device/name")
		if err == nil && strings.TrimSuffix(string(b), "\n") == uinput.KeyboardName {
			return // our own virtual keyboard: not even opened
		}
	}
	dev, err := evdev.Open(path)
	if err != nil {
		switch {
		case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
			m.log.Debug("input: no access yet", "dev", path, "err", err) // rights may follow (IN_ATTRIB)
		case errors.Is(err, unix.ENOENT), errors.Is(err, evdev.ErrGone):
		default:
			m.log.Warn("input: open", "dev", path, "err", err)
		}
		return
	}
	ro := classify(&dev.Info)
	if ro == 0 {
		dev.Close()
		return
	}
	r, err := newReader(m, dev, ro)
	if err != nil {
		m.log.Warn("input: set up", "dev", path, "name", dev.Name, "err", err)
		dev.Close()
		return
	}
	m.log.Debug("input: following", "dev", path, "name", dev.Name, "role", int(ro))
	m.devs[path] = r
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
