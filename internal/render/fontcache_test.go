package render

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tiny-dfr/internal/assets"
)

func TestFontCache(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "font.ttf")
	if err := os.WriteFile(path, assets.Font(true), 0o644); err != nil {
		t.Fatal(err)
	}
	matchErr := errors.New("no fc-match")
	var fail bool
	c := &FontCache{Match: func(string) (string, error) {
		if fail {
			return "", matchErr
		}
		return path, nil
	}}
	f1, err := c.Load(":bold")
	if err != nil || f1.Source != path {
		t.Fatalf("Load: %v, %v", f1.Source, err)
	}
	if f2, err := c.Load(":bold"); err != nil || !sameParse(f2, f1) {
		t.Errorf("unchanged file loaded again (%v)", err)
	} else if f2.gt == f1.gt {
		t.Error("two loads share a go-text Face (its caches are written while shaping)")
	}
	if f2, _ := c.Load(":italic"); sameParse(f2, f1) {
		t.Error("another pattern got the cached font")
	}
	f1, _ = c.Load(":bold")
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if f2, err := c.Load(":bold"); err != nil || sameParse(f2, f1) || f2.Source != path {
		t.Errorf("changed file not loaded again (%v)", err)
	}
	fail = true
	if f, err := c.Load(":bold"); !errors.Is(err, matchErr) || f == nil || f.Source != "embedded Go Bold" {
		t.Errorf("failed match: %v, %v", f, err)
	}
	fail = false
	os.WriteFile(path, []byte("not a font"), 0o644)
	os.Chtimes(path, later.Add(time.Hour), later.Add(time.Hour))
	if f, err := c.Load(":bold"); err == nil || f == nil || f.Source != "embedded Go Bold" {
		t.Errorf("broken file: %v, %v", f, err)
	}
}
