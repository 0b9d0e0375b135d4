package render

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"tiny-dfr/internal/assets"
	"tiny-dfr/internal/safefile"
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

// Limits on fonts and fc-match. The largest fonts here are the Noto CJK
// collections (NotoSerifCJK-Bold.ttc is 26 MiB); variable CJK collections
// weigh a little more.
const (
	maxFontBytes = 64 << 20
	// fcMatchTimeout bounds one fc-match run (it may rebuild its cache
	// on a cold boot, which takes a second or two).
	fcMatchTimeout = 5 * time.Second
	// maxFCOutput bounds what is read of fc-match's answer: a path.
	maxFCOutput = 8 << 10
)

// LoadFont resolves a fontconfig pattern with fc-match and loads the file.
// When fc-match is missing or fails, or the file does not load, it returns
// the embedded font (bold when the pattern asks for it) and the error.
func LoadFont(template string) (*Font, error) {
	path, err := fcMatch(template)
	if err == nil {
		var data []byte
		if data, err = safefile.ReadFile(path, maxFontBytes); err == nil {
			var f *Font
			if f, err = ParseFont(data, path); err == nil {
				return f, nil
			}
		} else {
			err = fmt.Errorf("render: font %q: %w", template, err)
		}
	}
	return EmbeddedFont(wantsBold(template)), err
}

func fcMatch(template string) (string, error) {
	bin, err := exec.LookPath("fc-match")
	if err != nil {
		return "", fmt.Errorf("render: font %q: %w", template, err)
	}
	return runFCMatch(bin, template, fcMatchTimeout)
}

// runFCMatch asks fc-match (bin) for the file of a pattern. The pattern
// comes after "--", so one starting with "-" is a pattern, not an option.
// The run is bounded in time and in what is read of its output; the
// answer must be an absolute path.
func runFCMatch(bin, template string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out := &capWriter{max: maxFCOutput, fail: true}
	errOut := &capWriter{max: 1 << 10}
	cmd := exec.CommandContext(ctx, bin, "--format=%{file}", "--", template)
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = out, errOut
	// A child that keeps the pipes open after fc-match is killed must
	// not hold the build either.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return "", fmt.Errorf("render: fc-match %q: no answer within %v: %w", template, timeout, ctx.Err())
	}
	if out.over {
		return "", fmt.Errorf("render: fc-match %q: answer over %s", template, safefile.Size(maxFCOutput))
	}
	if err != nil {
		return "", fmt.Errorf("render: fc-match %q: %w: %s", template, err, strings.TrimSpace(string(errOut.buf)))
	}
	path := strings.TrimSpace(string(out.buf))
	if path == "" {
		return "", fmt.Errorf("render: fc-match %q: no font", template)
	}
	if !filepath.IsAbs(path) || strings.ContainsAny(path, "\x00\n") {
		return "", fmt.Errorf("render: fc-match %q: answer %q is not a file path", template, path)
	}
	return path, nil
}

// capWriter keeps the first max bytes written to it. Past max it drops
// the rest, or (fail) refuses it, so the writer stops the copy.
type capWriter struct {
	buf  []byte
	max  int
	fail bool
	over bool
}

func (w *capWriter) Write(p []byte) (int, error) {
	n := min(len(p), w.max-len(w.buf))
	w.buf = append(w.buf, p[:n]...)
	if n < len(p) {
		w.over = true
		if w.fail {
			return n, errors.New("output over its cap")
		}
	}
	return len(p), nil
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
	// The answer must be a regular file under the cap (a FIFO or
	// /dev/zero named by a hostile fonts.conf is refused unread).
	file, size, err := safefile.Open(path, maxFontBytes)
	if err != nil {
		return EmbeddedFont(wantsBold(template)), fmt.Errorf("render: font %q: %w", template, err)
	}
	defer file.Close()
	var mod time.Time
	if st, err := file.Stat(); err == nil {
		mod = st.ModTime()
	}
	if c.font != nil && c.template == template && c.path == path && c.size == size && c.mod.Equal(mod) {
		return c.font, nil
	}
	c.font = nil // let the old one go before reading the new one
	data, err := io.ReadAll(io.LimitReader(file, maxFontBytes+1))
	if err == nil && len(data) > maxFontBytes {
		err = fmt.Errorf("%s: grew while read, over the %s cap: %w", path, safefile.Size(maxFontBytes), safefile.ErrTooLarge)
	}
	if err == nil {
		var f *Font
		if f, err = ParseFont(data, path); err == nil {
			c.template, c.path, c.size, c.mod, c.font = template, path, size, mod, f
			return f, nil
		}
	}
	return EmbeddedFont(wantsBold(template)), err
}
