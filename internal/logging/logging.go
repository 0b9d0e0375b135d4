package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// EnvLevel is the environment variable giving the level when no flag does.
const EnvLevel = "TINY_DFR_LOG_LEVEL"

// ParseLevel reads debug, info, warn (warning) or error, in any case.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info", "":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error", "err":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("log level %q: want debug, info, warn or error", s)
}

// Priority is the sd-daemon priority of a level: 3 (error), 4 (warning),
// 6 (info) or 7 (debug).
func Priority(l slog.Level) int {
	switch {
	case l >= slog.LevelError:
		return 3
	case l >= slog.LevelWarn:
		return 4
	case l >= slog.LevelInfo:
		return 6
	}
	return 7
}

// IsJournal says whether f is the journal's stream: $JOURNAL_STREAM
// ("device:inode", set by systemd) names f's device and inode. A stream
// inherited by a child that redirected its stderr does not match.
func IsJournal(f *os.File, getenv func(string) string) bool {
	v := getenv("JOURNAL_STREAM")
	ds, is, ok := strings.Cut(v, ":")
	if !ok || f == nil {
		return false
	}
	dev, err1 := strconv.ParseUint(ds, 10, 64)
	ino, err2 := strconv.ParseUint(is, 10, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return false
	}
	return uint64(st.Dev) == dev && st.Ino == ino
}

// New is the logger writing to w at level: journal lines when journal,
// else slog's text with times.
func New(w io.Writer, journal bool, level slog.Leveler) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if journal {
		return slog.New(NewJournalHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// NewJournalHandler writes each record as one line "<N>level=… msg=… k=v"
// (slog's text format without time, values needing it quoted, newlines
// escaped) with N the record's Priority. opts.ReplaceAttr, if any, still
// applies.
func NewJournalHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	var o slog.HandlerOptions
	if opts != nil {
		o = *opts
	}
	user := o.ReplaceAttr
	o.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		if user != nil {
			return user(groups, a)
		}
		return a
	}
	pw := &prefixWriter{w: w}
	return &journalHandler{inner: slog.NewTextHandler(pw, &o), pw: pw}
}

type journalHandler struct {
	inner slog.Handler
	pw    *prefixWriter
}

// prefixWriter puts the pending record's prefix before the line the text
// handler writes (one Write per record); mu makes prefix and line one.
type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix [3]byte
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(append(p.buf[:0], p.prefix[:]...), b...)
	if _, err := p.w.Write(p.buf); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (h *journalHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *journalHandler) Handle(ctx context.Context, r slog.Record) error {
	h.pw.mu.Lock()
	defer h.pw.mu.Unlock()
	h.pw.prefix = [3]byte{'<', byte('0' + Priority(r.Level)), '>'}
	return h.inner.Handle(ctx, r)
}

func (h *journalHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &journalHandler{inner: h.inner.WithAttrs(as), pw: h.pw}
}

func (h *journalHandler) WithGroup(name string) slog.Handler {
	return &journalHandler{inner: h.inner.WithGroup(name), pw: h.pw}
}
