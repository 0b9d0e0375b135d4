package render

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"tiny-dfr/internal/assets"
)

// LabelSize is the size of labels in pixels.
const LabelSize = 32

// Font is a parsed TrueType or OpenType (CFF) font.
type Font struct {
	Source string // the file it came from, or "embedded Go Bold" / "embedded Go Regular"
	f      *opentype.Font
}

// ParseFont reads TrueType, OpenType/CFF or a font collection (the first font).
func ParseFont(data []byte, source string) (*Font, error) {
	f, err := opentype.Parse(data)
	if err != nil {
		c, cerr := opentype.ParseCollection(data)
		if cerr != nil {
			return nil, fmt.Errorf("render: font %s: %w", source, err)
		}
		if f, err = c.Font(0); err != nil {
			return nil, fmt.Errorf("render: font %s: %w", source, err)
		}
	}
	return &Font{Source: source, f: f}, nil
}

// EmbeddedFont is the fallback font: Go Bold or Go Regular.
func EmbeddedFont(bold bool) *Font {
	name := "embedded Go Regular"
	if bold {
		name = "embedded Go Bold"
	}
	f, err := ParseFont(assets.Font(bold), name)
	if err != nil { // the embedded fonts are known good
		return &Font{Source: name}
	}
	return f
}

// wantsBold tells whether a fontconfig pattern asks for a bold face.
func wantsBold(template string) bool {
	t := strings.ToLower(template)
	return strings.Contains(t, "bold") || strings.Contains(t, "heavy") || strings.Contains(t, "black")
}

// LoadFont resolves a fontconfig pattern with fc-match and loads the file.
// When fc-match is missing or fails, or the file does not load, it returns
// the embedded font (bold when the pattern asks for it) and the error.
func LoadFont(template string) (*Font, error) {
	path, err := fcMatch(template)
	if err == nil {
		var data []byte
		if data, err = os.ReadFile(path); err == nil {
			var f *Font
			if f, err = ParseFont(data, path); err == nil {
				return f, nil
			}
		}
	}
	return EmbeddedFont(wantsBold(template)), err
}

func fcMatch(template string) (string, error) {
	bin, err := exec.LookPath("fc-match")
	if err != nil {
		return "", fmt.Errorf("render: font %q: %w", template, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--format=%{file}", template)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("render: fc-match %q: %w: %s", template, err, strings.TrimSpace(errOut.String()))
	}
	path := strings.TrimSpace(out.String())
	if path == "" {
		return "", fmt.Errorf("render: fc-match %q: no font", template)
	}
	return path, nil
}

// face returns a face of the font at size pixels, or nil for a broken font.
func (f *Font) face(size float64) font.Face {
	if f == nil || f.f == nil {
		return nil
	}
	fc, err := opentype.NewFace(f.f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil
	}
	return fc
}

// textMask rasterises s; the mask's bounds are the ink box relative to the
// pen's start on the baseline (so Min.Y is negative above the baseline).
func textMask(face font.Face, s string) *image.Alpha {
	return textMaskIn(face, s, textInk(face, s))
}

// textInk is the ink box of s relative to the pen's start on the baseline.
func textInk(face font.Face, s string) image.Rectangle {
	if face == nil || s == "" {
		return image.Rectangle{}
	}
	b, _ := font.BoundString(face, s)
	return image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil())
}

// textMaskIn rasterises the part of s inside r (pen coordinates, as
// textInk): a label far longer than its button gets a mask no larger than
// the button.
func textMaskIn(face font.Face, s string, r image.Rectangle) *image.Alpha {
	if face == nil || s == "" || r.Empty() {
		return image.NewAlpha(image.Rectangle{})
	}
	m := image.NewAlpha(r)
	d := font.Drawer{Dst: m, Src: image.White, Face: face, Dot: fixed.Point26_6{}}
	d.DrawString(s)
	return m
}

// textWidth is the ink width of s.
func textWidth(face font.Face, s string) int {
	if face == nil {
		return 0
	}
	b, _ := font.BoundString(face, s)
	return b.Max.X.Ceil() - b.Min.X.Floor()
}

// FontCache keeps the font last loaded for a pattern, so that reloading a
// configuration whose pattern still resolves to the same, unchanged file
// neither reads nor parses it again (nor holds two copies of its bytes
// while the old renderer is dropped). The zero value is ready; it is not
// safe for concurrent use.
type FontCache struct {
	// Match resolves a pattern to a file (nil: fc-match).
	Match func(template string) (string, error)

	template string
	path     string
	size     int64
	mod      time.Time
	font     *Font
}

// Load is LoadFont with the cache: fc-match still runs every time, and the
// file is read again when the match or the file changed.
func (c *FontCache) Load(template string) (*Font, error) {
	match := c.Match
	if match == nil {
		match = fcMatch
	}
	path, err := match(template)
	if err != nil {
		return EmbeddedFont(wantsBold(template)), err
	}
	st, err := os.Stat(path)
	if err == nil && c.font != nil && c.template == template && c.path == path &&
		c.size == st.Size() && c.mod.Equal(st.ModTime()) {
		return c.font, nil
	}
	c.font = nil // let the old one go before reading the new one
	var data []byte
	if data, err = os.ReadFile(path); err == nil {
		var f *Font
		if f, err = ParseFont(data, path); err == nil {
			if st != nil {
				c.template, c.path, c.size, c.mod, c.font = template, path, st.Size(), st.ModTime(), f
			}
			return f, nil
		}
	}
	return EmbeddedFont(wantsBold(template)), err
}
