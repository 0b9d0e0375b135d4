package render

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// hostileFiles makes, in dir, files named NAME.svg / NAME.png that are not
// icons one can read: a FIFO (opening it for reading blocks), a directory,
// a symlink loop, /dev/zero and /dev/urandom (reading never ends) and a
// file over the cap. It returns the names and what the warning must say.
func hostileFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.svg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.svg"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"loop.svg": "loop.svg", "zero.png": "/dev/zero", "random.svg": "/dev/urandom"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	big := filepath.Join(dir, "big.svg")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, maxSVGBytes+1); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"fifo":   "a FIFO",
		"dir":    "a directory",
		"loop":   "symbolic links",
		"zero":   "a character device",
		"random": "a character device",
		"big":    "over the 1.0 MiB cap",
	}
}

func TestIconNotRegularFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	want := hostileFiles(t, dir)
	l := &iconLoader{dirs: []string{dir}, dataDirs: []string{}}
	for name, what := range want {
		r := l.load(name, "", 48, 48)
		if !errors.Is(r.err, errNoIcon) || r.img == nil || r.img.Rect.Dx() != 48 {
			t.Errorf("%s: err %v, want not found and the placeholder", name, r.err)
		}
		if len(r.warn) != 1 || !strings.Contains(r.warn[0], what) || !strings.Contains(r.warn[0], filepath.Join(dir, name)) {
			t.Errorf("%s: warnings %q, want one naming the file and %q", name, r.warn, what)
		}
	}
	// A FIFO named like an embedded icon: a warning, and the embedded icon.
	if err := syscall.Mkfifo(filepath.Join(dir, "search.svg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := l.load("search", "", 48, 48); r.err != nil || len(r.warn) != 1 || !strings.Contains(r.warn[0], "a FIFO") {
		t.Errorf("search over a FIFO: err %v warn %q, want the embedded icon and a warning", r.err, r.warn)
	}
}

// The renderer puts the warning at the button's place and draws the
// placeholder; the bar is built.
func TestIconNotRegularPositioned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	hostileFiles(t, dir)
	c := &config.Config{}
	var names []string
	for i, n := range []string{"fifo", "dir", "loop", "zero", "random", "big"} {
		names = append(names, n)
		c.MediaLayerKeys = append(c.MediaLayerKeys, config.Button{Icon: n, Stretch: 1, IconWidth: 48, IconHeight: 48,
			Pos: config.Pos{File: "c.toml", Line: 10 + i, Col: 1}})
	}
	c.PrimaryLayerKeys = []config.Button{{Text: "F1", Stretch: 1}}
	opts := testOptions(t, false)
	opts.IconDirs = []string{dir}
	r, diags := New(layouts.Build(c, 2008, 60), opts)
	for i, n := range names {
		var got []string
		for _, d := range diags {
			if d.Pos.Line == 10+i {
				got = append(got, d.Msg)
			}
		}
		if len(got) != 2 || !strings.Contains(got[0], filepath.Join(dir, n)) {
			t.Errorf("%s: diagnostics at line %d: %q, want the file's warning and not found", n, 10+i, got)
		}
	}
	f := r.DrawAll(&State{Layer: layouts.Media})
	b := r.lay.Layers[1].Buttons[0]
	if f.At(f.BarHeight-1-30, b.Left+int(b.Width/2)).R != 0xff {
		t.Error("no placeholder drawn")
	}
}

