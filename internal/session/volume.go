// The volume slider's companion side: the default sink's volume through
// wpctl (PipeWire) or pactl (PulseAudio, pipewire-pulse).

package session

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// pactlNorm is PulseAudio's 100 % (PA_VOLUME_NORM).
const pactlNorm = 65536

// volumeTool runs wpctl or pactl for the default sink. Every run is
// bounded by timeout and killed with its process group past it.
type volumeTool struct {
	kind    string // "wpctl" or "pactl"
	path    string // the tool
	pactl   string // pactl for `pactl subscribe` ("" none)
	timeout time.Duration
	env     []string // the children's environment (the session's, LC_ALL=C: pactl translates its output)
}

// findVolumeTool picks wpctl when it is on PATH (as getenv gives it), else
// pactl; nil when neither is.
func findVolumeTool(getenv func(string) string, timeout time.Duration) *volumeTool {
	path := getenv("PATH")
	t := &volumeTool{timeout: timeout, pactl: lookPath("pactl", path),
		env: append(os.Environ(), "LC_ALL=C")}
	if p := lookPath("wpctl", path); p != "" {
		t.kind, t.path = "wpctl", p
	} else if t.pactl != "" {
		t.kind, t.path = "pactl", t.pactl
	} else {
		return nil
	}
	return t
}

// lookPath finds an executable name in the directories of path.
func lookPath(name, path string) string {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// run runs the tool with args once: its stdout (at most 4 KiB kept), or an
// error when it fails or outlives the timeout (then it is killed).
func (t *volumeTool) run(ctx context.Context, path string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = t.env
	out := &capped{n: 4 << 10}
	cmd.Stdout = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return unix.Kill(-cmd.Process.Pid, unix.SIGKILL) }
	cmd.WaitDelay = 500 * time.Millisecond
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("%s %s: killed after %v", filepath.Base(path), args[0], t.timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", filepath.Base(path), args[0], err)
	}
	return out.b.Bytes(), nil
}

// read gives the default sink's level (permille, 0..MaxLevel) and mute.
func (t *volumeTool) read(ctx context.Context) (uint16, bool, error) {
	if t.kind == "wpctl" {
		out, err := t.run(ctx, t.path, "get-volume", "@DEFAULT_AUDIO_SINK@")
		if err != nil {
			return 0, false, err
		}
		return parseWpctl(out)
	}
	out, err := t.run(ctx, t.path, "get-sink-volume", "@DEFAULT_SINK@")
	if err != nil {
		return 0, false, err
	}
	level, err := parsePactlVolume(out)
	if err != nil {
		return 0, false, err
	}
	out, err = t.run(ctx, t.path, "get-sink-mute", "@DEFAULT_SINK@")
	if err != nil {
		return 0, false, err
	}
	muted, err := parsePactlMute(out)
	return level, muted, err
}

// set makes the default sink's level level (permille), and unmutes it
// when unmute is set (moving the slider is asking to hear).
func (t *volumeTool) set(ctx context.Context, level uint16, unmute bool) error {
	level = min(level, MaxLevel)
	if t.kind == "wpctl" {
		if _, err := t.run(ctx, t.path, "set-volume", "@DEFAULT_AUDIO_SINK@", strconv.FormatFloat(float64(level)/MaxLevel, 'f', 3, 64)); err != nil {
			return err
		}
		if unmute {
			_, err := t.run(ctx, t.path, "set-mute", "@DEFAULT_AUDIO_SINK@", "0")
			return err
		}
		return nil
	}
	raw := (int(level)*pactlNorm + MaxLevel/2) / MaxLevel
	if _, err := t.run(ctx, t.path, "set-sink-volume", "@DEFAULT_SINK@", strconv.Itoa(raw)); err != nil {
		return err
	}
	if unmute {
		_, err := t.run(ctx, t.path, "set-sink-mute", "@DEFAULT_SINK@", "0")
		return err
	}
	return nil
}

var errVolumeOutput = errors.New("session: volume tool's output not understood")

// toPermille makes a volume (1: 100 %) a level, louder ones MaxLevel.
func toPermille(v float64) uint16 {
	if !(v > 0) {
		return 0
	}
	return uint16(min(math.Round(v*MaxLevel), MaxLevel))
}

