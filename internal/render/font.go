package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	gtfont "github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"tiny-dfr/internal/assets"
	"tiny-dfr/internal/safefile"
)

// LabelSize is the size of labels in pixels.
const LabelSize = 32

// Font is a parsed TrueType or OpenType (CFF) font, or one face of a
// collection (.ttc, .otc).
type Font struct {
	Source string // the file it came from, or "embedded Go Bold" / "embedded Go Regular"
	Index  int    // the face in a collection (fontconfig's index)
	f      *opentype.Font
	gt     *gtfont.Face // the same face for the shaper; nil: not shaped

	bitmaps     bool // the font has colour bitmap glyphs (CBDT, sbix)
	bitmapCache map[gtfont.GID]*colourGlyph
}

// ParseFont reads TrueType, OpenType/CFF or a font collection (the first font).
func ParseFont(data []byte, source string) (*Font, error) {
	return ParseFontIndex(data, source, 0)
}

// ParseFontIndex reads face index of a font file: a collection's
// index-th font, or a single font (index 0).
func ParseFontIndex(data []byte, source string, index int) (*Font, error) {
	if index < 0 {
		return nil, fmt.Errorf("render: font %s: face index %d", source, index)
	}
	f, err := opentype.Parse(data)
	if err == nil && index != 0 {
		err = fmt.Errorf("face index %d of a file that is not a collection", index)
	}
	if err != nil {
		c, cerr := opentype.ParseCollection(data)
		if cerr == nil {
			if index >= c.NumFonts() {
				return nil, fmt.Errorf("render: font %s: face index %d of a collection of %d", source, index, c.NumFonts())
			}
			f, err = c.Font(index)
		}
	}
	// The shaper's view of the same face. A colour bitmap font (Noto
	// Color Emoji) has no outlines x/image reads: the shaper's is enough.
	var gt *gtfont.Face
	if lds, gerr := ot.NewLoaders(bytes.NewReader(data)); gerr == nil && index < len(lds) {
		if ft, gerr := gtfont.NewFont(lds[index]); gerr == nil {
			gt = gtfont.NewFace(ft)
		}
	}
	if err != nil && gt == nil {
		return nil, fmt.Errorf("render: font %s: %w", source, err)
	}
	if err != nil {
		f = nil
	}
	out := &Font{Source: source, Index: index, f: f, gt: gt}
	if gt != nil {
		out.bitmaps = len(gt.BitmapSizes()) > 0
	}
	return out, nil
}

// has tells whether the font maps r to a glyph.
func (f *Font) has(r rune) bool {
	if f == nil {
		return false
	}
	if f.gt != nil {
		_, ok := f.gt.NominalGlyph(r)
		return ok
	}
	return false
}

// String names the face: the file, and the index in a collection.
func (f *Font) String() string {
	if f.Index != 0 {
		return fmt.Sprintf("%s:%d", f.Source, f.Index)
	}
	return f.Source
}

// EmbeddedFont is the fallback font: Go Bold or Go Regular (parsed once
// per process; each call is a view of its own).
func EmbeddedFont(bold bool) *Font {
	i := 0
	if bold {
		i = 1
	}
	e := &embedded[i]
	e.once.Do(func() {
		name := "embedded Go Regular"
		if bold {
			name = "embedded Go Bold"
		}
		f, err := ParseFont(assets.Font(bold), name)
		if err != nil { // the embedded fonts are known good
			f = &Font{Source: name}
		}
		e.font = f
	})
	return e.font.view()
}