func TestIconThemeNotRegular(t *testing.T) {
	t.Parallel()
	usr := t.TempDir()
	root := filepath.Join(usr, "icons")
	// Themes whose index.theme cannot be read: their directories are
	// still searched (as for a theme without one).
	mk := func(theme string, make func(p string) error) {
		if err := os.MkdirAll(filepath.Join(root, theme, "scalable/apps"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := make(filepath.Join(root, theme, "index.theme")); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, theme, "scalable/apps", "icon-"+theme+".svg"), solidSVG("#0f0"))
	}
	mk("Fifo", func(p string) error { return syscall.Mkfifo(p, 0o644) })
	mk("Dir", func(p string) error { return os.Mkdir(p, 0o755) })
	mk("Loop", func(p string) error { return os.Symlink("index.theme", p) })
	mk("Zero", func(p string) error { return os.Symlink("/dev/zero", p) })
	mk("Big", func(p string) error {
		if err := os.WriteFile(p, []byte("[Icon Theme]\n"), 0o644); err != nil {
			return err
		}
		return os.Truncate(p, maxThemeIndexBytes+1)
	})
	for theme, what := range map[string]string{"Fifo": "a FIFO", "Dir": "a directory", "Loop": "symbolic links",
		"Zero": "a character device", "Big": "cap"} {
		l := &iconLoader{dirs: []string{}, dataDirs: []string{usr}}
		r := l.load("icon-"+theme, theme, 48, 48)
		if r.err != nil || centre(r.img) != (color.RGBA{0, 255, 0, 255}) {
			t.Errorf("%s: %v, want the icon found without the index", theme, r.err)
		}
		if len(r.warn) != 1 || !strings.Contains(r.warn[0], what) || !strings.Contains(r.warn[0], "index.theme") {
			t.Errorf("%s: warnings %q, want one about index.theme: %s", theme, r.warn, what)
		}
		// Once per build, not once per icon.
		if r := l.load("other", theme, 48, 48); len(r.warn) != 0 {
			t.Errorf("%s: warned again: %q", theme, r.warn)
		}
	}
}

