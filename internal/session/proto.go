package session

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// Version is the protocol version both ends send in their Hello. A peer
// with another version is refused (RefusedVersion); the protocol is small
// enough that a version bump ships daemon and companion together.
const Version = 2

// Limits of the protocol. A frame longer than MaxFrame, a string longer
// than its bound, or a string that is not UTF-8 is a protocol error: the
// receiving end drops the connection.
const (
	MaxFrame   = 16 << 10 // payload bytes of one frame (after the 4-byte length)
	MaxCommand = 8 << 10  // a command line for sh -c
	MaxText    = 512      // a widget's text
	MaxColor   = 32       // a widget's colour ("#rrggbb", a name)
	MaxIcon    = 256      // a widget's icon (a name or a path)
	MaxAppID   = 256      // a focused app's id
	MaxTitle   = 512      // what is playing: its title
	MaxArtist  = 256      // what is playing: its artists, joined
	MaxInfo    = 256      // free text in Hello and Refused
	// MinInterval is the floor of a widget's refresh interval.
	MinInterval = 500 * time.Millisecond
	// MaxInterval bounds a widget's interval (a day).
	MaxInterval = 24 * time.Hour
	// MaxLevel is a volume level's top: levels are permille, 0..1000
	// (1000: 100 %; a louder sink is reported as 1000).
	MaxLevel = 1000
)

// Type is a message's kind: the first byte of a frame's payload.
type Type uint8

// Message types. Daemon → companion: Hello, Refused, Run, WidgetStart,
// WidgetStop, VolumeWatch, SetVolume, MediaWatch, MediaControl. Companion →
// daemon: Hello, WidgetOutput, Started, Ended, Focus, Volume, Media. The
// values are the wire format: never renumber.
const (
	THello        Type = 1  // Version, Info (companion: desktop, e.g. "sway"; daemon: empty)
	TRefused      Type = 2  // Code (Refused…), Info: the daemon closes after it
	TRun          Type = 3  // ID, Command: run `sh -c Command` once
	TWidgetStart  Type = 4  // ID, Command, Interval: run every Interval, report WidgetOutput
	TWidgetStop   Type = 5  // ID
	TWidgetOutput Type = 6  // ID, Text, Color, Icon
	TStarted      Type = 7  // ID: a Run's command started
	TEnded        Type = 8  // ID, Code: a Run's command ended (exit status; -1: killed or not started)
	TFocus        Type = 9  // AppID: the focused application ("" none)
	TVolumeWatch  Type = 10 // On: report the volume (Volume) while on; watch nothing while off
	TVolume       Type = 11 // ID, Level, Muted, Available: the default sink's volume (ID: the last SetVolume applied)
	TSetVolume    Type = 12 // ID, Level: set the default sink's volume (ID: a serial, from 1)
	TMediaWatch   Type = 13 // On: watch the media players (MPRIS) and report Media, or stop
	TMedia        Type = 14 // Status, Title, Artist: what is playing (Status MediaNone: no player)
	TMediaControl Type = 15 // Op: act on the player reported
	maxType       Type = 16 // first unused value
)

// MediaStatus is a player's state in a Media message (u8 on the wire).
type MediaStatus uint8

// Media states; MediaNone: no player (or no session bus).
const (
	MediaNone MediaStatus = iota
	MediaStopped
	MediaPaused
	MediaPlaying
	maxMediaStatus = MediaPlaying
)