var embedded [2]struct {
	once sync.Once
	font *Font
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

// LoadFont resolves a fontconfig pattern with fc-match and loads the file
// (the face fc-match names in a collection).
// When fc-match is missing or fails, or the file does not load, it returns
// the embedded font (bold when the pattern asks for it) and the error.
func LoadFont(template string) (*Font, error) {
	ref, err := fcMatch(template)
	if err == nil {
		var data []byte
		if data, err = safefile.ReadFile(ref.path, maxFontBytes); err == nil {
			var f *Font
			if f, err = ParseFontIndex(data, ref.path, ref.index); err == nil {
				return f, nil
			}
		} else {
			err = fmt.Errorf("render: font %q: %w", template, err)
		}
	}
	return EmbeddedFont(wantsBold(template)), err
}

// fontRef names a face: a file and its index in a collection.
type fontRef struct {
	path  string
	index int
}

func fcMatch(template string) (fontRef, error) {
	bin, err := exec.LookPath("fc-match")
	if err != nil {
		return fontRef{}, fmt.Errorf("render: font %q: %w", template, err)
	}
	return runFCMatch(bin, template, fcMatchTimeout)
}

// runFCMatch asks fc-match (bin) for the file of a pattern and the face's
// index in it. The pattern comes after "--", so one starting with "-" is a
// pattern, not an option. The run is bounded in time and in what is read
// of its output; the answer must be an absolute path (after "index:").
func runFCMatch(bin, template string, timeout time.Duration) (fontRef, error) {
	out, err := runFC(bin, []string{"--format=%{index}:%{file}", "--", template}, timeout, maxFCOutput)
	if err != nil {
		return fontRef{}, fmt.Errorf("render: fc-match %q: %w", template, err)
	}
	ref, err := parseFCAnswer(strings.TrimSpace(out))
	if err != nil {
		return fontRef{}, fmt.Errorf("render: fc-match %q: %w", template, err)
	}
	return ref, nil
}

// parseFCAnswer reads "index:path" (or a bare path: index 0).
func parseFCAnswer(s string) (fontRef, error) {
	if s == "" {
		return fontRef{}, errors.New("no font")
	}
	ref := fontRef{path: s}
	if i := strings.IndexByte(s, ':'); i > 0 {
		if n, err := strconv.Atoi(s[:i]); err == nil && n >= 0 && n < 1<<16 {
			ref = fontRef{path: s[i+1:], index: n}
		}
	}
	if !filepath.IsAbs(ref.path) || strings.ContainsAny(ref.path, "\x00\n") {
		return fontRef{}, fmt.Errorf("answer %q is not a file path", s)
	}
	return ref, nil
}

// runFC runs a fontconfig tool bounded in time (timeout) and in what is
// read of its answer (max bytes).
func runFC(bin string, args []string, timeout time.Duration, max int) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out := &capWriter{max: max, fail: true}
	errOut := &capWriter{max: 1 << 10}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = out, errOut
	// A child that keeps the pipes open after the tool is killed must
	// not hold the build either.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return "", fmt.Errorf("no answer within %v: %w", timeout, ctx.Err())
	}
	if out.over {
		return "", fmt.Errorf("answer over %s", safefile.Size(int64(max)))
	}
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(string(errOut.buf)))
	}
	return string(out.buf), nil
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
// safe for concurrent use (one build at a time). Each Load returns a view
// of its own (see Font.view), so the renderer a build makes and the one
// the loop still draws with share the parsed font but not its caches.
type FontCache struct {
	// Match resolves a pattern to a file, face 0 (nil: fc-match, with the
	// face it names).
	Match func(template string) (string, error)

	template string
	ref      fontRef
	size     int64
	mod      time.Time
	font     *Font
}

// Load is LoadFont with the cache: fc-match still runs every time, and the
// file is read again when the match or the file changed.
func (c *FontCache) Load(template string) (*Font, error) {
	var ref fontRef
	var err error
	if c.Match != nil {
		ref.path, err = c.Match(template)
	} else {
		ref, err = fcMatch(template)
	}
	if err != nil {
		return EmbeddedFont(wantsBold(template)), err
	}
	path := ref.path
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
	if c.font != nil && c.template == template && c.ref == ref && c.size == size && c.mod.Equal(mod) {
		return c.font.view(), nil
	}
	c.font = nil // let the old one go before reading the new one
	data, err := io.ReadAll(io.LimitReader(file, maxFontBytes+1))
	if err == nil && len(data) > maxFontBytes {
		err = fmt.Errorf("%s: grew while read, over the %s cap: %w", path, safefile.Size(maxFontBytes), safefile.ErrTooLarge)
	}
	if err == nil {
		var f *Font
		if f, err = ParseFontIndex(data, path, ref.index); err == nil {
			c.template, c.ref, c.size, c.mod, c.font = template, ref, size, mod, f
			return f.view(), nil
		}
	}
	return EmbeddedFont(wantsBold(template)), err
}
