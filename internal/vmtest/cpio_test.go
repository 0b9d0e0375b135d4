package vmtest

import (
	"bytes"
	"strconv"
	"testing"
)

type cpioEntry struct {
	name           string
	mode           uint32
	rmajor, rminor uint32
	data           string
}

// readCPIO parses a newc archive independently of the writer.
func readCPIO(t *testing.T, b []byte) []cpioEntry {
	t.Helper()
	var out []cpioEntry
	off := 0
	align := func() { off = (off + 3) &^ 3 }
	field := func(i int) uint32 {
		v, err := strconv.ParseUint(string(b[off+6+8*i:off+14+8*i]), 16, 32)
		if err != nil {
			t.Fatalf("bad header field %d at %d: %v", i, off, err)
		}
		return uint32(v)
	}
	for {
		if off+110 > len(b) || string(b[off:off+6]) != "070701" {
			t.Fatalf("bad magic at %d", off)
		}
		e := cpioEntry{mode: field(1), rmajor: field(9), rminor: field(10)}
		size, nameSize := int(field(6)), int(field(11))
		e.name = string(b[off+110 : off+110+nameSize-1])
		if b[off+110+nameSize-1] != 0 {
			t.Fatalf("%s: name not NUL-terminated", e.name)
		}
		off += 110 + nameSize
		align()
		e.data = string(b[off : off+size])
		off += size
		align()
		if e.name == "TRAILER!!!" {
			if off != len(b) {
				t.Fatalf("%d bytes after trailer", len(b)-off)
			}
			return out
		}
		out = append(out, e)
	}
}

func TestCPIO(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	c := newCPIO(&buf)
	c.CharDev("/dev/console", 5, 1)
	c.File("/bin/a.test", []byte("hello"), 0o755)
	c.File("init", []byte("1234"), 0o755)
	c.Dir("/bin")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	got := readCPIO(t, buf.Bytes())
	want := []cpioEntry{
		{name: "dev", mode: cpioDir | 0o755},
		{name: "dev/console", mode: cpioChar | 0o600, rmajor: 5, rminor: 1},
		{name: "bin", mode: cpioDir | 0o755},
		{name: "bin/a.test", mode: cpioReg | 0o755, data: "hello"},
		{name: "init", mode: cpioReg | 0o755, data: "1234"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
