package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/vector"

	"tiny-dfr/internal/assets"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/safefile"
)

// DefaultIconDirs are searched for NAME.svg and NAME.png, in order: the
// directories of the user and the base config (/etc/tiny-dfr and
// /usr/share/tiny-dfr unless the build set other paths).
func DefaultIconDirs() []string {
	return []string{filepath.Dir(config.UserPath), filepath.Dir(config.BasePath)}
}

// white is the current colour of SVG icons.
var white = color.NRGBA{255, 255, 255, 255}

// Limits on icon files and on the work of drawing them. Real icons stay far
// below them (the largest SVG of Adwaita, Papirus and hicolor is 83 KB with
// 116 elements and 1881 path segments; the largest PNG 82 KB at 512×512), so
// only a broken or hostile file meets one: it gets a warning at the button's
// position and the next candidate, or the placeholder.
const (
	maxSVGBytes = 1 << 20 // an SVG icon file
	maxPNGBytes = 8 << 20 // a PNG icon file
	// maxPNGSide and maxPNGPixels bound a PNG's header before it is
	// decoded (4 Mpx is 16 MiB as RGBA).
	maxPNGSide   = 4096
	maxPNGPixels = 2048 * 2048
	// maxSVGElements and maxSVGSegments bound an SVG while it is parsed.
	maxSVGElements = 10000
	maxSVGSegments = 100000
	// maxIconWork is what drawing one icon may cost, and maxLayoutWork what
	// all icons of a layout may cost, in pixels touched: the area of each
	// SVG shape's box, 16 per line segment, a PNG's pixels decoded and
	// read to scale (about 7 ns a pixel here: 64 Mpx ≈ 0.45 s). The
	// heaviest of 58000 real icons (Adwaita, Papirus, hicolor) drawn at
	// 1024 px costs 7.2 Mpx.
	maxIconWork   = 64 << 20
	maxLayoutWork = 256 << 20
	// maxIconCache bounds the decoded files kept while a layout is built,
	// and the icons drawn.
	maxIconCache = 64 << 20
)

var (
	// errTooLarge refuses PNG icons over maxPNGSide a side or maxPNGPixels.
	errTooLarge = errors.New("too large")
	// errTooComplex refuses icons over a work limit.
	errTooComplex = errors.New("too complex")
	// errNoIcon says an icon was found nowhere.
	errNoIcon = errors.New("not found")
)

// iconLoader finds and rasterises icons; it keeps what it drew, so a
// renderer rasterises each (name, theme, size) once, and while a layout is
// built it keeps the files it decoded, so an icon shown at many sizes is
// read and decoded once.
type iconLoader struct {
	dirs       []string
	dataDirs   []string
	cache      map[string]iconResult
	cacheBytes int64 // pixel bytes held in cache
	srcs       map[srcKey]*iconSource
	srcBytes   int64 // decoded bytes held in srcs
	themes     map[string]*themeInfo
	spent      int64 // work done since the last reset, in pixels
	decodes    int   // files decoded (for tests)
	maxWork    int64 // the layout's budget (0: maxLayoutWork)
}

type iconResult struct {
	img  *image.RGBA
	warn []string // files that exist but did not load
	err  error    // no usable icon: img is a placeholder
}

// srcKey names a file as it was when read: a changed file is read again.
type srcKey struct {
	path  string
	size  int64
	mtime int64
}

// iconSource is a decoded icon file: a parsed SVG or a PNG with its
// halvings, made as scaling needs them.
type iconSource struct {
	svg    *svgImage
	png    image.Image
	levels []*image.RGBA
	err    error
}

// endBuild forgets the decoded files and the icons drawn so far (static
// buttons are painted) and gives the work budget back, for the icons that
// dynamic buttons draw later.
func (l *iconLoader) endBuild() {
	l.cache, l.cacheBytes, l.srcs, l.srcBytes, l.themes, l.spent = nil, 0, nil, 0, nil, 0
}

// budget is the work one icon may still do.
func (l *iconLoader) budget() int64 {
	return max(0, min(maxIconWork, l.layoutWork()-l.spent))
}

func (l *iconLoader) layoutWork() int64 {
	if l.maxWork > 0 {
		return l.maxWork
	}
	return maxLayoutWork
}

