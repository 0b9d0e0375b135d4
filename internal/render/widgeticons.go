package render

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"path/filepath"
	"strings"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// Bounds on the icons widgets name at run time (a companion may name a
// new one every second): the drawn icons kept, and the work one may cost
// (a 48-pixel icon of a real theme costs well under 1 Mpx).
const (
	maxWidgetIcons  = 16
	widgetIconWork  = 8 << 20
	maxWidgetIconPx = 256 // the side an icon is drawn at, at most
)

// widgetIcons keeps the last maxWidgetIcons icons widgets named, drawn,
// the oldest dropped first; a name that did not load is kept too (nil),
// so a missing icon is looked for once, not at every output.
type widgetIcons struct {
	keys []string // oldest first
	imgs map[string]*image.RGBA
}

func (w *widgetIcons) get(key string) (*image.RGBA, bool) {
	img, ok := w.imgs[key]
	return img, ok
}

func (w *widgetIcons) put(key string, img *image.RGBA) {
	if w.imgs == nil {
		w.imgs = make(map[string]*image.RGBA, maxWidgetIcons)
	}
	if len(w.keys) >= maxWidgetIcons {
		delete(w.imgs, w.keys[0])
		w.keys = append(w.keys[:0], w.keys[1:]...)
	}
	w.keys = append(w.keys, key)
	w.imgs[key] = img
}

// widgetIconSize is the side widget icons are drawn at: [Style] IconSize,
// else the default, within the bar's height.
func (r *Renderer) widgetIconSize() int {
	size := layouts.DefaultIconSize
	if s := r.lay.Style.IconSize; s > 0 {
		size = s
	}
	return max(1, min(size, r.frame.BarHeight, maxWidgetIconPx))
}

// widgetIcon is the icon a widget's output names, drawn, or nil when it
// does not load (reported once per button through Diagnostics).
func (r *Renderer) widgetIcon(b *button, name string) *image.RGBA {
	size := r.widgetIconSize()
	key := fmt.Sprintf("%s\x00%s\x00%d", name, b.theme, size)
	if img, ok := r.wicons.get(key); ok {
		return img
	}
	img, err := r.loadWidgetIcon(name, b.theme, size)
	if err != nil && !b.iconWarned {
		b.iconWarned = true
		r.diags = append(r.diags, config.Diagnostic{Pos: b.pos, Severity: config.Warning,
			Msg: "widget icon: " + err.Error()})
	}
	r.wicons.put(key, img)
	return img
}

// loadWidgetIcon draws name (an icon name, or an absolute path to an .svg
// or .png) at size, with a work budget of its own; nothing decoded is
// kept but the result.
func (r *Renderer) loadWidgetIcon(name, theme string, size int) (*image.RGBA, error) {
	l := &r.icons
	l.spent = max(0, l.layoutWork()-widgetIconWork)
	defer func() { l.srcs, l.srcBytes, l.spent = nil, 0, 0 }()
	if strings.HasPrefix(name, "/") {
		ext := strings.ToLower(filepath.Ext(name))
		if (ext != ".svg" && ext != ".png") || strings.ContainsRune(name, 0) || filepath.Clean(name) != name {
			return nil, fmt.Errorf("icon %q: a path must be absolute and name an .svg or .png file", name)
		}
		img, err := l.file(name, size, size)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("icon %s: %w", name, errNoIcon)
			}
			return nil, errors.New("icon " + fileErr(name, err))
		}
		if strings.HasSuffix(name, "-symbolic.svg") {
			recolour(img, white)
		}
		return img, nil
	}
	res := l.find(name, theme, size, size)
	if res.err != nil {
		return nil, res.err
	}
	return res.img, nil
}