// parseWpctl reads `wpctl get-volume`: "Volume: 0.40" or "Volume: 0.40 [MUTED]".
func parseWpctl(out []byte) (uint16, bool, error) {
	line, _, _ := bytes.Cut(out, []byte{'\n'})
	rest, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("Volume:"))
	if !ok {
		return 0, false, fmt.Errorf("%w: %q", errVolumeOutput, clip(string(line), 80))
	}
	f := bytes.Fields(rest)
	if len(f) == 0 {
		return 0, false, fmt.Errorf("%w: %q", errVolumeOutput, clip(string(line), 80))
	}
	v, err := strconv.ParseFloat(string(f[0]), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, fmt.Errorf("%w: %q", errVolumeOutput, clip(string(line), 80))
	}
	return toPermille(v), bytes.Contains(rest, []byte("[MUTED]")), nil
}

// parsePactlVolume reads `pactl get-sink-volume`: "Volume: front-left:
// 27525 /  42% / -22.61 dB,   front-right: …": the loudest channel's raw
// volume (PulseAudio's own notion of a sink's volume).
func parsePactlVolume(out []byte) (uint16, error) {
	line, _, _ := bytes.Cut(out, []byte{'\n'})
	rest, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("Volume:"))
	if !ok {
		return 0, fmt.Errorf("%w: %q", errVolumeOutput, clip(string(line), 80))
	}
	loudest, n := -1, 0
	for ch := range bytes.SplitSeq(rest, []byte{','}) {
		_, v, ok := bytes.Cut(ch, []byte{':'})
		if !ok {
			continue
		}
		f := bytes.Fields(v)
		if len(f) == 0 {
			continue
		}
		raw, err := strconv.Atoi(string(f[0]))
		if err != nil || raw < 0 {
			continue
		}
		loudest, n = max(loudest, raw), n+1
	}
	if n == 0 {
		return 0, fmt.Errorf("%w: %q", errVolumeOutput, clip(string(line), 80))
	}
	return toPermille(float64(loudest) / pactlNorm), nil
}

// parsePactlMute reads `pactl get-sink-mute`: "Mute: yes" or "Mute: no".
func parsePactlMute(out []byte) (bool, error) {
	line, _, _ := bytes.Cut(out, []byte{'\n'})
	switch string(bytes.TrimSpace(line)) {
	case "Mute: yes":
		return true, nil
	case "Mute: no":
		return false, nil
	}
	return false, fmt.Errorf("%w: %q", errVolumeOutput, clip(string(line), 80))
}

// volumeBox hands the daemon's VolumeWatch and SetVolume to the volume
// goroutine without ever blocking the link's reader: the latest of each
// wins (a drag's many levels coalesce while a set runs).
type volumeBox struct {
	mu     sync.Mutex
	watch  bool
	set    Msg
	hasSet bool
	wake   chan struct{} // capacity 1
}

func newVolumeBox() *volumeBox { return &volumeBox{wake: make(chan struct{}, 1)} }

func (b *volumeBox) post(m Msg) {
	b.mu.Lock()
	switch m.Type {
	case TVolumeWatch:
		b.watch = m.On
	case TSetVolume:
		b.set, b.hasSet = m, true
	}
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *volumeBox) take() (watch bool, set Msg, hasSet bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	watch, set, hasSet = b.watch, b.set, b.hasSet
	b.hasSet = false
	return
}

// subscription is a running `pactl subscribe`: events signals a change of
// a sink or of the server (the default sink), done closes when it ends.
type subscription struct {
	cancel context.CancelFunc
	events chan struct{}
	done   chan struct{}
}

// subscribe starts `pactl subscribe` in its own process group.
func (t *volumeTool) subscribe(ctx context.Context) (*subscription, error) {
	ctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(ctx, t.pactl, "subscribe")
	cmd.Env = t.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return unix.Kill(-cmd.Process.Pid, unix.SIGKILL) }
	cmd.WaitDelay = 500 * time.Millisecond
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	s := &subscription{cancel: cancel, events: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.read(stdout)
		cancel() // pactl closed its stdout: make sure it is gone
		cmd.Wait()
	}()
	return s, nil
}

