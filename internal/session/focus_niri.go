package session

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// niri: $NIRI_SOCKET takes one JSON request per line; "EventStream" is
// answered {"Ok":"Handled"} (or {"Err":"…"}), then one event per line, each
// an object with one key naming it. The stream starts with the whole state
// (WindowsChanged) and follows with changes.

// maxNiriWindows bounds the windows tracked (a compositor that reports
// more is not followed past it: their app ids are not known).
const maxNiriWindows = 4096

// niriWindow is the part of niri's Window the watcher reads.
type niriWindow struct {
	ID        uint64  `json:"id"`
	AppID     *string `json:"app_id"`
	IsFocused bool    `json:"is_focused"`
}

// niriEvent holds the events the watcher reads; others leave it empty.
type niriEvent struct {
	WindowsChanged *struct {
		Windows []niriWindow `json:"windows"`
	} `json:"WindowsChanged"`
	WindowOpenedOrChanged *struct {
		Window niriWindow `json:"window"`
	} `json:"WindowOpenedOrChanged"`
	WindowClosed *struct {
		ID uint64 `json:"id"`
	} `json:"WindowClosed"`
	WindowFocusChanged *struct {
		ID *uint64 `json:"id"`
	} `json:"WindowFocusChanged"`
}

// niriState follows niri's windows and which one has the focus.
type niriState struct {
	apps    map[uint64]string
	focused uint64
	has     bool // a window has the focus
}

func (s *niriState) put(w niriWindow) {
	if _, ok := s.apps[w.ID]; !ok && len(s.apps) >= maxNiriWindows {
		return
	}
	app := ""
	if w.AppID != nil {
		app = *w.AppID
	}
	s.apps[w.ID] = app
	if w.IsFocused {
		s.focused, s.has = w.ID, true
	}
}

// apply takes one event; it says whether the event concerns the focus.
func (s *niriState) apply(ev *niriEvent) bool {
	switch {
	case ev.WindowsChanged != nil:
		clear(s.apps)
		s.has = false
		for _, w := range ev.WindowsChanged.Windows {
			s.put(w)
		}
	case ev.WindowOpenedOrChanged != nil:
		s.put(ev.WindowOpenedOrChanged.Window)
	case ev.WindowClosed != nil:
		delete(s.apps, ev.WindowClosed.ID)
		if s.has && s.focused == ev.WindowClosed.ID {
			s.has = false
		}
	case ev.WindowFocusChanged != nil:
		s.has = ev.WindowFocusChanged.ID != nil
		if s.has {
			s.focused = *ev.WindowFocusChanged.ID
		}
	default:
		return false
	}
	return true
}

// app is the focused window's app id ("" for none or unknown).
func (s *niriState) app() string {
	if !s.has {
		return ""
	}
	return s.apps[s.focused]
}

// watchNiri reads niri's event stream from the socket at path.
func watchNiri(ctx context.Context, path string, report func(string)) error {
	c, done, err := dialCtx(ctx, path)
	if err != nil {
		return err
	}
	defer done()
	if _, err := c.Write([]byte("\"EventStream\"\n")); err != nil {
		return err
	}
	br := bufio.NewReaderSize(c, 64<<10)
	line, err := readLongLine(br, maxFocusMsg)
	if err != nil {
		return err
	}
	var reply struct {
		Ok  json.RawMessage `json:"Ok"`
		Err *string         `json:"Err"`
	}
	if err := json.Unmarshal(line, &reply); err != nil {
		return fmt.Errorf("niri: reply to EventStream: %w", err)
	}
	if reply.Err != nil || reply.Ok == nil {
		return fmt.Errorf("niri: EventStream refused: %s", bytes.TrimSpace(line))
	}
	s := niriState{apps: map[uint64]string{}}
	for {
		line, err := readLongLine(br, maxFocusMsg)
		if err != nil {
			return err
		}
		if line == nil {
			continue // over the bound: skipped
		}
		var ev niriEvent
		if json.Unmarshal(line, &ev) != nil {
			continue
		}
		if s.apply(&ev) {
			report(s.app())
		}
	}
}

// readLongLine returns the next line without its newline, up to limit
// bytes; a longer line is read, dropped and returned as nil.
func readLongLine(br *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	over := false
	for {
		part, err := br.ReadSlice('\n')
		if !over {
			if len(line)+len(part) > limit+1 {
				over, line = true, nil
			} else {
				line = append(line, part...)
			}
		}
		switch {
		case err == nil:
			if over {
				return nil, nil
			}
			return bytes.TrimSuffix(line, []byte{'\n'}), nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return nil, err
		}
	}
}
