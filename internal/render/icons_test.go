package render

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// solidSVG is a full-box square of one colour, to tell icons apart.
func solidSVG(c string) string {
	return `<svg viewBox="0 0 24 24"><rect width="24" height="24" fill="` + c + `"/></svg>`
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writePNG(t testing.TB, path string, w, h int, c color.RGBA) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	img.Pix[0], img.Pix[1], img.Pix[2] = 1, 2, 3 // a marker that scaling would blur
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func centre(img *image.RGBA) color.RGBA { return img.RGBAAt(img.Rect.Dx()/2, img.Rect.Dy()/2) }

func TestIconLookupOrder(t *testing.T) {
	t.Parallel()
	etc, usr := t.TempDir(), t.TempDir()
	l := &iconLoader{dirs: []string{etc, usr}, dataDirs: []string{}}
	red := color.RGBA{255, 0, 0, 255}
	// /usr has both; /etc wins once it has one; svg before png in a dir.
	writeFile(t, filepath.Join(usr, "a.svg"), solidSVG("#00f"))
	writePNG(t, filepath.Join(etc, "a.png"), 48, 48, red)
	writeFile(t, filepath.Join(etc, "b.svg"), solidSVG("#0f0"))
	writePNG(t, filepath.Join(etc, "b.png"), 48, 48, red)
	if r := l.load("a", "", 48, 48); r.err != nil || centre(r.img) != red {
		t.Errorf("a: %v %v, want the /etc PNG", r.err, centre(r.img))
	}
	if r := l.load("b", "", 48, 48); r.err != nil || centre(r.img) != (color.RGBA{0, 255, 0, 255}) {
		t.Errorf("b: %v %v, want the /etc SVG", r.err, centre(r.img))
	}
	// A PNG of the exact size is used as is (the marker survives).
	if r := l.load("a", "", 48, 48); r.img.RGBAAt(0, 0) != (color.RGBA{1, 2, 3, 255}) {
		t.Errorf("exact PNG changed: %v", r.img.RGBAAt(0, 0))
	}
	// Other sizes are scaled to the box.
	writePNG(t, filepath.Join(etc, "small.png"), 12, 12, red)
	if r := l.load("small", "", 48, 48); r.err != nil || r.img.Rect.Dx() != 48 || centre(r.img) != red {
		t.Errorf("small: %v %v", r.err, centre(r.img))
	}
	// Embedded icons come last.
	writeFile(t, filepath.Join(etc, "search.svg"), solidSVG("#00f"))
	if r := l.load("search", "", 48, 48); centre(r.img) != (color.RGBA{0, 0, 255, 255}) {
		t.Error("a user search.svg does not override the embedded one")
	}
	if r := l.load("volume_up", "", 48, 48); r.err != nil || len(r.warn) != 0 {
		t.Errorf("embedded volume_up: %v %v", r.err, r.warn)
	}
}

func TestIconBrokenAndMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "mic_off.svg"), "<svg><path d='M0 0 Q'") // broken
	writeFile(t, filepath.Join(dir, "bad.png"), "not a png")
	l := &iconLoader{dirs: []string{dir}, dataDirs: []string{}}
	r := l.load("mic_off", "", 48, 48)
	if r.err != nil || len(r.warn) != 1 || !strings.Contains(r.warn[0], "mic_off.svg") {
		t.Errorf("broken user icon: err %v warn %v; want a warning and the embedded icon", r.err, r.warn)
	}
	r = l.load("bad", "", 48, 48)
	if !errors.Is(r.err, errNoIcon) || len(r.warn) != 1 || r.img == nil {
		t.Errorf("bad: err %v warn %v img %v", r.err, r.warn, r.img != nil)
	}
	// A huge PNG is refused before it is decoded.
	ihdr := []byte("IHDR\x00\x01\x00\x00\x00\x01\x00\x00\x08\x06\x00\x00\x00")
	huge := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), ihdr...)
	huge = binary.BigEndian.AppendUint32(huge, crc32.ChecksumIEEE(ihdr))
	if _, err := png.DecodeConfig(bytes.NewReader(huge)); err != nil {
		t.Fatalf("test PNG header is broken: %v", err)
	}
	if _, err := decodeIcon(huge, true, 48, 48); !errors.Is(err, errTooLarge) {
		t.Errorf("a 65536x65536 PNG: %v, want refused as too large", err)
	}
	for _, name := range []string{"nope", "../etc/passwd", "", "."} {
		r = l.load(name, "", 48, 48)
		if r.err == nil || r.img == nil || r.img.Rect.Dx() != 48 {
			t.Errorf("%q: err %v, want an error and a placeholder", name, r.err)
		}
	}
	// The placeholder is a crossed box: corners and centre drawn, edges' middles of the inside empty.
	p := placeholder(48, 48)
	if p.RGBAAt(0, 0).A != 255 || p.RGBAAt(24, 24).A == 0 || p.RGBAAt(24, 10).A != 0 {
		t.Error("placeholder is not a crossed box")
	}
}

