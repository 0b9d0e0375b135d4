package render

import (
	"fmt"
	"io"
	"sync"
	"time"

	gtfont "github.com/go-text/typesetting/font"

	"tiny-dfr/internal/safefile"
)

// Fallback faces are shared by every layout of the process: a reload that
// needs the same CJK or emoji face (~20 MB of file, and the shaper's
// tables besides) neither reads nor parses it again. What is shared is
// the parsed face, which is read-only (x/image's sfnt.Font with a Buffer
// per caller, go-text's font.Font); each Renderer gets its own view of it
// (its own go-text Face, whose glyph caches are written while shaping,
// and its own decoded colour bitmaps), so the build goroutine and the
// loop drawing the old layout never write the same memory.

// Bounds of the shared faces: past either, the least recently used face
// is dropped (the last one loaded is always kept). A renderer still using
// a dropped face keeps it alive until it goes.
const (
	maxSharedFaces     = 8
	maxSharedFaceBytes = 48 << 20 // of font file data: a CJK collection (~20 MB) and an emoji font fit, under the unit's MemoryMax=128M
)

// sharedFaces are the fallback faces of every layout.
var sharedFaces = &faceCache{max: maxSharedFaces, maxBytes: maxSharedFaceBytes}

// faceCache keeps parsed faces by file and face index, least recently
// used first. It is safe for concurrent use.
type faceCache struct {
	max      int
	maxBytes int64

	mu      sync.Mutex
	entries []*faceEntry // least recently used first
	bytes   int64
	parses  int // faces parsed, for tests
}

type faceEntry struct {
	ref  fontRef
	size int64
	mod  time.Time
	font *Font // the shared face; handed out through view
}

// load is a view of face ref.index of file ref.path, parsed once while
// the file keeps its size and modification time.
func (c *faceCache) load(ref fontRef) (*Font, error) {
	file, size, err := safefile.Open(ref.path, maxFontBytes)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var mod time.Time
	if st, err := file.Stat(); err == nil {
		mod = st.ModTime()
	}
	c.mu.Lock()
	for i, e := range c.entries {
		if e.ref != ref {
			continue
		}
		if e.size == size && e.mod.Equal(mod) {
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			c.mu.Unlock()
			return e.font.view(), nil
		}
		c.drop(i) // changed on disk
		break
	}
	c.mu.Unlock()
	// Read and parsed outside the lock: the loop reading other faces is
	// not held by a build parsing a large one.
	data, err := io.ReadAll(io.LimitReader(file, maxFontBytes+1))
	if err == nil && len(data) > maxFontBytes {
		err = fmt.Errorf("%s: grew while read, over the %s cap: %w", ref.path, safefile.Size(maxFontBytes), safefile.ErrTooLarge)
	}
	if err != nil {
		return nil, err
	}
	f, err := ParseFontIndex(data, ref.path, ref.index)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.parses++
	for i, e := range c.entries {
		if e.ref == ref { // loaded meanwhile: the newer one stays
			c.drop(i)
			break
		}
	}
	c.entries = append(c.entries, &faceEntry{ref: ref, size: int64(len(data)), mod: mod, font: f})
	c.bytes += int64(len(data))
	for len(c.entries) > 1 && (len(c.entries) > c.max || c.bytes > c.maxBytes) {
		c.drop(0)
	}
	return f.view(), nil
}

// drop forgets entry i; c.mu is held.
func (c *faceCache) drop(i int) {
	c.bytes -= c.entries[i].size
	c.entries[i] = nil
	c.entries = append(c.entries[:i], c.entries[i+1:]...)
}

// view is f for one more user: the same parsed face, with its own go-text
// Face (glyph caches) and colour bitmap cache.
func (f *Font) view() *Font {
	if f == nil {
		return nil
	}
	v := &Font{Source: f.Source, Index: f.Index, f: f.f, bitmaps: f.bitmaps}
	if f.gt != nil {
		v.gt = gtfont.NewFace(f.gt.Font)
	}
	return v
}
