package render

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	gtfont "github.com/go-text/typesetting/font"
)

// Glyph fallback: a rune the FontTemplate font lacks is drawn from the font
// fontconfig picks for the pattern with that rune's charset added
// ("<FontTemplate>:charset=4e2d"), as fc-match would answer, so a CJK
// label with the default pattern draws the same as with that CJK font
// named. When fc-match answers a font without the rune (fontconfig returns
// its best match even so), or is missing, the embedded fonts are tried
// last. Answers are cached per layout (one Renderer): fc-match runs at
// most once per rune. Faces are shared by the layouts of the process
// (facecache.go): a reload parses none that it had.

// maxFallbackQueries bounds the fc-match runs of one layout build; runes
// past it use the fonts already found.
const maxFallbackQueries = 256

// maxFallbackFonts bounds the fallback faces loaded for one layout.
const maxFallbackFonts = 16

// fallbacks finds and keeps the fallback fonts of one layout.
type fallbacks struct {
	template string
	// match resolves a pattern to a face (nil: fc-match).
	match  func(pattern string) (fontRef, error)
	byRune map[rune]*Font // nil value: nothing has the rune
	emoji  map[rune]*Font // colour emoji; nil value: none
	// list lists the faces that have a rune (nil: fc-list), sorted lists
	// the faces for a pattern in fontconfig's order (nil: fc-match --sort).
	list, sorted func(pattern string) ([]fontRef, error)
	byRef        map[fontRef]*Font
	byFace       map[*gtfont.Face]*Font
	order        []*Font // fonts found, in the order found
	queries      int
	errs         []string // problems, said once each
	embed        [2]*Font // embedded Go Regular, Go Bold (loaded when needed)
	bold         bool
}

func newFallbacks(template string, match func(string) (fontRef, error)) *fallbacks {
	if match == nil {
		if _, err := exec.LookPath("fc-match"); err == nil {
			match = fcMatch
		}
	}
	fb := &fallbacks{template: template, match: match, bold: wantsBold(template), emoji: map[rune]*Font{},
		byRune: map[rune]*Font{}, byRef: map[fontRef]*Font{}, byFace: map[*gtfont.Face]*Font{}}
	if bin, err := exec.LookPath("fc-list"); err == nil {
		fb.list = func(p string) ([]fontRef, error) {
			return runFCList(bin, []string{"--format=%{index}:%{file}\n", "--", p})
		}
	}
	if bin, err := exec.LookPath("fc-match"); err == nil {
		fb.sorted = func(p string) ([]fontRef, error) {
			return runFCList(bin, []string{"--sort", "--format=%{index}:%{file}\n", "--", p})
		}
	}
	return fb
}

// runFCList runs fc-list or fc-match --sort: one face a line.
func runFCList(bin string, args []string) ([]fontRef, error) {
	out, err := runFC(bin, args, fcMatchTimeout, maxFCListOutput)
	if err != nil {
		return nil, fmt.Errorf("render: %s: %w", filepath.Base(bin), err)
	}
	var refs []fontRef
	for _, line := range strings.Split(out, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		ref, err := parseFCAnswer(line)
		if err != nil {
			return nil, fmt.Errorf("render: %s: %w", filepath.Base(bin), err)
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

// maxFCListOutput bounds what is read of fc-list's and fc-match --sort's
// answers (a few hundred faces).
const maxFCListOutput = 256 << 10

// colourEmoji is the colour emoji font fontconfig gives for r, when the
// renderer can draw it (PNG bitmaps), else nil.
func (fb *fallbacks) colourEmoji(r rune) *Font {
	if f, ok := fb.emoji[r]; ok {
		return f
	}
	var found *Font
	if fb.match != nil && fb.queries < maxFallbackQueries {
		fb.queries++
		if ref, err := fb.match(fb.template + fmt.Sprintf(":charset=%x:color=true", r)); err == nil {
			if f := fb.load(ref); f != nil && f.bitmaps && f.has(r) {
				if gid, _ := f.gt.NominalGlyph(r); f.colour(gid) {
					found = f
				}
			}
		}
	}
	fb.emoji[r] = found
	return found
}

// lookup is the fallback font for r, or nil.
func (fb *fallbacks) lookup(r rune) *Font {
	if f, ok := fb.byRune[r]; ok {
		return f
	}
	f := fb.find(r)
	fb.byRune[r] = f
	return f
}

func (fb *fallbacks) find(r rune) *Font {
	if fb.match != nil && fb.queries < maxFallbackQueries {
		fb.queries++
		pattern := fb.template + fmt.Sprintf(":charset=%x", r)
		ref, err := fb.match(pattern)
		if err == nil {
			if f := fb.load(ref); f != nil && f.has(r) {
				return f
			}
			// fontconfig answers its best match even without the rune
			// (other properties can outweigh the charset): the first face
			// of its sorted list that has the rune.
			if f := fb.sortedWith(pattern, r); f != nil {
				return f
			}
		} else {
			fb.note(err.Error())
		}
	}
	for _, f := range fb.order {
		if f.has(r) {
			return f
		}
	}
	for i, bold := range [2]bool{fb.bold, !fb.bold} {
		if fb.embed[i] == nil {
			fb.embed[i] = EmbeddedFont(bold)
			fb.add(fb.embed[i])
		}
		if fb.embed[i].has(r) {
			return fb.embed[i]
		}
	}
	return nil
}

// sortedWith is the first face in fontconfig's order for pattern among
// those fc-list says have r, loaded, if it has r.
func (fb *fallbacks) sortedWith(pattern string, r rune) *Font {
	if fb.list == nil || fb.sorted == nil || fb.queries >= maxFallbackQueries {
		return nil
	}
	fb.queries += 2
	have, err := fb.list(fmt.Sprintf(":charset=%x", r))
	if err != nil || len(have) == 0 {
		return nil
	}
	set := map[fontRef]bool{}
	for _, h := range have {
		set[h] = true
	}
	order, err := fb.sorted(pattern)
	if err != nil {
		return nil
	}
	for _, ref := range order {
		if set[ref] {
			if f := fb.load(ref); f != nil && f.has(r) {
				return f
			}
			return nil
		}
	}
	return nil
}

// load is a view of a shared face, or nil.
func (fb *fallbacks) load(ref fontRef) *Font {
	if f, ok := fb.byRef[ref]; ok {
		return f
	}
	var f *Font
	if len(fb.byRef) < maxFallbackFonts {
		var err error
		if f, err = sharedFaces.load(ref); err != nil {
			fb.note(err.Error())
			f = nil
		}
	}
	fb.byRef[ref] = f
	if f != nil {
		fb.add(f)
	}
	return f
}

func (fb *fallbacks) add(f *Font) {
	if f.gt != nil {
		fb.byFace[f.gt] = f
	}
	fb.order = append(fb.order, f)
}

func (fb *fallbacks) note(msg string) {
	for _, m := range fb.errs {
		if m == msg {
			return
		}
	}
	if len(fb.errs) < 8 {
		fb.errs = append(fb.errs, msg)
	}
}

// fontsUsed names the fallback faces in use, for messages.
func (fb *fallbacks) fontsUsed() string {
	var names []string
	for _, f := range fb.order {
		names = append(names, f.String())
	}
	return strings.Join(names, ", ")
}