func TestIconDiagnosticsCarryPos(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	pos := config.Pos{File: "/etc/tiny-dfr/config.toml", Line: 7, Col: 3}
	c.MediaLayerKeys = []config.Button{{Icon: "no_such_icon", Pos: pos}, {Icon: "search"}}
	r, diags := New(layouts.Build(c, 2008, 60), testOptions(t, true))
	if len(diags) != 1 || diags[0].Pos != pos || diags[0].Severity != config.Warning {
		t.Fatalf("diags = %v, want one warning at %v", diags, pos)
	}
	// The placeholder is on the bar: white pixels in the button.
	f := r.DrawAll(&State{Layer: layouts.Media})
	b := r.lay.Layers[1].Buttons[0]
	cx := b.Left + int(b.Width/2)
	if f.At(f.BarHeight-1-30, cx).R != 0xff {
		t.Error("no placeholder drawn")
	}
}

func TestXDGThemeLookup(t *testing.T) {
	t.Parallel()
	home, usr := t.TempDir(), t.TempDir()
	l := &iconLoader{dirs: []string{t.TempDir()}, dataDirs: []string{home, usr}}
	writeFile(t, filepath.Join(usr, "icons/Child/index.theme"), `[Icon Theme]
Name=Child
Inherits=Parent
Directories=48x48/apps,scalable/apps

[48x48/apps]
Size=48
Type=Fixed

[scalable/apps]
Size=16
MinSize=8
MaxSize=512
Type=Scalable
`)
	writeFile(t, filepath.Join(usr, "icons/Parent/index.theme"), "[Icon Theme]\nDirectories=apps/32\n\n[apps/32]\nSize=32\n")
	// Child: a PNG at 48 and an SVG in scalable: the SVG wins.
	writePNG(t, filepath.Join(usr, "icons/Child/48x48/apps/one.png"), 48, 48, color.RGBA{255, 0, 0, 255})
	writeFile(t, filepath.Join(usr, "icons/Child/scalable/apps/one.svg"), solidSVG("#0f0"))
	// Only the parent has two; hicolor (no index.theme) has three.
	writeFile(t, filepath.Join(usr, "icons/Parent/apps/32/two.svg"), solidSVG("#00f"))
	writeFile(t, filepath.Join(usr, "icons/hicolor/scalable/apps/two.svg"), solidSVG("#f00"))
	writePNG(t, filepath.Join(usr, "icons/hicolor/64x64/apps/three.png"), 64, 64, color.RGBA{0, 0, 255, 255})
	// The user's own data dir comes first.
	writeFile(t, filepath.Join(home, "icons/hicolor/scalable/apps/four.svg"), solidSVG("#0f0"))
	writeFile(t, filepath.Join(usr, "icons/hicolor/scalable/apps/four.svg"), solidSVG("#f00"))
	for _, tt := range []struct {
		name string
		want color.RGBA
	}{
		{"one", color.RGBA{0, 255, 0, 255}},
		{"two", color.RGBA{0, 0, 255, 255}},
		{"three", color.RGBA{0, 0, 255, 255}},
		{"four", color.RGBA{0, 255, 0, 255}},
	} {
		r := l.load(tt.name, "Child", 48, 48)
		if r.err != nil || centre(r.img) != tt.want {
			t.Errorf("%s: %v %v, want %v", tt.name, r.err, centre(r.img), tt.want)
		}
	}
	// Symbolic icons are drawn white, whatever their colour.
	writeFile(t, filepath.Join(usr, "icons/Child/scalable/apps/six-symbolic.svg"), solidSVG("#2e3436"))
	if r := l.load("six-symbolic", "Child", 48, 48); r.err != nil || centre(r.img) != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("six-symbolic: %v %v, want white", r.err, centre(r.img))
	}
	// Not in the theme: the plain directories and embedded icons still count.
	if r := l.load("search", "Child", 48, 48); r.err != nil {
		t.Errorf("search with a theme: %v", r.err)
	}
	if r := l.load("five", "Child", 48, 48); r.err == nil || !strings.Contains(r.err.Error(), "Child") {
		t.Errorf("five: %v", r.err)
	}
}
