package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"tiny-dfr/internal/assets"
)

// sameParse tells whether two fonts are views of one parsed face.
func sameParse(a, b *Font) bool {
	return a != nil && b != nil && a.f == b.f && a.gt != nil && b.gt != nil && a.gt.Font == b.gt.Font
}

// Two builds of a layout needing a CJK fallback parse the face once; each
// renderer has its own go-text Face (the loop shapes the old layout's
// clock while the next one is built).
func TestSharedFallbackFaces(t *testing.T) {
	if _, err := exec.LookPath("fc-match"); err != nil {
		t.Skip(err)
	}
	needFont(t, ":charset=4e2d", "中")
	lay := cjkLayout()
	opts := testOptions(t, true)
	r1, _ := New(lay, opts)
	f1 := r1.text.fb.byRune['中']
	if f1 == nil {
		t.Fatal("no fallback for 中")
	}
	sharedFaces.mu.Lock()
	before := sharedFaces.parses
	sharedFaces.mu.Unlock()
	r2, _ := New(lay, opts)
	f2 := r2.text.fb.byRune['中']
	sharedFaces.mu.Lock()
	parses := sharedFaces.parses - before
	sharedFaces.mu.Unlock()
	if parses != 0 || !sameParse(f1, f2) {
		t.Errorf("second build parsed %d faces; same parsed face: %v", parses, sameParse(f1, f2))
	}
	if f1 == f2 || f1.gt == f2.gt {
		t.Error("two renderers share a go-text Face")
	}
	a, b := r1.DrawAll(&State{}).Landscape(), r2.DrawAll(&State{}).Landscape()
	if string(a.Pix) != string(b.Pix) {
		t.Error("the two builds draw differently")
	}
}

// The cache parses a face once while its file is unchanged, again when it
// changed, and keeps at most max faces, least recently used dropped.
func TestFaceCache(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var refs []fontRef
	for _, n := range []string{"a.ttf", "b.ttf", "c.ttf"} {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, assets.Font(false), 0o644); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, fontRef{path: p})
	}
	c := &faceCache{max: 2, maxBytes: 1 << 30}
	load := func(ref fontRef) *Font {
		t.Helper()
		f, err := c.load(ref)
		if err != nil || f == nil || f.gt == nil {
			t.Fatalf("load %s: %v", ref.path, err)
		}
		return f
	}
	a1 := load(refs[0])
	a2 := load(refs[0])
	if c.parses != 1 || !sameParse(a1, a2) || a1.gt == a2.gt {
		t.Errorf("two loads: %d parses, same parse %v, same Face %v", c.parses, sameParse(a1, a2), a1.gt == a2.gt)
	}
	load(refs[1])
	load(refs[0]) // a is the most recently used
	load(refs[2]) // drops b
	if c.parses != 3 || len(c.entries) != 2 {
		t.Fatalf("%d parses, %d kept", c.parses, len(c.entries))
	}
	if a3 := load(refs[0]); !sameParse(a3, a1) || c.parses != 3 {
		t.Error("the recently used face was dropped")
	}
	load(refs[1])
	if c.parses != 4 {
		t.Errorf("the least recently used face was kept (%d parses)", c.parses)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(refs[1].path, later, later); err != nil {
		t.Fatal(err)
	}
	if b := load(refs[1]); c.parses != 5 || len(c.entries) != 2 || b.gt == nil {
		t.Errorf("changed file: %d parses, %d kept", c.parses, len(c.entries))
	}
	// The byte bound: one face over it is still kept (the last loaded).
	c.maxBytes = 1
	load(refs[2])
	if len(c.entries) != 1 || c.bytes != int64(len(assets.Font(false))) {
		t.Errorf("over the byte bound: %d kept, %d bytes", len(c.entries), c.bytes)
	}
	if _, err := c.load(fontRef{path: filepath.Join(dir, "missing.ttf")}); err == nil {
		t.Error("missing file: no error")
	}
}
