package session

// What is playing: the media players of the session bus (MPRIS,
// https://specifications.freedesktop.org/mpris-spec/latest/), watched
// while the daemon shows a media widget on a lit bar (MediaWatch).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"tiny-dfr/internal/dbus"
)

// MPRIS names.
const (
	mprisPrefix   = "org.mpris.MediaPlayer2."
	mprisPath     = "/org/mpris/MediaPlayer2"
	mprisPlayer   = "org.mpris.MediaPlayer2.Player"
	propsIface    = "org.freedesktop.DBus.Properties"
	busName       = "org.freedesktop.DBus"
	busNamespace  = "org.mpris.MediaPlayer2"
	propStatus    = "PlaybackStatus"
	propMetadata  = "Metadata"
	metaTitle     = "xesam:title"
	metaArtist    = "xesam:artist"
	maxPlayers    = 32              // players tracked at once; more are ignored
	mprisCall     = 2 * time.Second // bound of one call to a player or the bus
	mediaMinRetry = time.Second     // no session bus: retried, doubling
	mediaMaxRetry = 30 * time.Second
)

// errNoBus says the session has no bus to watch.
var errNoBus = errors.New("no session bus (DBUS_SESSION_BUS_ADDRESS unset and no $XDG_RUNTIME_DIR/bus)")

// sessionBusAddress is the session bus's address: DBUS_SESSION_BUS_ADDRESS,
// else systemd's $XDG_RUNTIME_DIR/bus. Nothing is launched.
func sessionBusAddress(getenv func(string) string) (string, error) {
	if a := getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" {
		return a, nil
	}
	if d := getenv("XDG_RUNTIME_DIR"); d != "" {
		p := filepath.Join(d, "bus")
		if st, err := os.Stat(p); err == nil && st.Mode().Type() == os.ModeSocket {
			return "unix:path=" + p, nil
		}
	}
	return "", errNoBus
}

// media watches the players while ctx lasts (the daemon's MediaWatch on),
// sending Media when what it reports changes and acting on ctl. Without a
// session bus it reports none and retries with back-off.
func (l *link) media(ctx context.Context, ctl <-chan MediaOp) {
	var last *Msg
	report := func(m Msg) {
		m.Type = TMedia
		if last == nil || *last != m {
			last = &m
			l.send(m)
		}
	}
	backoff, lastErr := mediaMinRetry, ""
	for {
		addr, err := sessionBusAddress(l.c.Getenv)
		connected := false
		if err == nil {
			connected, err = watchMPRIS(ctx, addr, l.c.Log, report, ctl)
		}
		if ctx.Err() != nil {
			return
		}
		report(Msg{Status: MediaNone})
		if connected {
			backoff = mediaMinRetry
		}
		if msg := fmt.Sprint(err); msg != lastErr {
			lastErr = msg
			l.c.Log.Info("session: media players not watched; retrying", "err", err)
		}
		t := time.NewTimer(backoff)
	wait:
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-ctl: // no player to act on
			case <-t.C:
				break wait
			}
		}
		backoff = min(2*backoff, mediaMaxRetry)
	}
}

// player is one MPRIS player as last read.
type player struct {
	name, owner   string // well-known and unique bus names
	status        MediaStatus
	title, artist string
	active        uint64 // when it last changed (a counter)
	playing       uint64 // when it last started playing
}

// mpris is the state of one bus connection.
type mpris struct {
	conn    *dbus.Conn
	log     *slog.Logger
	players map[string]*player // by well-known name
	clock   uint64
	full    bool // a player was ignored (maxPlayers): logged once
}

