package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/vector"

	"tiny-dfr/internal/assets"
)

// DefaultIconDirs are searched for NAME.svg and NAME.png, in order.
func DefaultIconDirs() []string { return []string{"/etc/tiny-dfr", "/usr/share/tiny-dfr"} }

// white is the current colour of SVG icons.
var white = color.NRGBA{255, 255, 255, 255}

// errTooLarge refuses PNG icons over maxPNGSide pixels a side.
var errTooLarge = fmt.Errorf("larger than %dx%d", maxPNGSide, maxPNGSide)

// errNoIcon says an icon was found nowhere.
var errNoIcon = errors.New("not found")

// iconLoader finds and rasterises icons; it keeps what it drew, so a
// renderer rasterises each (name, theme, size) once.
type iconLoader struct {
	dirs     []string
	dataDirs []string
	cache    map[string]iconResult
}

type iconResult struct {
	img  *image.RGBA
	warn []string // files that exist but did not load
	err  error    // no usable icon: img is a placeholder
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
	if l.cache == nil {
		l.cache = map[string]iconResult{}
	}
	l.cache[key] = r
	return r
}

func (l *iconLoader) find(name, theme string, w, h int) iconResult {
	var res iconResult
	if name == "" || strings.ContainsAny(name, "/\\") || name == "." || name == ".." {
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
		paths = xdgIconCandidates(dd, theme, name, h)
	}
	dirs := l.dirs
	if dirs == nil {
		dirs = DefaultIconDirs()
	}
	for _, d := range dirs {
		paths = append(paths, filepath.Join(d, name+".svg"), filepath.Join(d, name+".png"))
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil {
			var img *image.RGBA
			img, err = decodeIcon(data, strings.HasSuffix(p, ".png"), w, h)
			if err == nil && strings.HasSuffix(p, "-symbolic.svg") {
				recolour(img, white)
			}
			if err == nil {
				res.img = img
				return res
			}
		}
		res.warn = append(res.warn, fmt.Sprintf("icon %s: %v", p, err))
	}
	if data, ok := assets.Icon(name); ok {
		img, err := decodeIcon(data, false, w, h)
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

// maxPNGSide bounds PNG icons, so a huge file cannot exhaust memory.
const maxPNGSide = 4096

// decodeIcon draws SVG or PNG data into a w×h box.
func decodeIcon(data []byte, isPNG bool, w, h int) (*image.RGBA, error) {
	if isPNG {
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if cfg.Width > maxPNGSide || cfg.Height > maxPNGSide {
			return nil, fmt.Errorf("png %dx%d: %w", cfg.Width, cfg.Height, errTooLarge)
		}
		src, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		sb := src.Bounds()
		if sb.Dx() == w && sb.Dy() == h {
			draw.Draw(dst, dst.Bounds(), src, sb.Min, draw.Src)
			return dst, nil
		}
		if sb.Dx() <= 0 || sb.Dy() <= 0 {
			return nil, errors.New("empty image")
		}
		// Scale to fit, centred, keeping the aspect ratio.
		s := min(float64(w)/float64(sb.Dx()), float64(h)/float64(sb.Dy()))
		dw, dh := max(1, int(float64(sb.Dx())*s+0.5)), max(1, int(float64(sb.Dy())*s+0.5))
		r := image.Rect((w-dw)/2, (h-dh)/2, (w-dw)/2+dw, (h-dh)/2+dh)
		xdraw.CatmullRom.Scale(dst, r, src, sb, draw.Src, nil)
		return dst, nil
	}
	svg, err := parseSVG(data)
	if err != nil {
		return nil, err
	}
	if len(svg.shapes) == 0 {
		return nil, errors.New("svg: nothing to draw")
	}
	return svg.rasterize(w, h, white), nil
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
