// Package doctor writes the report `tiny-dfr doctor` prints for a bug
// report: what the system offers the daemon (DRM cards, input devices,
// backlights, configs, the service user) and what the daemon would use.
// It only looks: no mode is set, no device grabbed, nothing written. Run
// as any user, it says what it cannot see (EACCES) instead of failing.
package doctor

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/backlight"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/drm"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/privs"
	"tiny-dfr/internal/safefile"
	"tiny-dfr/internal/sliders"
)

// Options say where to look; zero values are the real system's.
type Options struct {
	Version    string
	Dev        string // /dev: dri/, input/, uinput
	Sys        string // /sys: class/input, class/backlight, class/leds
	Root       string // /: etc/passwd, etc/group (usr/lib's too)
	BaseConfig string
	UserConfig string
	User       string   // privs.User
	Groups     []string // input, video
}

func (o *Options) fill() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.Dev, "/dev")
	def(&o.Sys, "/sys")
	def(&o.Root, "/")
	def(&o.User, privs.User)
	if o.Groups == nil {
		o.Groups = []string{"input", "video"}
	}
}

// maxModes is how many modes of a connector the report lists.
const maxModes = 6

// Write writes the report to w. Sections, in order and always present:
// "== tiny-dfr doctor", "== DRM cards", "== input devices",
// "== backlights", "== keyboard backlight LEDs", "== configs",
// "== service user", "== what the daemon would do". It fails only when w
// does.
func Write(w io.Writer, o Options) error {
	o.fill()
	p := &printer{w: w}
	dri := filepath.Join(o.Dev, "dri")
	inDir := filepath.Join(o.Dev, "input")
	sysIn := filepath.Join(o.Sys, "class", "input")
	blDir := filepath.Join(o.Sys, "class", "backlight")
	ledDir := filepath.Join(o.Sys, "class", "leds")

	p.section("tiny-dfr doctor")
	p.line("version: %s", o.Version)
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		p.line("kernel: %s %s", unix.ByteSliceToString(u.Release[:]), unix.ByteSliceToString(u.Machine[:]))
	}
	p.line("running as: uid %d, euid %d%s", os.Getuid(), os.Geteuid(), map[bool]string{true: "", false: " (not root: some devices may be hidden; run with sudo to see what the daemon sees)"}[os.Geteuid() == 0])
	if _, err := os.Stat(filepath.Join(o.Dev, "uinput")); err != nil {
		p.line("uinput: %s: %s", filepath.Join(o.Dev, "uinput"), why(err, "load the uinput module: modprobe uinput"))
	} else {
		p.line("uinput: %s present", filepath.Join(o.Dev, "uinput"))
	}

	// Cards.
	p.section("DRM cards (" + dri + ")")
	cards, err := drm.Inspect(dri)
	if err != nil {
		p.line("cannot list: %s", why(err, ""))
	}
	if err == nil && len(cards) == 0 {
		p.line("no cards")
	}
	var barCard *drm.CardInfo
	var barConn *drm.ConnectorInfo
	hidden := 0
	for i, c := range cards {
		if c.Err != nil {
			p.line("%s: %s", c.Card, why(c.Err, "be root or in group video"))
			if input.IsAccess(c.Err) {
				hidden++
			}
			continue
		}
		tag := ""
		if c.TouchBar() {
			tag = "  ← looks like a Touch Bar"
		}
		p.line("%s: %d connectors%s", c.Card, len(c.Connectors), tag)
		for j, k := range c.Connectors {
			state := "disconnected"
			if k.Connected {
				state = "connected"
			}
			p.line("  connector %d %s %s: %s%s", k.ID, k.Type, state, modes(k), map[bool]string{true: "  ← portrait strip", false: ""}[k.TouchBar])
			if k.TouchBar && barCard == nil {
				barCard, barConn = &cards[i], &cards[i].Connectors[j]
			}
		}
	}

	// Input devices.
	p.section("input devices (" + inDir + ", described by " + sysIn + ")")
	devs, err := input.Inspect(inDir, sysIn)
	if err != nil {
		p.line("cannot list: %s", why(err, ""))
	}
	if err == nil && len(devs) == 0 {
		p.line("no event nodes")
	}
	var digitizers []input.DeviceInfo
	refused := 0
	for _, d := range devs {
		base := filepath.Base(d.Node)
		if d.DescErr != nil {
			p.line("%s: cannot describe: %s", base, why(d.DescErr, ""))
			continue
		}
		follow := "not followed"
		if d.Follow() {
			follow = "followed as " + strings.Join(d.Roles, ", ")
		}
		access := "this user can open it"
		if d.OpenErr != nil {
			access = "this user cannot open it: " + why(d.OpenErr, "the daemon opens devices present at start as root; later ones need group input")
			if d.Follow() {
				refused++
			}
		}
		id := d.ID
		if id == "" {
			id = "?"
		}
		p.line("%s %q id %s caps [%s]: %s; %s", base, d.Name, id, strings.Join(d.Caps, " "), follow, access)
		if d.Digitizer() {
			digitizers = append(digitizers, d)
		}
	}

	// Backlights.
	p.section("backlights (" + blDir + ")")
	listLights(p, blDir, func(name string) string {
		switch {
		case containsAny(name, backlight.TouchBarNames()):
			return "  ← Touch Bar"
		case containsAny(name, backlight.DisplayNames()):
			return "  ← main display (brightness slider)"
		}
		return ""
	})
	p.section("keyboard backlight LEDs (" + ledDir + ", *" + sliders.KeyboardPattern + "*)")
	listLights(p, ledDir, func(name string) string {
		if strings.Contains(name, sliders.KeyboardPattern) {
			return "  ← keyboard backlight"
		}
		return ""
	}, sliders.KeyboardPattern)

	// Configs.
	p.section("configs")
	for _, c := range []struct{ what, path string }{{"base", o.BaseConfig}, {"user", o.UserConfig}} {
		if _, err := os.Stat(c.path); errors.Is(err, fs.ErrNotExist) {
			p.line("%s %s: not present", c.what, c.path)
			continue
		}
		_, diags := config.ParseFile(c.path)
		if !config.HasErrors(diags) {
			p.line("%s %s: ok", c.what, c.path)
		} else {
			p.line("%s %s: has errors, not used:", c.what, c.path)
		}
		for _, d := range diags {
			p.line("  %s", d.Error())
		}
	}
	_, diags := config.Load(o.BaseConfig, o.UserConfig)
	cfgUsed := "the built-in default"
	if !config.HasErrors(diags) {
		if exists(o.UserConfig) {
			cfgUsed = o.UserConfig + " over " + baseOrDefault(o.BaseConfig)
		} else {
			cfgUsed = baseOrDefault(o.BaseConfig)
		}
	} else {
		cfgUsed = baseOrDefault(o.BaseConfig) + " (the user file has errors: the bar shows a banner)"
	}

	// Service user.
	p.section("service user")
	creds, uerr := privs.Lookup(o.Root, o.User, o.Groups...)
	user := o.User
	if uerr != nil {
		p.line("%s: %v", o.User, uerr)
		if c, ferr := privs.Lookup(o.Root, privs.Fallback, o.Groups...); ferr == nil {
			creds, uerr, user = c, nil, privs.Fallback
			p.line("fallback %s: uid %d gid %d groups %v (shared: other services can signal the daemon; install %s and run systemd-sysusers)",
				privs.Fallback, c.UID, c.GID, c.Groups, privs.SysusersFile)
		} else {
			p.line("fallback %s: %v", privs.Fallback, ferr)
		}
	} else {
		p.line("%s: uid %d gid %d groups %v (%s)", o.User, creds.UID, creds.GID, creds.Groups, strings.Join(o.Groups, ", "))
	}

	// Verdict.
	p.section("what the daemon would do")
	switch {
	case barCard != nil:
		m := barConn.Modes[barConn.Preferred]
		p.line("display: %s connector %d (%s), %dx%d: a bar %d long", barCard.Card, barConn.ID, barConn.Type, m.Width, m.Height, m.Height)
	case hidden > 0:
		p.line("display: unknown: %d card(s) could not be looked at (run as root)", hidden)
	default:
		p.line("display: none: no card has a connected portrait strip; the daemon waits for one")
	}
	switch {
	case len(digitizers) > 0:
		for _, d := range digitizers {
			p.line("digitizer: %s %q", d.Node, d.Name)
		}
	case refused > 0 || hidden > 0:
		p.line("digitizer: none seen; some devices could not be looked at (run as root)")
	default:
		p.line("digitizer: none: taps would do nothing (is the Touch Bar's driver loaded? hid-appletb-kbd, apple-z2)")
	}
	if dir, err := backlight.Find(blDir, backlight.TouchBarNames()); err == nil {
		p.line("Touch Bar backlight: %s", dir)
	} else {
		p.line("Touch Bar backlight: none (%v): the bar is not dimmed", err)
	}
	if dir, err := sliders.FindLED(ledDir, sliders.KeyboardPattern); err == nil {
		p.line("keyboard backlight slider: %s", dir)
	} else {
		p.line("keyboard backlight slider: none")
	}
	p.line("config: %s", cfgUsed)
	if uerr == nil {
		p.line("runs as: %s (uid %d) after opening the devices as root", user, creds.UID)
	} else {
		p.line("runs as: nobody found: the daemon would not start (%v)", uerr)
	}
	return p.err
}