// load returns the icon drawn into a w×h premultiplied RGBA image. Files
// that exist but do not load are reported in warn; when nothing loads, img
// is a crossed-box placeholder and err says why.
func (l *iconLoader) load(name, theme string, w, h int) iconResult {
	key := fmt.Sprintf("%s\x00%s\x00%dx%d", name, theme, w, h)
	if r, ok := l.cache[key]; ok {
		return r
	}
	r := l.find(name, theme, w, h)
	if n := int64(len(r.img.Pix)); l.cacheBytes+n <= maxIconCache {
		if l.cache == nil {
			l.cache = map[string]iconResult{}
		}
		l.cache[key] = r
		l.cacheBytes += n
	}
	return r
}

func (l *iconLoader) find(name, theme string, w, h int) iconResult {
	var res iconResult
	if name == "" || strings.ContainsAny(name, "/\\\x00") || name == "." || name == ".." {
		res.err = fmt.Errorf("icon %q: not a file name", name)
		res.img = placeholder(w, h)
		return res
	}
	var paths []string
	if theme != "" {
		dd := l.dataDirs
		if dd == nil {
			dd = defaultDataDirs()
		}
		var warn []string
		paths, warn = l.xdgIconCandidates(dd, theme, name, h)
		res.warn = append(res.warn, warn...)
	}
	dirs := l.dirs
	if dirs == nil {
		dirs = DefaultIconDirs()
	}
	for _, d := range dirs {
		paths = append(paths, filepath.Join(d, name+".svg"), filepath.Join(d, name+".png"))
	}
	for _, p := range paths {
		img, err := l.file(p, w, h)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil {
			if strings.HasSuffix(p, "-symbolic.svg") {
				recolour(img, white)
			}
			res.img = img
			return res
		}
		res.warn = append(res.warn, "icon "+fileErr(p, err))
	}
	if data, ok := assets.Icon(name); ok {
		src := l.source(srcKey{path: "embedded:" + name}, func() ([]byte, error) { return data, nil }, false)
		img, err := l.draw(src, w, h)
		if err == nil {
			res.img = img
			return res
		}
		res.warn = append(res.warn, fmt.Sprintf("embedded icon %s: %v", name, err))
	}
	where := strings.Join(dirs, ", ")
	if theme != "" {
		where = "theme " + theme + ", " + where
	}
	res.err = fmt.Errorf("icon %q: %w (looked in %s and the embedded icons)", name, errNoIcon, where)
	res.img = placeholder(w, h)
	return res
}

// fileErr says what went wrong with file p; safefile's errors name it.
func fileErr(p string, err error) string {
	var se *safefile.Error
	if errors.As(err, &se) {
		return err.Error()
	}
	return p + ": " + err.Error()
}

