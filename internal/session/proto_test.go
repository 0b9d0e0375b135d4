package session

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func sampleMsgs() []Msg {
	return []Msg{
		{Type: THello, Version: Version, Info: "sway"},
		{Type: THello, Version: Version},
		{Type: TRefused, Code: RefusedNotActive, Info: "uid 1001 is not seat0's active user"},
		{Type: TRun, ID: 7, Command: "notify-send 'hi ü'"},
		{Type: TWidgetStart, ID: 1 << 31, Command: "date +%T", Interval: 2500 * time.Millisecond},
		{Type: TWidgetStop, ID: 3},
		{Type: TWidgetOutput, ID: 3, Text: "42 °C", Color: "#ff8800", Icon: "battery_0_bar"},
		{Type: TStarted, ID: 9},
		{Type: TEnded, ID: 9, Code: -1},
		{Type: TFocus, AppID: "org.mozilla.firefox"},
		{Type: TRun, ID: 1, Command: strings.Repeat("x", MaxCommand)},
		{Type: TVolumeWatch, On: true},
		{Type: TVolumeWatch},
		{Type: TVolume, ID: 4, Level: 420, Muted: true, Available: true},
		{Type: TVolume, Level: MaxLevel, Available: true},
		{Type: TVolume},
		{Type: TSetVolume, ID: 1<<32 - 1, Level: 0},
		{Type: TSetVolume, ID: 5, Level: MaxLevel},
		{Type: TMediaWatch, On: true},
		{Type: TMediaWatch},
		{Type: TMedia, Status: MediaPlaying, Title: "Blue in Green", Artist: "Miles Davis, Bill Evans"},
		{Type: TMedia, Status: MediaNone},
		{Type: TMedia, Status: MediaPaused, Title: strings.Repeat("t", MaxTitle), Artist: strings.Repeat("a", MaxArtist)},
		{Type: TMediaControl, Op: MediaPlayPause},
		{Type: TMediaControl, Op: MediaPrevious},
	}
}