type printer struct {
	w       io.Writer
	err     error
	started bool
}

func (p *printer) section(name string) {
	sep := "\n"
	if !p.started {
		sep, p.started = "", true
	}
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, "%s== %s\n", sep, name)
	}
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// why says an error in a line, with the fix for a refusal.
func why(err error, fix string) string {
	s := err.Error()
	if fix != "" && (errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) || errors.Is(err, fs.ErrNotExist)) {
		s += " (" + fix + ")"
	}
	if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
		s = "cannot see: " + s
	}
	return s
}

func modes(k drm.ConnectorInfo) string {
	if len(k.Modes) == 0 {
		return "no modes"
	}
	var parts []string
	for i, m := range k.Modes {
		if i == maxModes {
			parts = append(parts, fmt.Sprintf("… %d more", len(k.Modes)-maxModes))
			break
		}
		s := fmt.Sprintf("%dx%d@%d", m.Width, m.Height, m.Refresh)
		if i == k.Preferred {
			s += "*"
		}
		parts = append(parts, s)
	}
	if k.Preferred >= maxModes {
		m := k.Modes[k.Preferred]
		parts = append(parts, fmt.Sprintf("preferred %dx%d@%d", m.Width, m.Height, m.Refresh))
	}
	return strings.Join(parts, " ")
}