func (s MediaStatus) String() string {
	switch s {
	case MediaNone:
		return "none"
	case MediaStopped:
		return "stopped"
	case MediaPaused:
		return "paused"
	case MediaPlaying:
		return "playing"
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// MediaOp is what a MediaControl asks of the player (u8 on the wire).
type MediaOp uint8

// Media operations (MPRIS Player methods).
const (
	MediaPlayPause MediaOp = 1 + iota
	MediaNext
	MediaPrevious
	maxMediaOp = MediaPrevious
)

// Refusal codes (Msg.Code of TRefused).
const (
	RefusedNotActive = 1 // the peer's uid is not the active user of seat0 (or not in SessionUsers)
	RefusedBusy      = 2 // another companion is served
	RefusedVersion   = 3 // the Hello's version is not Version
	RefusedProtocol  = 4 // the peer sent something invalid
)

func (t Type) String() string {
	names := [...]string{"?", "hello", "refused", "run", "widget-start", "widget-stop",
		"widget-output", "started", "ended", "focus", "volume-watch", "volume", "set-volume",
		"media-watch", "media", "media-control"}
	if t < maxType {
		return names[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// Msg is one protocol message; the fields a Type does not carry are zero.
//
// Wire format of a frame: a 4-byte big-endian payload length (1..MaxFrame),
// then the payload: the Type byte and the type's fields in the order listed
// at the Type constants. Integers are big-endian (ID uint32, Version uint16,
// Code int32, Interval uint32 milliseconds, Level uint16 0..MaxLevel);
// strings are a big-endian uint16 byte length then UTF-8 bytes; On, Muted,
// Available, Status and Op are one byte each (the booleans 0 or 1, Status
// 0..3, Op 1..3). Nothing may follow the last field.
type Msg struct {
	Type     Type
	ID       uint32
	Version  uint16
	Code     int32
	Interval time.Duration // WidgetStart: whole milliseconds, MinInterval..MaxInterval
	Command  string
	Text     string
	Color    string
	Icon     string
	AppID    string
	Info     string
	On       bool // VolumeWatch, MediaWatch
	// Volume: Level in permille (0..MaxLevel), Muted, Available (false:
	// no audio server or no volume tool).
	Level     uint16
	Muted     bool
	Available bool
	Status    MediaStatus // Media
	Title     string      // Media
	Artist    string      // Media
	Op        MediaOp     // MediaControl
}

// Errors of decoding; all wrap ErrProtocol.
var (
	ErrProtocol = errors.New("session: protocol error")
	errShort    = fmt.Errorf("%w: message cut short", ErrProtocol)
	errTrailing = fmt.Errorf("%w: bytes after the last field", ErrProtocol)
	errUTF8     = fmt.Errorf("%w: string is not UTF-8", ErrProtocol)
	errNUL      = fmt.Errorf("%w: command holds a NUL byte", ErrProtocol)
	errFrame    = fmt.Errorf("%w: frame length out of range", ErrProtocol)
	errLevel    = fmt.Errorf("%w: level over %d", ErrProtocol, MaxLevel)
)

// field kinds, in wire order per type.
type field uint8

const (
	fID field = iota
	fVersion
	fCode
	fInterval
	fCommand
	fText
	fColor
	fIcon
	fAppID
	fInfo
	fTitle
	fArtist
	fLevel     // u16: 0..MaxLevel
	fOn        // u8: 0, 1
	fMuted     // u8: 0, 1
	fAvailable // u8: 0, 1
	fStatus    // u8: MediaStatus
	fOp        // u8: MediaOp
)

var layout = [maxType][]field{
	THello:        {fVersion, fInfo},
	TRefused:      {fCode, fInfo},
	TRun:          {fID, fCommand},
	TWidgetStart:  {fID, fCommand, fInterval},
	TWidgetStop:   {fID},
	TWidgetOutput: {fID, fText, fColor, fIcon},
	TStarted:      {fID},
	TEnded:        {fID, fCode},
	TFocus:        {fAppID},
	TVolumeWatch:  {fOn},
	TVolume:       {fID, fLevel, fMuted, fAvailable},
	TSetVolume:    {fID, fLevel},
	TMediaWatch:   {fOn},
	TMedia:        {fStatus, fTitle, fArtist},
	TMediaControl: {fOp},
}

func (m *Msg) str(f field) (*string, int) {
	switch f {
	case fCommand:
		return &m.Command, MaxCommand
	case fText:
		return &m.Text, MaxText
	case fColor:
		return &m.Color, MaxColor
	case fIcon:
		return &m.Icon, MaxIcon
	case fAppID:
		return &m.AppID, MaxAppID
	case fInfo:
		return &m.Info, MaxInfo
	case fTitle:
		return &m.Title, MaxTitle
	case fArtist:
		return &m.Artist, MaxArtist
	}
	return nil, 0
}

// byteField is m's one-byte field f and the range it may take.
func (m *Msg) byteField(f field) (v uint8, lo, hi uint8) {
	switch f {
	case fOn, fMuted, fAvailable:
		if *m.flag(f) {
			v = 1
		}
		return v, 0, 1
	case fStatus:
		return uint8(m.Status), 0, uint8(maxMediaStatus)
	}
	return uint8(m.Op), 1, uint8(maxMediaOp)
}

func (m *Msg) setByte(f field, v uint8) {
	switch f {
	case fOn, fMuted, fAvailable:
		*m.flag(f) = v == 1
	case fStatus:
		m.Status = MediaStatus(v)
	case fOp:
		m.Op = MediaOp(v)
	}
}

// flag is the boolean field f of m.
func (m *Msg) flag(f field) *bool {
	switch f {
	case fMuted:
		return &m.Muted
	case fAvailable:
		return &m.Available
	}
	return &m.On
}

// Decode parses one frame's payload (without the length). It never
// panics, allocates at most the strings it returns (each bounded), and
// rejects anything not in the canonical form Encode writes.
func Decode(p []byte) (Msg, error) {
	var m Msg
	if len(p) == 0 || len(p) > MaxFrame {
		return m, errFrame
	}
	m.Type = Type(p[0])
	if m.Type == 0 || m.Type >= maxType || layout[m.Type] == nil {
		return Msg{}, fmt.Errorf("%w: unknown message type %d", ErrProtocol, p[0])
	}
	p = p[1:]
	for _, f := range layout[m.Type] {
		switch f {
		case fID, fCode, fInterval:
			if len(p) < 4 {
				return Msg{}, errShort
			}
			v := binary.BigEndian.Uint32(p)
			p = p[4:]
			switch f {
			case fID:
				m.ID = v
			case fCode:
				m.Code = int32(v)
			case fInterval:
				d := time.Duration(v) * time.Millisecond
				if d < MinInterval || d > MaxInterval {
					return Msg{}, fmt.Errorf("%w: interval %d ms out of range", ErrProtocol, v)
				}
				m.Interval = d
			}
		case fVersion, fLevel:
			if len(p) < 2 {
				return Msg{}, errShort
			}
			v := binary.BigEndian.Uint16(p)
			p = p[2:]
			if f == fVersion {
				m.Version = v
			} else if v > MaxLevel {
				return Msg{}, errLevel
			} else {
				m.Level = v
			}
		case fOn, fMuted, fAvailable, fStatus, fOp:
			if len(p) < 1 {
				return Msg{}, errShort
			}
			if _, lo, hi := m.byteField(f); p[0] < lo || p[0] > hi {
				return Msg{}, fmt.Errorf("%w: %v field %d out of range", ErrProtocol, m.Type, p[0])
			}
			m.setByte(f, p[0])
			p = p[1:]
		default:
			if len(p) < 2 {
				return Msg{}, errShort
			}
			n := int(binary.BigEndian.Uint16(p))
			p = p[2:]
			dst, limit := m.str(f)
			if n > limit {
				return Msg{}, fmt.Errorf("%w: %d-byte string over its %d-byte bound", ErrProtocol, n, limit)
			}
			if len(p) < n {
				return Msg{}, errShort
			}
			s := p[:n]
			p = p[n:]
			if !utf8.Valid(s) {
				return Msg{}, errUTF8
			}
			if f == fCommand {
				for _, c := range s {
					if c == 0 {
						return Msg{}, errNUL
					}
				}
			}
			*dst = string(s)
		}
	}
	if len(p) != 0 {
		return Msg{}, errTrailing
	}
	return m, nil
}

// Append appends m's frame (length and payload) to b. A message that
// Decode would refuse (a string over its bound, invalid UTF-8, an interval
// out of range, an unknown type) is an error and b is returned unchanged.
func Append(b []byte, m Msg) ([]byte, error) {
	if m.Type == 0 || m.Type >= maxType || layout[m.Type] == nil {
		return b, fmt.Errorf("%w: unknown message type %d", ErrProtocol, m.Type)
	}
	start := len(b)
	b = append(b, 0, 0, 0, 0, byte(m.Type))
	for _, f := range layout[m.Type] {
		switch f {
		case fID:
			b = binary.BigEndian.AppendUint32(b, m.ID)
		case fCode:
			b = binary.BigEndian.AppendUint32(b, uint32(m.Code))
		case fInterval:
			if m.Interval < MinInterval || m.Interval > MaxInterval || m.Interval%time.Millisecond != 0 {
				return b[:start], fmt.Errorf("%w: interval %v out of range", ErrProtocol, m.Interval)
			}
			b = binary.BigEndian.AppendUint32(b, uint32(m.Interval/time.Millisecond))
		case fVersion:
			b = binary.BigEndian.AppendUint16(b, m.Version)
		case fLevel:
			if m.Level > MaxLevel {
				return b[:start], errLevel
			}
			b = binary.BigEndian.AppendUint16(b, m.Level)
		case fOn, fMuted, fAvailable, fStatus, fOp:
			v, lo, hi := m.byteField(f)
			if v < lo || v > hi {
				return b[:start], fmt.Errorf("%w: %v field %d out of range", ErrProtocol, m.Type, v)
			}
			b = append(b, v)
		default:
			s, limit := m.str(f)
			if len(*s) > limit {
				return b[:start], fmt.Errorf("%w: %d-byte string over its %d-byte bound", ErrProtocol, len(*s), limit)
			}
			if !utf8.ValidString(*s) {
				return b[:start], errUTF8
			}
			if f == fCommand {
				for i := 0; i < len(*s); i++ {
					if (*s)[i] == 0 {
						return b[:start], errNUL
					}
				}
			}
			b = binary.BigEndian.AppendUint16(b, uint16(len(*s)))
			b = append(b, *s...)
		}
	}
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b, nil
}

// Reader reads frames from a stream into one buffer of MaxFrame bytes: it
// never allocates more, whatever the peer sends.
type Reader struct {
	r   io.Reader
	buf [4 + MaxFrame]byte
}

// NewReader returns a Reader of r (give it a buffered reader or a socket).
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// Next reads and decodes the next frame. A length out of range or a
// payload Decode refuses wraps ErrProtocol; a stream ending between frames
// is io.EOF, inside one io.ErrUnexpectedEOF.
func (r *Reader) Next() (Msg, error) {
	if _, err := io.ReadFull(r.r, r.buf[:4]); err != nil {
		return Msg{}, err
	}
	n := binary.BigEndian.Uint32(r.buf[:4])
	if n == 0 || n > MaxFrame {
		return Msg{}, errFrame
	}
	p := r.buf[4 : 4+n]
	if _, err := io.ReadFull(r.r, p); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Msg{}, err
	}
	return Decode(p)
}

// clip returns s cut to at most n bytes at a rune boundary, with invalid
// UTF-8 and control characters replaced: what a companion sends from a
// command's output always encodes.
func clip(s string, n int) string {
	out := make([]byte, 0, min(len(s), n))
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f {
			if r == '\t' {
				r = ' '
			} else {
				r = '\uFFFD'
			}
		}
		if len(out)+utf8.RuneLen(r) > n {
			break
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}