// A FIFO or a directory named like an icon in a theme is passed over, not
// opened: the next candidate is used.
func TestIconThemeSkipsNotRegular(t *testing.T) {
	t.Parallel()
	usr := t.TempDir()
	th := filepath.Join(usr, "icons/T")
	writeFile(t, filepath.Join(th, "index.theme"), "[Icon Theme]\nDirectories=a,b,c\n[a]\nSize=48\n[b]\nSize=48\n[c]\nSize=48\n")
	if err := os.MkdirAll(filepath.Join(th, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(th, "a/x.svg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(th, "b/x.svg"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(th, "c/x.svg"), solidSVG("#0f0"))
	l := &iconLoader{dirs: []string{}, dataDirs: []string{usr}}
	if r := l.load("x", "T", 48, 48); r.err != nil || len(r.warn) != 0 || centre(r.img) != (color.RGBA{0, 255, 0, 255}) {
		t.Errorf("x: err %v warn %q, want c/x.svg", r.err, r.warn)
	}
}

func TestIndexThemeLimits(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("[Icon Theme]\nInherits=")
	for i := range 2 * maxThemes {
		fmt.Fprintf(&b, "t%d,", i)
	}
	b.WriteString("\nDirectories=")
	for i := range maxThemeDirs + 10 {
		fmt.Fprintf(&b, "d%d,", i)
	}
	dirs, inherits := parseThemeIndex([]byte(b.String()))
	if len(dirs) != maxThemeDirs || len(inherits) != maxThemes {
		t.Errorf("%d directories, %d parents; want %d, %d", len(dirs), len(inherits), maxThemeDirs, maxThemes)
	}
	// A theme inheriting from many others (in a cycle, too) visits at most
	// maxThemes themes, hicolor included.
	usr := t.TempDir()
	for i := range 100 {
		writeFile(t, filepath.Join(usr, fmt.Sprintf("icons/t%d/index.theme", i)),
			fmt.Sprintf("[Icon Theme]\nInherits=t%d,t%d,t0\nDirectories=a\n[a]\nSize=48\n", i+1, (i+2)%100))
	}
	writeFile(t, filepath.Join(usr, "icons/hicolor/a/deep.svg"), solidSVG("#0f0"))
	l := &iconLoader{dirs: []string{}, dataDirs: []string{usr}}
	if r := l.load("deep", "t0", 48, 48); r.err != nil {
		t.Errorf("hicolor not searched after many themes: %v", r.err)
	}
	if len(l.themes) > maxThemes {
		t.Errorf("%d themes read, want at most %d", len(l.themes), maxThemes)
	}
}

// pngHeader is a PNG signature and IHDR of w×h RGBA: enough for
// DecodeConfig.
func pngHeader(w, h uint32) []byte {
	ihdr := []byte("IHDR")
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

func TestPNGHeaderLimits(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]uint32{{maxPNGSide + 1, 1}, {1, maxPNGSide + 1}, {2049, 2048}, {4096, 4096}, {65536, 65536}} {
		data := pngHeader(sz[0], sz[1])
		if _, err := png.DecodeConfig(bytes.NewReader(data)); err != nil {
			t.Fatalf("test PNG header is broken: %v", err)
		}
		if _, err := decodeIcon(data, true, 48, 48); !errors.Is(err, errTooLarge) {
			t.Errorf("%dx%d: %v, want refused as too large before decoding", sz[0], sz[1], err)
		}
	}
}

// An icon shown at many sizes is read and decoded once per layout build;
// a changed file is read again.
func TestIconDecodedOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "pic.png")
	patternPNG(t, p, 256)
	writeFile(t, filepath.Join(dir, "vec.svg"), solidSVG("#0f0"))
	l := &iconLoader{dirs: []string{dir}, dataDirs: []string{}}
	for s := 10; s <= 500; s += 10 {
		for _, n := range []string{"pic", "vec"} {
			if r := l.load(n, "", s, s); r.err != nil || len(r.warn) != 0 {
				t.Fatalf("%s at %d: %v %q", n, s, r.err, r.warn)
			}
		}
	}
	if l.decodes != 2 {
		t.Errorf("%d decodes for 2 files at 50 sizes, want 2", l.decodes)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	l.load("pic", "", 33, 33)
	if l.decodes != 3 {
		t.Errorf("changed file not decoded again (%d decodes)", l.decodes)
	}
	l.endBuild()
	if l.srcs != nil || l.cache != nil || l.spent != 0 {
		t.Error("endBuild kept the build's icons")
	}
}

// A large PNG scaled far down is halved first; it looks as the direct
// scaling did.
func TestPNGHalving(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "pic.png")
	patternPNG(t, p, 1024)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var s iconSource
	work := int64(maxIconWork)
	s.decode(data, true, &work)
	img, err := s.draw(48, 48, &work)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.levels) != 3 || s.levels[2].Rect.Dx() != 128 {
		t.Fatalf("%d halvings, want 3 (to 128 px, not under 96)", len(s.levels))
	}
	direct := image.NewRGBA(img.Rect)
	xdraw.CatmullRom.Scale(direct, direct.Rect, s.png, s.png.Bounds(), draw.Src, nil)
	var sum int
	for i := range img.Pix {
		d := int(img.Pix[i]) - int(direct.Pix[i])
		sum += max(d, -d)
	}
	if mean := float64(sum) / float64(len(img.Pix)); mean > 3 {
		t.Errorf("halved scaling differs from direct by %.2f a channel on average, want ≤ 3", mean)
	}
}