// listLights lists the devices of a sysfs class directory with their
// brightness; with only, just those whose names contain it.
func listLights(p *printer, dir string, tag func(string) string, only ...string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		p.line("cannot list: %s", why(err, ""))
		return
	}
	n := 0
	for _, e := range ents {
		name := e.Name()
		if len(only) > 0 && !containsAny(name, only) {
			continue
		}
		n++
		cur, cerr := readInt(filepath.Join(dir, name, "brightness"))
		mx, merr := readInt(filepath.Join(dir, name, "max_brightness"))
		level := fmt.Sprintf("brightness %s/%s", cur, mx)
		if cerr != nil || merr != nil {
			level = "brightness unreadable: " + why(errors.Join(cerr, merr), "")
		}
		if !writable(filepath.Join(dir, name, "brightness")) {
			level += ", not writable by this user"
		}
		p.line("%s: %s%s", name, level, tag(name))
	}
	if n == 0 {
		p.line("none")
	}
}

func readInt(path string) (string, error) {
	b, err := safefile.ReadFile(path, 64)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func writable(path string) bool { return unix.Access(path, unix.W_OK) == nil }

func containsAny(s string, frags []string) bool {
	for _, f := range frags {
		if strings.Contains(s, f) {
			return true
		}
	}
	return false
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func baseOrDefault(base string) string {
	if exists(base) {
		return base
	}
	return "the built-in default"
}
