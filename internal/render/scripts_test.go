package render

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"strings"
	"testing"

	"tiny-dfr/internal/assets"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// needFont loads the face fc-match gives for pattern when it has all the
// runes of sample; without fc-match or such a font the test is skipped,
// or fails under CI=true (.ci/run installs the fonts).
func needFont(t *testing.T, pattern, sample string) *Font {
	t.Helper()
	missing := func(why string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %s (.ci/run installs fonts-noto-core, fonts-noto-cjk, fonts-wqy-zenhei, fonts-noto-color-emoji)", pattern, why)
		}
		t.Skipf("%s: %s", pattern, why)
	}
	if _, err := exec.LookPath("fc-match"); err != nil {
		missing("no fc-match")
	}
	f, err := LoadFont(pattern)
	if err != nil {
		missing(err.Error())
	}
	for _, r := range sample {
		if !invisible(r) && !f.has(r) {
			missing(f.String() + " lacks " + string(r))
		}
	}
	return f
}

// labelFrame renders one text button (the whole bar, 1 button) with the
// given options.
func labelFrame(t *testing.T, label string, opts Options) (*image.RGBA, []config.Diagnostic) {
	t.Helper()
	c := &config.Config{FontTemplate: opts.FontTemplate}
	c.PrimaryLayerKeys = []config.Button{{Text: label, Stretch: 1, Pos: config.Pos{File: "t.toml", Line: 1, Col: 1}}}
	c.MediaLayerKeys = c.PrimaryLayerKeys
	opts.IconDirs, opts.XDGDataDirs = []string{t.TempDir()}, []string{}
	r, diags := New(layouts.Build(c, 400, 60), opts)
	return r.DrawAll(&State{}).Landscape(), diags
}

// A collection's face loads (it failed with "sfnt: invalid table offset"
// and fell back to Go Regular): the face fontconfig names.
func TestFontCollectionFace(t *testing.T) {
	f := needFont(t, "WenQuanYi Zen Hei", "中文")
	if !strings.HasSuffix(f.Source, ".ttc") {
		t.Skipf("WenQuanYi Zen Hei is %s, not a collection", f)
	}
	for _, pattern := range []string{"Noto Sans CJK SC", "Noto Sans CJK KR"} {
		ref, err := fcMatch(pattern)
		if err != nil || !strings.HasSuffix(ref.path, ".ttc") {
			continue
		}
		g, err := LoadFont(pattern)
		if err != nil || g.Index != ref.index || g.Source != ref.path {
			t.Errorf("%s: %v, %v; want face %d of %s", pattern, g, err, ref.index, ref.path)
		}
	}
}

// ParseFontIndex refuses an index past a collection's faces, and any but
// 0 of a single font.
func TestParseFontIndexBounds(t *testing.T) {
	f := EmbeddedFont(true)
	if _, err := ParseFontIndex(assets.Font(true), "go", 1); err == nil {
		t.Error("face 1 of a single font: no error")
	}
	if _, err := ParseFontIndex(assets.Font(true), "go", -1); err == nil {
		t.Error("face -1: no error")
	}
	if f.gt == nil || !f.has('A') || f.has('中') {
		t.Errorf("embedded font: shaper face %v, has A %v, has 中 %v", f.gt != nil, f.has('A'), f.has('中'))
	}
}

// The held-out check: a CJK label drawn with the default pattern (whose
// font has no CJK) is the same as with the font fontconfig picks for CJK
// named explicitly.
func TestCJKFallbackMatchesNamedFont(t *testing.T) {
	const label = "中文 设置"
	needFont(t, ":bold:charset=4e2d", "中文设置")
	ref, err := fcMatch(":bold:charset=4e2d")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("fc-match", "--format=%{family[0]}:%{style[0]}", "--", ":bold:charset=4e2d").Output()
	if err != nil {
		t.Fatal(err)
	}
	named := strings.Replace(string(out), ":", ":style=", 1)
	got, d1 := labelFrame(t, label, Options{FontTemplate: ":bold"})
	want, d2 := labelFrame(t, label, Options{FontTemplate: named})
	for _, d := range append(d1, d2...) {
		t.Errorf("diagnostic: %v", d)
	}
	if n := diffPixels(got, want); n != 0 {
		t.Errorf("default pattern and %q (%v) differ in %d pixels", named, ref, n)
	}
	blank, _ := labelFrame(t, "", Options{FontTemplate: ":bold"})
	if diffPixels(got, blank) < 100 {
		t.Error("the CJK label draws (almost) nothing")
	}
}

func diffPixels(a, b *image.RGBA) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if a.Pix[i] != b.Pix[i] || a.Pix[i+1] != b.Pix[i+1] || a.Pix[i+2] != b.Pix[i+2] {
			n++
		}
	}
	return n
}

// Labels in other scripts, shaped, with the fonts fontconfig gives the
// default pattern: golden images.
func TestGoldenScripts(t *testing.T) {
	for _, tt := range []struct{ name, label, need string }{
		{"arabic", "الإعدادات", "الإعدادات"},
		{"hebrew", "הגדרות 12", "הגדרות"},
		{"devanagari", "सेटिंग्स क्षमा", "सेटिंग्सक्षमा"},
		{"cjk", "设置 日本語", "设置日本語"},
		{"emoji", "😀 ok", "😀"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range tt.need {
				needFont(t, fmt.Sprintf(":bold:charset=%x", r), string(r))
			}
			img, diags := labelFrame(t, tt.label, Options{FontTemplate: ":bold"})
			for _, d := range diags {
				t.Errorf("diagnostic: %v", d)
			}
			checkGolden(t, "script-"+tt.name+".png", img)
		})
	}
}

// Any label shapes and draws without a panic, in a clipped or shrunk
// button.
func FuzzLabel(f *testing.F) {
	for _, s := range []string{"F1", "الإعدادات", "הגדרות 12", "क्षमा", "设置", "😀‍👩🏽", "a\u0301\u200d\u202e!", "\x00\xff"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, shrink bool) {
		if len(s) > 256 {
			return
		}
		fit := ""
		if shrink {
			fit = config.FitShrink
		}
		c := &config.Config{FontTemplate: ":bold"}
		c.PrimaryLayerKeys = []config.Button{{Text: s, Stretch: 1, FitText: fit, Pos: config.Pos{File: "f", Line: 1}}, {Text: "x", Stretch: 8}}
		c.MediaLayerKeys = c.PrimaryLayerKeys[1:]
		r, _ := New(layouts.Build(c, 2008, 60), Options{FontTemplate: ":bold", Font: EmbeddedFont(true), IconDirs: []string{}, XDGDataDirs: []string{}})
		r.DrawAll(&State{})
	})
}