// file draws icon file p (SVG or PNG by its name) into a w×h box. A file
// that is not a regular file or is over its cap is refused unread.
func (l *iconLoader) file(p string, w, h int) (*image.RGBA, error) {
	isPNG := strings.HasSuffix(p, ".png")
	limit := int64(maxSVGBytes)
	if isPNG {
		limit = maxPNGBytes
	}
	f, size, err := safefile.Open(p, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	key := srcKey{path: p, size: size}
	if st, err := f.Stat(); err == nil {
		key.mtime = st.ModTime().UnixNano()
	}
	src := l.source(key, func() ([]byte, error) {
		data, err := io.ReadAll(io.LimitReader(f, limit+1))
		if err == nil && int64(len(data)) > limit {
			err = fmt.Errorf("grew while read, over the %s cap: %w", safefile.Size(limit), safefile.ErrTooLarge)
		}
		return data, err
	}, isPNG)
	return l.draw(src, w, h)
}

// source decodes a file once per layout build.
func (l *iconLoader) source(key srcKey, read func() ([]byte, error), isPNG bool) *iconSource {
	if s, ok := l.srcs[key]; ok {
		return s
	}
	s := &iconSource{}
	data, err := read()
	if err != nil {
		s.err = err
		return s // not kept: an I/O error may pass
	}
	b := l.budget()
	work := b
	l.decodes++
	s.decode(data, isPNG, &work)
	l.spent += b - work
	s.err = l.explain(s.err, b)
	var n int64
	if s.png != nil {
		b := s.png.Bounds()
		n = 8 * int64(b.Dx()) * int64(b.Dy()) // with its halvings, in 16 bits at worst
	} else if s.svg != nil {
		n = int64(s.svg.segments) * int64(unsafeSizeofPathOp)
	}
	if l.srcBytes+n <= maxIconCache {
		if l.srcs == nil {
			l.srcs = map[srcKey]*iconSource{}
		}
		l.srcs[key] = s
		l.srcBytes += n
	}
	return s
}

// unsafeSizeofPathOp is the size of a pathOp (a byte and three points).
const unsafeSizeofPathOp = 56

// draw draws a decoded file into a w×h box, within the icon budget.
func (l *iconLoader) draw(s *iconSource, w, h int) (*image.RGBA, error) {
	if s.err != nil {
		return nil, s.err
	}
	b := l.budget()
	work := b
	img, err := s.draw(w, h, &work)
	l.spent += b - work
	return img, l.explain(err, b)
}

// explain says which work budget an icon ran out of.
func (l *iconLoader) explain(err error, budget int64) error {
	if !errors.Is(err, errTooComplex) {
		return err
	}
	if budget < maxIconWork {
		return fmt.Errorf("%w: the icons of this layout used up their budget (%.3g Mpx of work)", err, float64(l.layoutWork())/(1<<20))
	}
	return fmt.Errorf("%w: over the budget of one icon (%d Mpx of work)", err, maxIconWork>>20)
}

// decode parses SVG or PNG data; the error is kept in s.err.
func (s *iconSource) decode(data []byte, isPNG bool, work *int64) {
	if !isPNG {
		s.svg, s.err = parseSVG(data)
		if s.err == nil && len(s.svg.shapes) == 0 {
			s.svg, s.err = nil, errors.New("svg: nothing to draw")
		}
		return
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		s.err = err
		return
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		s.err = errors.New("png: empty image")
		return
	}
	if cfg.Width > maxPNGSide || cfg.Height > maxPNGSide || cfg.Width*cfg.Height > maxPNGPixels {
		s.err = fmt.Errorf("png %dx%d: %w (at most %d pixels a side and %d Mpx)", cfg.Width, cfg.Height, errTooLarge, maxPNGSide, maxPNGPixels>>20)
		return
	}
	if err := spend(work, 2*int64(cfg.Width)*int64(cfg.Height)); err != nil {
		s.err = fmt.Errorf("png %dx%d: %w", cfg.Width, cfg.Height, err)
		return
	}
	s.png, s.err = png.Decode(bytes.NewReader(data))
	if s.err == nil && s.png.Bounds().Empty() {
		s.png, s.err = nil, errors.New("png: empty image")
	}
}

// spend takes n from the budget, or says it is used up.
func spend(work *int64, n int64) error {
	if n > *work {
		*work = 0
		return errTooComplex
	}
	*work -= n
	return nil
}

// draw draws s into a w×h box: SVGs fitted, PNGs as they are at their own
// size, else scaled to fit, centred, keeping the aspect ratio.
func (s *iconSource) draw(w, h int, work *int64) (*image.RGBA, error) {
	if s.svg != nil {
		return s.svg.rasterize(w, h, white, work)
	}
	src := s.png
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	sb := src.Bounds()
	if sb.Dx() == w && sb.Dy() == h {
		if err := spend(work, int64(w)*int64(h)); err != nil {
			return nil, err
		}
		draw.Draw(dst, dst.Bounds(), src, sb.Min, draw.Src)
		return dst, nil
	}
	sc := min(float64(w)/float64(sb.Dx()), float64(h)/float64(sb.Dy()))
	dw, dh := max(1, int(float64(sb.Dx())*sc+0.5)), max(1, int(float64(sb.Dy())*sc+0.5))
	r := image.Rect((w-dw)/2, (h-dh)/2, (w-dw)/2+dw, (h-dh)/2+dh)
	// A source over four times the box is first halved (averaging 2×2
	// pixels) while it stays at least twice the box: the kernel's cost is
	// the source's area, and 50 sizes of a 4096² PNG took a minute.
	var from image.Image = src
	for i := 0; ; i++ {
		fb := from.Bounds()
		if fb.Dx()/2 < 2*dw || fb.Dy()/2 < 2*dh {
			break
		}
		if i == len(s.levels) {
			if err := spend(work, int64(fb.Dx())*int64(fb.Dy())); err != nil {
				return nil, err
			}
			s.levels = append(s.levels, halve(from))
		}
		from = s.levels[i]
	}
	fb := from.Bounds()
	sw, sh := int64(fb.Dx()), int64(fb.Dy())
	// The kernel reads 4 source pixels per destination pixel and
	// direction, more when shrinking: two passes, about twice the cost
	// of an SVG pixel per tap.
	taps := 4*sh*max(int64(dw), sw) + 4*int64(dw)*max(int64(dh), sh)
	if err := spend(work, 2*taps); err != nil {
		return nil, err
	}
	xdraw.CatmullRom.Scale(dst, r, from, fb, draw.Src, nil)
	return dst, nil
}

// halve is src at half its size (rounded down), each pixel the mean of
// 2×2 premultiplied pixels.
func halve(src image.Image) *image.RGBA {
	sb := src.Bounds()
	var in *image.RGBA
	if rgba, ok := src.(*image.RGBA); ok && sb.Min == (image.Point{}) {
		in = rgba
	} else {
		in = image.NewRGBA(image.Rect(0, 0, sb.Dx(), sb.Dy()))
		draw.Draw(in, in.Rect, src, sb.Min, draw.Src)
	}
	w, h := sb.Dx()/2, sb.Dy()/2
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		r0 := in.Pix[2*y*in.Stride:]
		r1 := in.Pix[(2*y+1)*in.Stride:]
		o := out.Pix[y*out.Stride:]
		for x := 0; x < 4*w; x++ {
			i := 2*x - x%4 // channel x%4 of source pixels 2(x/4) and 2(x/4)+1
			o[x] = uint8((uint32(r0[i]) + uint32(r0[i+4]) + uint32(r1[i]) + uint32(r1[i+4]) + 2) / 4)
		}
	}
	return out
}

