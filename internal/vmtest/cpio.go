package vmtest

import (
	"fmt"
	"io"
	"path"
	"strings"
)

// cpioWriter writes a "newc" cpio archive (the initramfs format; the kernel
// takes it uncompressed as well as compressed). Parent
// directories of every entry are created on first use.
type cpioWriter struct {
	w    io.Writer
	off  int64
	ino  uint32
	dirs map[string]bool
	err  error
}

func newCPIO(w io.Writer) *cpioWriter {
	return &cpioWriter{w: w, ino: 1, dirs: map[string]bool{"": true, ".": true, "/": true}}
}

const (
	cpioDir  = 0o040000
	cpioReg  = 0o100000
	cpioChar = 0o020000
)

func (c *cpioWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(b)
	c.off += int64(n)
	c.err = err
}

func (c *cpioWriter) pad() {
	if r := c.off % 4; r != 0 {
		c.write(make([]byte, 4-r))
	}
}

// entry writes one header, name and body. name is relative ("bin/x").
func (c *cpioWriter) entry(name string, mode uint32, rmajor, rminor uint32, data []byte) {
	c.ino++
	nlink := uint32(1)
	if mode&0o170000 == cpioDir {
		nlink = 2
	}
	hdr := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		c.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rmajor, rminor, len(name)+1, 0)
	c.write([]byte(hdr))
	c.write(append([]byte(name), 0))
	c.pad()
	c.write(data)
	c.pad()
}

func clean(p string) string { return strings.TrimPrefix(path.Clean("/"+p), "/") }

// Dir adds a directory (and its parents).
func (c *cpioWriter) Dir(p string) {
	p = clean(p)
	if c.dirs[p] {
		return
	}
	c.Dir(path.Dir(p))
	c.dirs[p] = true
	c.entry(p, cpioDir|0o755, 0, 0, nil)
}

// File adds a regular file with permission bits perm.
func (c *cpioWriter) File(p string, data []byte, perm uint32) {
	p = clean(p)
	c.Dir(path.Dir(p))
	c.entry(p, cpioReg|perm&0o7777, 0, 0, data)
}

// CharDev adds a character device node.
func (c *cpioWriter) CharDev(p string, major, minor uint32) {
	p = clean(p)
	c.Dir(path.Dir(p))
	c.entry(p, cpioChar|0o600, major, minor, nil)
}

// Close writes the trailer; it does not close the underlying writer.
func (c *cpioWriter) Close() error {
	c.entry("TRAILER!!!", 0, 0, 0, nil)
	if c.err != nil {
		return fmt.Errorf("vmtest: write initramfs: %w", c.err)
	}
	return nil
}