func TestRoundTrip(t *testing.T) {
	var stream []byte
	for _, m := range sampleMsgs() {
		b, err := Append(nil, m)
		if err != nil {
			t.Fatalf("Append(%+v): %v", m, err)
		}
		got, err := Decode(b[4:])
		if err != nil {
			t.Fatalf("Decode(Append(%v)): %v", m.Type, err)
		}
		if got != m {
			t.Fatalf("round trip: got %+v, want %+v", got, m)
		}
		stream = append(stream, b...)
	}
	r := NewReader(bytes.NewReader(stream))
	for _, m := range sampleMsgs() {
		got, err := r.Next()
		if err != nil || got != m {
			t.Fatalf("Reader.Next = %+v, %v; want %+v", got, err, m)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last frame: %v, want EOF", err)
	}
}

func TestAppendRefusesWhatDecodeRefuses(t *testing.T) {
	for _, m := range []Msg{
		{Type: 0},
		{Type: maxType},
		{Type: TRun, Command: strings.Repeat("x", MaxCommand+1)},
		{Type: TRun, Command: "a\x00b"},
		{Type: TWidgetOutput, Text: "\xff"},
		{Type: TWidgetStart, Command: "x", Interval: 100 * time.Millisecond},
		{Type: TWidgetStart, Command: "x", Interval: 25 * time.Hour},
		{Type: TWidgetStart, Command: "x", Interval: time.Second + 1},
		{Type: TSetVolume, Level: MaxLevel + 1},
		{Type: TVolume, Level: 65535, Available: true},
		{Type: 16}, {Type: 255},
		{Type: TMedia, Status: MediaPlaying + 1},
		{Type: TMedia, Title: strings.Repeat("t", MaxTitle+1)},
		{Type: TMedia, Artist: strings.Repeat("a", MaxArtist+1)},
		{Type: TMediaControl},
		{Type: TMediaControl, Op: MediaPrevious + 1},
	} {
		b, err := Append([]byte("keep"), m)
		if !errors.Is(err, ErrProtocol) || string(b) != "keep" {
			t.Errorf("Append(%+v) = %q, %v; want the buffer unchanged and ErrProtocol", m, b, err)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	ok, _ := Append(nil, Msg{Type: TWidgetOutput, ID: 1, Text: "hi"})
	cases := map[string][]byte{
		"empty":          {},
		"unknown type":   {200},
		"type zero":      {0},
		"cut short":      ok[4 : len(ok)-1],
		"trailing":       append(append([]byte{}, ok[4:]...), 0),
		"long string":    {byte(TFocus), 0xff, 0xff},
		"bad utf8":       {byte(TFocus), 0, 1, 0xff},
		"nul command":    {byte(TRun), 0, 0, 0, 1, 0, 1, 0},
		"short interval": {byte(TWidgetStart), 0, 0, 0, 1, 0, 1, 'x', 0, 0, 0, 10},
		"too big":        make([]byte, MaxFrame+1),
		"level over max": {byte(TSetVolume), 0, 0, 0, 1, 0x03, 0xe9},
		"bool not 0/1":   {byte(TVolumeWatch), 2},
		"muted not 0/1":  {byte(TVolume), 0, 0, 0, 1, 0, 10, 0xff, 1},
		"watch no field": {byte(TVolumeWatch)},
		"type 16":        {16},
		"type 16 field":  {16, 0},
		"watch 2":        {byte(TMediaWatch), 2},
		"watch short":    {byte(TMediaWatch)},
		"status 4":       {byte(TMedia), 4, 0, 0, 0, 0},
		"op 0":           {byte(TMediaControl), 0},
		"op 4":           {byte(TMediaControl), 4},
		"long title":     {byte(TMedia), 3, 0x02, 0x01},
	}
	for name, p := range cases {
		if _, err := Decode(p); !errors.Is(err, ErrProtocol) {
			t.Errorf("%s: Decode = %v, want ErrProtocol", name, err)
		}
	}
}

// A length prefix past MaxFrame is refused before anything is read: the
// reader never grows.
func TestReaderRefusesHugeFrame(t *testing.T) {
	r := NewReader(io.MultiReader(bytes.NewReader([]byte{0, 1, 0, 1}), neverEnding{}))
	if _, err := r.Next(); !errors.Is(err, ErrProtocol) {
		t.Fatalf("Next = %v, want ErrProtocol", err)
	}
	r = NewReader(bytes.NewReader([]byte{0, 0, 0, 5, byte(TStarted), 0}))
	if _, err := r.Next(); err != io.ErrUnexpectedEOF {
		t.Fatalf("cut frame: %v, want ErrUnexpectedEOF", err)
	}
}

type neverEnding struct{}

func (neverEnding) Read(p []byte) (int, error) { return len(p), nil }

func TestClip(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                  "plain",
		"a\tb":                   "a b",
		"bell\a":                 "bell\uFFFD",
		"bad\xffutf":             "bad\uFFFDutf",
		strings.Repeat("é", 300): strings.Repeat("é", MaxText/2),
	} {
		if got := clip(in, MaxText); got != want {
			t.Errorf("clip(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDecode: any payload decodes or is refused without a panic; what
// decodes re-encodes to the same bytes (one canonical form), within bounds.
func FuzzDecode(f *testing.F) {
	for _, m := range sampleMsgs() {
		b, _ := Append(nil, m)
		f.Add(b[4:])
	}
	f.Add([]byte{byte(TFocus), 0xff, 0xff})
	f.Add([]byte{byte(TWidgetStart), 0, 0, 0, 1, 0, 1, 'x', 0, 0, 0, 10})
	f.Add([]byte{byte(TSetVolume), 0, 0, 0, 1, 0x03, 0xe9})
	f.Add([]byte{byte(TVolume), 0, 0, 0, 1, 0x03, 0xe8, 1, 2})
	f.Add([]byte{byte(TVolumeWatch), 1, 0})
	f.Add([]byte{byte(TMediaWatch), 2})
	f.Add([]byte{byte(TMedia), 3, 0, 1, 'x', 0, 1, 0xff})
	f.Add([]byte{byte(TMediaControl), 4})
	f.Fuzz(func(t *testing.T, p []byte) {
		m, err := Decode(p)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("error %v does not wrap ErrProtocol", err)
			}
			return
		}
		b, err := Append(nil, m)
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", m, err)
		}
		if !bytes.Equal(b[4:], p) {
			t.Fatalf("not canonical: %x re-encodes to %x", p, b[4:])
		}
		if len(m.Command) > MaxCommand || len(m.Text) > MaxText || len(m.Info) > MaxInfo || m.Level > MaxLevel ||
			len(m.Title) > MaxTitle || len(m.Artist) > MaxArtist || m.Status > maxMediaStatus || m.Op > maxMediaOp {
			t.Fatalf("string over its bound: %+v", m)
		}
		// The stream reader agrees with Decode.
		r := NewReader(bytes.NewReader(b))
		if got, err := r.Next(); err != nil || got != m {
			t.Fatalf("Reader.Next = %+v, %v; want %+v", got, err, m)
		}
	})
}
