package render

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// needFile skips (or fails under CI=true) when a test prerequisite is missing.
func needFile(t *testing.T, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if p == "" {
			continue
		}
		if m, _ := filepath.Glob(p); len(m) > 0 {
			return m[0]
		}
	}
	msg := "none of " + strings.Join(paths, ", ") + " (apt-get install fonts-cantarell)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// xImageCFF is the CFF test font that golang.org/x/image ships in the module
// cache ("" when it cannot be found).
func xImageCFF() string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/image").Output()
	if err != nil || len(strings.TrimSpace(string(out))) == 0 {
		return ""
	}
	return filepath.Join(strings.TrimSpace(string(out)), "font/testdata/CFFTest.otf")
}

func TestOTFLoads(t *testing.T) {
	t.Parallel()
	path := needFile(t, "/usr/share/fonts/opentype/cantarell/Cantarell-*.otf", "/usr/share/fonts/opentype/urw-base35/*.otf", xImageCFF())
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFont(data, path)
	if err != nil {
		t.Fatal(err)
	}
	m := textMask(f.face(LabelSize), "F12")
	if m.Rect.Dx() < 20 || m.Rect.Dy() < 15 {
		t.Fatalf("CFF text ink %v, too small", m.Rect)
	}
	lit := 0
	for _, a := range m.Pix {
		if a > 0x80 {
			lit++
		}
	}
	if lit < 100 {
		t.Errorf("CFF text has %d lit pixels", lit)
	}
}

func TestParseFontErrors(t *testing.T) {
	t.Parallel()
	if _, err := ParseFont([]byte("not a font"), "x"); err == nil {
		t.Error("garbage parsed as a font")
	}
	if (&Font{}).face(32) != nil || textWidth(nil, "x") != 0 || textMask(nil, "x").Rect.Dx() != 0 {
		t.Error("a broken font draws")
	}
}

func TestEmbeddedFont(t *testing.T) {
	t.Parallel()
	b, r := EmbeddedFont(true), EmbeddedFont(false)
	if b.face(32) == nil || r.face(32) == nil || b.Source == r.Source {
		t.Fatal("embedded fonts")
	}
	// Bold ink is heavier.
	sum := func(f *Font) (s int) {
		for _, a := range textMask(f.face(32), "F1").Pix {
			s += int(a)
		}
		return s
	}
	if sum(b) <= sum(r) {
		t.Error("bold is not heavier than regular")
	}
	for tmpl, bold := range map[string]bool{":bold": true, "": false, "DejaVu Sans:bold": true, "Sans:weight=heavy": true, "Sans": false} {
		if wantsBold(tmpl) != bold {
			t.Errorf("wantsBold(%q) != %v", tmpl, bold)
		}
	}
}

func TestLoadFontWithFcMatch(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("fc-match"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("fc-match missing (apt-get install fontconfig)")
		}
		t.Skip("no fc-match")
	}
	f, err := LoadFont(":bold")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(f.Source) || f.face(32) == nil {
		t.Errorf("LoadFont(:bold) = %q", f.Source)
	}
}

func TestLoadFontWithoutFcMatch(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	f, err := LoadFont(":bold")
	if err == nil || f == nil || f.Source != "embedded Go Bold" {
		t.Errorf("LoadFont without fc-match = %v, %v; want Go Bold and an error", f, err)
	}
	f, _ = LoadFont("")
	if f.Source != "embedded Go Regular" {
		t.Errorf("LoadFont(\"\") = %s", f.Source)
	}
}

// A label far wider than its button (the config sets it) gets a mask no
// wider than the button, and draws the same pixels as its whole mask.
func TestHugeLabelMaskIsClipped(t *testing.T) {
	t.Parallel()
	label := strings.Repeat("W", 1000) + "end"
	c := defaultConfig()
	c.PrimaryLayerKeys[3].Text = label
	r, diags := New(layouts.Build(c, 2008, 60), testOptions(t, true))
	if len(diags) != 1 || diags[0].Kind != config.KindFit || diags[0].Pos != c.PrimaryLayerKeys[3].Pos {
		t.Errorf("diagnostics %v; want one fit warning at the button", diags)
	}
	b := &r.layers[0][3]
	l := r.textLayer(b, label, 0, 0)
	if l.mask.Rect.Dx() > b.rows || len(l.mask.Pix) > b.rows*r.frame.BarHeight {
		t.Fatalf("mask %v for a %d-column button", l.mask.Rect, b.rows)
	}
	got := bytes.Clone(r.DrawAll(&State{}).Pix)
	// The same button painted with the whole mask.
	whole := textMask(r.face, label)
	r.paint(b, nil, layer{mask: whole, at: l.at})
	if want := r.DrawAll(&State{}).Pix; !bytes.Equal(got, want) {
		t.Error("clipped label draws differently from the whole one")
	}
}