// watchMPRIS connects to the bus at addr and reports what is playing until
// ctx ends or the connection fails; connected: it got as far as watching.
func watchMPRIS(ctx context.Context, addr string, log *slog.Logger, report func(Msg), ctl <-chan MediaOp) (connected bool, err error) {
	cctx, cancel := context.WithTimeout(ctx, mprisCall)
	conn, err := dbus.Dial(cctx, addr, os.Getuid())
	cancel()
	if err != nil {
		return false, fmt.Errorf("session bus: %w", err)
	}
	defer conn.Close()
	m := &mpris{conn: conn, log: log, players: map[string]*player{}}
	rules := []string{
		"type='signal',sender='" + busName + "',interface='" + busName + "',member='NameOwnerChanged',arg0namespace='" + busNamespace + "'",
		"type='signal',interface='" + propsIface + "',member='PropertiesChanged',path='" + mprisPath + "',arg0='" + mprisPlayer + "'",
	}
	for _, rule := range rules {
		if _, err := m.bus(ctx, "AddMatch", rule); err != nil {
			return false, fmt.Errorf("session bus: AddMatch: %w", err)
		}
	}
	if err := m.sync(ctx); err != nil {
		return false, err
	}
	report(m.pick())
	lost := conn.Lost()
	for {
		select {
		case <-ctx.Done():
			return true, nil
		case <-conn.Done():
			return true, errors.New("session bus: connection closed")
		case s := <-conn.Signals():
			m.signal(ctx, s)
		case op := <-ctl:
			m.control(op)
		}
		if n := conn.Lost(); n != lost {
			// Signals were dropped (a flood, or one too large): read
			// everything again.
			lost = n
			for len(conn.Signals()) > 0 {
				<-conn.Signals()
			}
			if err := m.sync(ctx); err != nil {
				return true, err
			}
		}
		report(m.pick())
	}
}

// bus calls a method of the bus itself.
func (m *mpris) bus(ctx context.Context, method string, args ...string) ([]any, error) {
	cctx, cancel := context.WithTimeout(ctx, mprisCall)
	defer cancel()
	return m.conn.Call(cctx, busName, "/org/freedesktop/DBus", busName, method, args...)
}

// sync reads the players anew: their names, owners and properties.
func (m *mpris) sync(ctx context.Context) error {
	body, err := m.bus(ctx, "ListNames")
	if err != nil {
		return fmt.Errorf("session bus: ListNames: %w", err)
	}
	var names []string
	if len(body) == 1 {
		list, _ := body[0].([]any)
		for _, n := range list {
			if s, ok := n.(string); ok && strings.HasPrefix(s, mprisPrefix) {
				names = append(names, s)
			}
		}
	}
	old := m.players
	m.players = map[string]*player{}
	slices.Sort(names)
	for _, n := range names {
		body, err := m.bus(ctx, "GetNameOwner", n)
		if err != nil || len(body) != 1 {
			continue // gone meanwhile
		}
		owner, _ := body[0].(string)
		p := m.add(n, owner)
		if p == nil {
			break
		}
		if o := old[n]; o != nil && o.owner == owner {
			p.active, p.playing = o.active, o.playing
		}
		m.read(ctx, p)
	}
	return ctx.Err()
}

// add starts tracking player name owned by owner; nil: too many.
func (m *mpris) add(name, owner string) *player {
	if p := m.players[name]; p != nil {
		p.owner = owner
		return p
	}
	if len(m.players) >= maxPlayers {
		if !m.full {
			m.full = true
			m.log.Warn("session: too many media players; some ignored", "max", maxPlayers)
		}
		return nil
	}
	p := &player{name: name, owner: owner}
	m.players[name] = p
	return p
}

// read gets a player's status and metadata (GetAll).
func (m *mpris) read(ctx context.Context, p *player) {
	cctx, cancel := context.WithTimeout(ctx, mprisCall)
	body, err := m.conn.Call(cctx, p.name, mprisPath, propsIface, "GetAll", mprisPlayer)
	cancel()
	if err != nil || len(body) != 1 {
		m.log.Debug("session: media player", "name", p.name, "err", err)
		return
	}
	props, _ := body[0].(map[string]any)
	m.apply(p, props)
}

// apply takes changed properties of p.
func (m *mpris) apply(p *player, props map[string]any) {
	changed := false
	if v, ok := props[propStatus]; ok {
		s := parseStatus(v)
		if s != p.status {
			p.status, changed = s, true
			if s == MediaPlaying {
				m.clock++
				p.playing = m.clock
			}
		}
	}
	if v, ok := props[propMetadata]; ok {
		title, artist := parseMetadata(v)
		if title != p.title || artist != p.artist {
			p.title, p.artist, changed = title, artist, true
		}
	}
	if changed {
		m.clock++
		p.active = m.clock
	}
}

