package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"tiny-dfr/internal/assets"
	"tiny-dfr/internal/safefile"
)

// FuzzDecodeSVG: user icons never crash the renderer.
func FuzzDecodeSVG(f *testing.F) {
	for _, n := range []string{"search", "brightness_low", "battery_charging_50", "play_pause"} {
		b, _ := assets.Icon(n)
		f.Add(b)
	}
	f.Add([]byte(`<svg viewBox="0 0 24 24"><g transform="rotate(45 12 12) skewX(10)"><rect x="2" y="2" width="20" height="20" rx="30"/><circle r="-1"/><ellipse rx="3" ry="2"/><polygon points="1 2 3"/></g></svg>`))
	f.Add([]byte(`<svg viewBox="0 0 0 0"><path d="M0 0A0 0 0 1 1 5 5a1e308 1e308 0 1 1 1 1z"/></svg>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := decodeIcon(data, false, 24, 24)
		if err == nil && (img == nil || img.Rect.Dx() != 24) {
			t.Fatal("no image without an error")
		}
	})
}

// FuzzParsePath: path data never crashes or loops.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"M0 0L1 1z", "m1.5.5a.5.5 0 01.5.5", "M0 0C1 1 2 2 3 3S4 4 5 5Q6 6 7 7T8 8H9V10Z", "M0 0z1 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		parsePath(d)
	})
}

// realFiles adds the files matching pattern (the host's icon themes, when
// it has them) as seeds, at most n of them.
func realFiles(f *testing.F, pattern string, n int) {
	m, _ := filepath.Glob(pattern)
	for _, p := range m[:min(n, len(m))] {
		if data, err := safefile.ReadFile(p, maxThemeIndexBytes); err == nil {
			f.Add(data)
		}
	}
}

// FuzzIndexTheme: any index.theme parses within the limits, and a lookup
// through a theme with it never panics or leaves the theme's tree.
func FuzzIndexTheme(f *testing.F) {
	f.Add([]byte(`[Icon Theme]
Name=Sample
Comment=A theme shaped like hicolor's and Adwaita's
Inherits=Parent,hicolor
Directories=16x16/apps,48x48/apps,scalable/apps,symbolic/apps,48x48@2/apps
ScaledDirectories=48x48@2/apps

[16x16/apps]
Size=16
Context=Applications
Type=Threshold

[48x48/apps]
Size=48
Context=Applications
Type=Fixed

[48x48@2/apps]
Size=48
Scale=2
Type=Fixed

[scalable/apps]
MinSize=8
Size=128
MaxSize=512
Context=Applications
Type=Scalable

[symbolic/apps]
MinSize=8
Size=16
MaxSize=512
Type=Scalable
`))
	f.Add([]byte("[Icon Theme]\nInherits=T,T,,../x\nDirectories=.,..,/etc,a/../../b\n[a/../../b]\nSize=-1\nMinSize=99999999999999999999\n"))
	f.Add([]byte("[Icon Theme]\r\nDirectories=a\r\n[a]\r\nSize=48\r\nType=Scalable\r\n\x00\xff"))
	realFiles(f, "/usr/share/icons/*/index.theme", 4)
	// One tree for all runs (they run one at a time in a process): a
	// new one per run made the fuzzer crawl.
	usr := f.TempDir()
	writeFile(f, filepath.Join(usr, "icons/T/48x48/apps/x.svg"), solidSVG("#0f0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dirs, inherits := parseThemeIndex(data)
		if len(dirs) > maxThemeDirs || len(inherits) > maxThemes {
			t.Fatalf("%d directories, %d parents: over the limits", len(dirs), len(inherits))
		}
		if len(data) > 4096 {
			return // the lookup below reads the tree: keep it quick
		}
		if err := os.WriteFile(filepath.Join(usr, "icons/T/index.theme"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		l := &iconLoader{dirs: []string{}, dataDirs: []string{usr}}
		r := l.load("x", "T", 48, 48)
		if r.img == nil || r.img.Rect.Dx() != 48 || r.img.Rect.Dy() != 48 {
			t.Fatal("no 48×48 image")
		}
		if len(l.themes) > maxThemes {
			t.Fatalf("%d themes read", len(l.themes))
		}
	})
}

// FuzzPNGIcon: any bytes as an icon file give an icon or the placeholder
// with an error, within the PNG limits; never a panic.
func FuzzPNGIcon(f *testing.F) {
	var buf bytes.Buffer
	add := func(img image.Image) {
		buf.Reset()
		if err := png.Encode(&buf, img); err != nil {
			f.Fatal(err)
		}
		f.Add(bytes.Clone(buf.Bytes()))
	}
	nrgba := image.NewNRGBA(image.Rect(0, 0, 48, 48))
	for i := range nrgba.Pix {
		nrgba.Pix[i] = uint8(i * 7)
	}
	add(nrgba)
	add(image.NewNRGBA64(image.Rect(0, 0, 17, 5)))
	add(image.NewGray(image.Rect(0, 0, 3, 64)))
	add(image.NewPaletted(image.Rect(0, 0, 24, 24), color.Palette{color.Black, color.White}))
	add(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	f.Add(pngHeader(maxPNGSide, maxPNGSide))
	f.Add(pngHeader(2048, 2048))
	f.Add(pngHeader(0, 7))
	realFiles(f, "/usr/share/icons/Adwaita/16x16/*/*.png", 3)
	realFiles(f, "/usr/share/icons/hicolor/48x48/apps/*.png", 3)
	want := placeholder(48, 48)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "x.png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		l := &iconLoader{dirs: []string{dir}, dataDirs: []string{}}
		r := l.load("x", "", 48, 48)
		if r.img == nil || r.img.Rect != want.Rect {
			t.Fatal("no 48×48 image")
		}
		if r.err != nil && !bytes.Equal(r.img.Pix, want.Pix) {
			t.Fatal("an error without the placeholder")
		}
		if r.err == nil {
			cfg, err := png.DecodeConfig(bytes.NewReader(data))
			if err != nil || cfg.Width > maxPNGSide || cfg.Height > maxPNGSide || cfg.Width*cfg.Height > maxPNGPixels {
				t.Fatalf("drew a PNG over the limits (%v, %dx%d)", err, cfg.Width, cfg.Height)
			}
		}
		// Another size from the decoded file, as a layout does.
		if r := l.load("x", "", 20, 33); r.img == nil || r.img.Rect.Dx() != 20 || r.img.Rect.Dy() != 33 {
			t.Fatal("no 20×33 image")
		}
	})
}
