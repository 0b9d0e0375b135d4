package uevent

import (
	"errors"
	"strings"
	"testing"
)

func msg(parts ...string) []byte { return []byte(strings.Join(parts, "\x00") + "\x00") }

func TestParse(t *testing.T) {
	t.Parallel()
	e, err := Parse(msg("add@/devices/pci0000:00/0000:00:02.0/drm/card1",
		"ACTION=add", "DEVPATH=/devices/pci0000:00/0000:00:02.0/drm/card1",
		"SUBSYSTEM=drm", "DEVNAME=dri/card1", "DEVTYPE=drm_minor", "SEQNUM=1234", "MAJOR=226", "MINOR=1"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Action != "add" || e.Subsystem != "drm" || e.DevPath != "/devices/pci0000:00/0000:00:02.0/drm/card1" {
		t.Errorf("got %+v", e)
	}
	if e.Env["DEVNAME"] != "dri/card1" || e.Env["SEQNUM"] != "1234" || len(e.Env) != 8 {
		t.Errorf("env %v", e.Env)
	}
}

func TestParseHeaderOnly(t *testing.T) {
	t.Parallel()
	// Without ACTION/DEVPATH variables the header still gives them.
	e, err := Parse([]byte("remove@/devices/virtual/input/input7\x00SUBSYSTEM=input"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Action != "remove" || e.DevPath != "/devices/virtual/input/input7" || e.Subsystem != "input" {
		t.Errorf("got %+v", e)
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, b := range [][]byte{
		nil,
		[]byte("libudev\x00\xfe\xed\xca\xfe"),
		[]byte("add@\x00ACTION=add"),
		[]byte("@/devices/x\x00"),
		[]byte("add@devices/x\x00"),
	} {
		if _, err := Parse(b); !errors.Is(err, ErrFormat) {
			t.Errorf("Parse(%q) = %v, want ErrFormat", b, err)
		}
	}
}

func TestParseSkipsJunk(t *testing.T) {
	t.Parallel()
	e, err := Parse([]byte("change@/devices/x\x00\x00NOEQUALS\x00A=b=c\x00"))
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Env) != 1 || e.Env["A"] != "b=c" {
		t.Errorf("env %v", e.Env)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(msg("add@/devices/x", "ACTION=add", "SUBSYSTEM=drm"))
	f.Add([]byte("libudev\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Parse(b)
		if err == nil && (e.Action == "" || e.DevPath == "") {
			t.Errorf("accepted %q without action or devpath: %+v", b, e)
		}
	})
}