func TestSVGLimits(t *testing.T) {
	t.Parallel()
	many := func(n int, elem string) []byte {
		return []byte(`<svg viewBox="0 0 24 24">` + strings.Repeat(elem, n) + `</svg>`)
	}
	path := func(n int) []byte {
		return []byte(`<svg viewBox="0 0 24 24"><path d="M0 0` + strings.Repeat("L1 1", n) + `"/></svg>`)
	}
	points := func(n int) []byte {
		return []byte(`<svg viewBox="0 0 24 24"><polygon points="` + strings.Repeat("1 1 ", n) + `"/></svg>`)
	}
	for name, tt := range map[string]struct {
		data []byte
		size int
		ok   bool
	}{
		"elements at the limit":    {many(maxSVGElements-1, `<g/>`), 48, true},
		"elements over":            {many(maxSVGElements, `<g/>`), 48, false},
		"skipped elements over":    {[]byte(`<svg><defs>` + strings.Repeat("<g/>", maxSVGElements) + `</defs><rect width="1" height="1"/></svg>`), 48, false},
		"segments at the limit":    {path(maxSVGSegments - 2), 48, true},
		"segments over":            {path(maxSVGSegments), 48, false},
		"polygon over":             {points(maxSVGSegments + 1), 48, false},
		"many paths over":          {many(maxSVGSegments/50+1, `<path d="M0 0`+strings.Repeat("L1 1", 49)+`"/>`), 48, false},
		"full-box rects at 1024":   {[]byte(rectsSVG(maxIconWork>>20 + 1)), 1024, false},
		"full-box rects at 48":     {[]byte(rectsSVG(5000)), 48, true},
		"long curves at 1024":      {path(0), 1024, true},
		"heavy curves over":        {[]byte(`<svg viewBox="0 0 24 24"><path d="M0 0` + strings.Repeat("C24 0 0 24 24 24C0 24 24 0 0 0", 20000) + `"/></svg>`), 1024, false},
		"the same curves at 48 px": {[]byte(`<svg viewBox="0 0 24 24"><path d="M0 0` + strings.Repeat("C24 0 0 24 24 24C0 24 24 0 0 0", 20000) + `"/></svg>`), 48, true},
	} {
		img, err := decodeIcon(tt.data, false, tt.size, tt.size)
		if tt.ok && (err != nil && !strings.Contains(err.Error(), "nothing to draw") || err == nil && img == nil) {
			t.Errorf("%s: %v, want drawn", name, err)
		}
		if !tt.ok && !errors.Is(err, errTooComplex) {
			t.Errorf("%s: %v, want too complex", name, err)
		}
	}
}

// Heavy icons add up to at most the layout's budget: past it, buttons get
// the placeholder and a warning saying why; the budget comes back for
// the next build.
func TestLayoutIconBudget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// 10 full-box rects at 100 px: 100k pixels of work each.
	for i := range 20 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("heavy%d.svg", i)), rectsSVG(10))
	}
	l := &iconLoader{dirs: []string{dir}, dataDirs: []string{}, maxWork: 5*100000 + 50000}
	for round := range 2 {
		drawn := 0
		for i := range 20 {
			r := l.load(fmt.Sprintf("heavy%d", i), "", 100, 100)
			switch {
			case r.err == nil:
				drawn++
			case !errors.Is(r.err, errNoIcon) || len(r.warn) != 1 || !strings.Contains(r.warn[0], "this layout used up their budget"):
				t.Errorf("heavy%d: %v %q", i, r.err, r.warn)
			}
			if r.img == nil || r.img.Rect.Dx() != 100 {
				t.Errorf("heavy%d: no image", i)
			}
		}
		if drawn != 5 {
			t.Errorf("round %d: %d heavy icons drawn, want 5 (the layout's budget)", round, drawn)
		}
		l.endBuild()
	}
}

// A lookup through themes of many directories stops after
// maxThemeLookups files, with a warning; pixmaps and the plain
// directories still count.
func TestThemeLookupBounded(t *testing.T) {
	t.Parallel()
	usr := t.TempDir()
	var b strings.Builder
	b.WriteString("[Icon Theme]\nInherits=B\nDirectories=")
	for i := range maxThemeDirs {
		fmt.Fprintf(&b, "d%d,", i)
	}
	for _, th := range []string{"A", "B", "hicolor"} {
		writeFile(t, filepath.Join(usr, "icons", th, "index.theme"), strings.Replace(b.String(), "Inherits=B", "Inherits="+string(rune(th[0]+1)), 1))
	}
	l := &iconLoader{dirs: []string{}, dataDirs: []string{usr, usr + "/x", usr + "/y", usr + "/z"}}
	paths, warn := l.xdgIconCandidates(l.dataDirs, "A", "gone", 48)
	if len(paths) != 0 || len(warn) != 1 || !strings.Contains(warn[0], "stopped after") {
		t.Errorf("paths %q warn %q, want one warning that the lookup stopped", paths, warn)
	}
	writeFile(t, filepath.Join(usr, "pixmaps/gone.svg"), solidSVG("#0f0"))
	if r := l.load("gone", "A", 48, 48); r.err != nil {
		t.Errorf("pixmaps not searched: %v", r.err)
	}
}