// signal takes a bus signal: a player came or went, or changed.
func (m *mpris) signal(ctx context.Context, s *dbus.Signal) {
	switch {
	case s.Interface == busName && s.Member == "NameOwnerChanged":
		if s.Sender != busName || len(s.Body) != 3 {
			return
		}
		name, _ := s.Body[0].(string)
		owner, _ := s.Body[2].(string)
		if !strings.HasPrefix(name, mprisPrefix) {
			return
		}
		if owner == "" {
			delete(m.players, name)
			return
		}
		if p := m.add(name, owner); p != nil {
			m.clock++
			p.active = m.clock
			m.read(ctx, p)
		}
	case s.Interface == propsIface && s.Member == "PropertiesChanged":
		if s.Path != mprisPath || len(s.Body) != 3 {
			return
		}
		if iface, _ := s.Body[0].(string); iface != mprisPlayer {
			return
		}
		changed, _ := s.Body[1].(map[string]any)
		invalidated, _ := s.Body[2].([]any)
		for _, p := range m.players {
			if p.owner != s.Sender {
				continue
			}
			m.apply(p, changed)
			if slices.Contains(invalidated, any(propStatus)) || slices.Contains(invalidated, any(propMetadata)) {
				m.read(ctx, p)
			}
		}
	}
}

// current is the player reported: the one that started playing last,
// else the one that changed last (ties: the first name).
func (m *mpris) current() *player {
	var best *player
	better := func(p *player) bool {
		if best == nil {
			return true
		}
		if (p.status == MediaPlaying) != (best.status == MediaPlaying) {
			return p.status == MediaPlaying
		}
		a, b := p.active, best.active
		if p.status == MediaPlaying {
			a, b = p.playing, best.playing
		}
		if a != b {
			return a > b
		}
		return p.name < best.name
	}
	for _, p := range m.players {
		if better(p) {
			best = p
		}
	}
	return best
}

// pick is the Media message of the current player.
func (m *mpris) pick() Msg {
	p := m.current()
	if p == nil {
		return Msg{Type: TMedia, Status: MediaNone}
	}
	return Msg{Type: TMedia, Status: p.status, Title: p.title, Artist: p.artist}
}

// control calls the current player's method for op; the call is sent
// without waiting for a reply (a hung player costs nothing).
func (m *mpris) control(op MediaOp) {
	p := m.current()
	if p == nil {
		return
	}
	method := map[MediaOp]string{MediaPlayPause: "PlayPause", MediaNext: "Next", MediaPrevious: "Previous"}[op]
	if method == "" {
		return
	}
	if err := m.conn.Send(p.name, mprisPath, mprisPlayer, method); err != nil {
		m.log.Info("session: media player", "name", p.name, "method", method, "err", err)
	}
}

// unwrap is a variant's value (a value that is not a variant as is).
func unwrap(v any) any {
	if x, ok := v.(dbus.Variant); ok {
		return x.Value
	}
	return v
}

func parseStatus(v any) MediaStatus {
	s, _ := unwrap(v).(string)
	switch s {
	case "Playing":
		return MediaPlaying
	case "Paused":
		return MediaPaused
	}
	return MediaStopped
}

// parseMetadata reads xesam:title and xesam:artist (a list, or a string
// from players that get it wrong), bounded and cleaned for the protocol.
func parseMetadata(v any) (title, artist string) {
	md, _ := unwrap(v).(map[string]any)
	if t, ok := md[metaTitle]; ok {
		s, _ := unwrap(t).(string)
		title = clip(strings.TrimSpace(s), MaxTitle)
	}
	if a, ok := md[metaArtist]; ok {
		var names []string
		switch x := unwrap(a).(type) {
		case []any:
			for _, n := range x {
				if s, ok := n.(string); ok {
					names = append(names, s)
				}
			}
		case string:
			names = []string{x}
		}
		var b strings.Builder
		for _, n := range names {
			n = strings.TrimSpace(n)
			if n == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(clip(n, MaxArtist))
			if b.Len() > MaxArtist {
				break
			}
		}
		artist = clip(b.String(), MaxArtist)
	}
	return title, artist
}