// read signals the lines about a sink or the server; lines are bounded
// (a longer one is skipped).
func (s *subscription) read(r io.Reader) {
	br := bufio.NewReaderSize(r, 256)
	skip := false
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			skip = true
			continue
		}
		if err != nil {
			return
		}
		if !skip && (bytes.Contains(line, []byte(" on sink #")) || bytes.Contains(line, []byte(" on server"))) {
			select {
			case s.events <- struct{}{}:
			default:
			}
		}
		skip = false
	}
}

// stop kills pactl and waits for it.
func (s *subscription) stop() {
	s.cancel()
	<-s.done
}

// volume serves the volume slider while the link lasts: it reads the
// level when watching starts and then on each change (pactl subscribe's
// events, else a read every VolumePoll), and applies SetVolume (one tool
// run at a time, the latest level wins). Nothing runs while unwatched.
func (l *link) volume(ctx context.Context, box *volumeBox) {
	c := l.c
	tool := findVolumeTool(c.Getenv, c.VolumeTimeout)
	logged := false // which tool, said at the first watch
	var (
		watching bool
		sub      *subscription
		subAt    time.Time // when sub was last started
		subRetry = 5 * time.Second
		ticker   *time.Ticker
		tickC    <-chan time.Time
		subEv    <-chan struct{}
		subDone  <-chan struct{}
		applied  uint32 // the last SetVolume's serial
		last     *Msg   // the last report sent
		muted    bool   // as last read
		failing  bool   // reads fail (logged once)
	)
	startPoll := func() {
		if ticker == nil {
			ticker = time.NewTicker(c.VolumePoll)
			tickC = ticker.C
		}
	}
	stopPoll := func() {
		if ticker != nil {
			ticker.Stop()
			ticker, tickC = nil, nil
		}
	}
	startSub := func() {
		if tool == nil || tool.pactl == "" {
			startPoll()
			return
		}
		s, err := tool.subscribe(ctx)
		subAt = time.Now()
		if err != nil {
			startPoll()
			return
		}
		sub, subEv, subDone = s, s.events, s.done
		stopPoll()
	}
	stopSub := func() {
		if sub != nil {
			sub.stop()
			sub, subEv, subDone = nil, nil, nil
		}
	}
	defer func() { stopSub(); stopPoll() }()
	report := func() {
		m := Msg{Type: TVolume, ID: applied}
		if tool != nil {
			level, mu, err := tool.read(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				if !failing {
					failing = true
					c.Log.Info("session: volume not read", "tool", tool.kind, "err", err)
				}
			} else {
				failing = false
				m.Level, m.Muted, m.Available, muted = level, mu, true, mu
			}
		}
		if last == nil || *last != m {
			last = &m
			l.send(m)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-box.wake:
			on, set, hasSet := box.take()
			if hasSet {
				if tool != nil {
					if err := tool.set(ctx, set.Level, muted); err != nil && ctx.Err() == nil {
						c.Log.Info("session: volume not set", "tool", tool.kind, "err", err)
					}
				}
				applied = set.ID
			}
			if on != watching {
				watching = on
				if on {
					if !logged {
						logged = true
						if tool == nil {
							c.Log.Info("session: volume slider not served", "why", "neither wpctl nor pactl on PATH")
						} else {
							c.Log.Info("session: volume slider served", "tool", tool.path)
						}
					}
					subRetry = 5 * time.Second
					startSub()
					last = nil // the first report of a watch is always sent
				} else {
					stopSub()
					stopPoll()
				}
			}
			if hasSet || (on && last == nil) {
				report()
			}
		case <-subEv:
			report()
		case <-subDone:
			// pactl lost its server (or has none): read every VolumePoll,
			// and subscribe again once a read succeeds.
			sub, subEv, subDone = nil, nil, nil
			if watching {
				startPoll()
			}
		case <-tickC:
			report()
			if sub == nil && !failing && tool != nil && tool.pactl != "" && time.Since(subAt) >= subRetry {
				subRetry = min(2*subRetry, time.Minute) // pactl may have no server here (wpctl's PipeWire without pipewire-pulse)
				startSub()
			}
		}
	}
}