// decodeIcon draws SVG or PNG data into a w×h box, within one icon's
// budget.
func decodeIcon(data []byte, isPNG bool, w, h int) (*image.RGBA, error) {
	var s iconSource
	work := int64(maxIconWork)
	s.decode(data, isPNG, &work)
	if s.err == nil {
		var img *image.RGBA
		if img, s.err = s.draw(w, h, &work); s.err == nil {
			return img, nil
		}
	}
	if errors.Is(s.err, errTooComplex) {
		return nil, fmt.Errorf("%w: over the budget of one icon (%d Mpx of work)", s.err, maxIconWork>>20)
	}
	return nil, s.err
}

// recolour paints every pixel of img in c, keeping its alpha: symbolic
// icons are drawn in the text colour, as desktops do.
func recolour(img *image.RGBA, c color.NRGBA) {
	for i := 0; i < len(img.Pix); i += 4 {
		a := uint32(img.Pix[i+3])
		img.Pix[i+0] = uint8((uint32(c.R)*a + 127) / 255)
		img.Pix[i+1] = uint8((uint32(c.G)*a + 127) / 255)
		img.Pix[i+2] = uint8((uint32(c.B)*a + 127) / 255)
	}
}

// placeholder is a white crossed box: what a missing icon shows.
func placeholder(w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w < 4 || h < 4 {
		return dst
	}
	z := vector.NewRasterizer(w, h)
	fw, fh := float32(w), float32(h)
	const t = 2 // line width
	// Frame: outer rectangle minus inner one (opposite winding).
	z.MoveTo(0, 0)
	z.LineTo(fw, 0)
	z.LineTo(fw, fh)
	z.LineTo(0, fh)
	z.ClosePath()
	z.MoveTo(t, t)
	z.LineTo(t, fh-t)
	z.LineTo(fw-t, fh-t)
	z.LineTo(fw-t, t)
	z.ClosePath()
	line := func(x0, y0, x1, y1 float32) {
		z.MoveTo(x0, y0)
		z.LineTo(x0+t, y0)
		z.LineTo(x1, y1)
		z.LineTo(x1-t, y1)
		z.ClosePath()
	}
	line(t, t, fw-t, fh-t)
	line(fw-2*t, t, t, fh-t)
	z.Draw(dst, dst.Bounds(), image.NewUniform(white), image.Point{})
	return dst
}
