package render

import (
	"fmt"
	"math"
	"sort"
	"time"
	"unicode/utf8"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// Labels that fit. A label (or a clock's widest output) whose ink is wider
// than its button less fitPad on each side gets a warning at the button's
// position (check and render show it with file:line:col). With FitText =
// "shrink" ([Style] or the button) it is drawn smaller instead, down to
// fitFloor of the label size; past the floor it is drawn at the floor,
// cut with an ellipsis. A label that fits is drawn as always.

// fitPad is the room kept free at each end of a button.
const fitPad = 2

// fitFloor is the smallest a shrunk label gets, as a fraction of the
// label size.
const fitFloor = 0.6

// fitMode is b's FitText: its own, else [Style]'s, else clip.
func (r *Renderer) fitMode(lb *layouts.Button) string {
	if lb.Pos.Line == 0 {
		// A button of tiny-dfr's own (the escape key it adds): the user
		// did not write it and cannot fix it; it is shrunk, unsaid.
		return builtinShrink
	}
	if lb.FitText != "" {
		return lb.FitText
	}
	if r.lay.Style.FitText != "" {
		return r.lay.Style.FitText
	}
	return config.FitClip
}

// builtinShrink is fitMode for built-in buttons: shrink, no warning.
const builtinShrink = "shrink-builtin"

// room is the ink width a label may take in b.
func room(b *button) int { return max(0, int(math.Floor(b.width))-2*fitPad) }

// labelLayer shapes a label, checks that it fits and shrinks it if asked.
func (r *Renderer) labelLayer(b *button, lb *layouts.Button, label string) (layer, []config.Diagnostic) {
	if r.text.primary == nil || r.text.primary.gt == nil {
		return r.textLayer(b, label, 0, 0), nil
	}
	st := r.text.shape(label, r.size)
	avail := room(b)
	if st.ink.Dx() <= avail {
		return r.shapedLayer(b, &st, 0, 0), nil
	}
	wide := st.ink.Dx()
	mode := r.fitMode(lb)
	if mode == config.FitClip {
		return r.shapedLayer(b, &st, 0, 0), []config.Diagnostic{r.fitWarning(lb, fmt.Sprintf("label %q", short(label)), wide, avail, "clipped; FitText = \"shrink\" shrinks it")}
	}
	size, ok := r.shrink(label, avail)
	if ok {
		st = r.text.shape(label, size)
		return r.shapedLayer(b, &st, 0, 0), nil
	}
	var said []config.Diagnostic
	// Past the floor: the longest head of the label that fits with "…".
	floor := r.size * fitFloor
	// Binary search over the rune boundaries (a head is about as wide
	// as its runes).
	cuts := []int{0}
	for i := range label {
		if i > 0 {
			cuts = append(cuts, i)
		}
	}
	n := sort.Search(len(cuts), func(k int) bool { return r.text.shape(label[:cuts[k]]+"…", floor).ink.Dx() > avail })
	cut := label[:cuts[max(n-1, 0)]]
	st = r.text.shape(cut+"…", floor)
	if mode == config.FitShrink {
		said = []config.Diagnostic{r.fitWarning(lb, fmt.Sprintf("label %q", short(label)), wide, avail,
			fmt.Sprintf("shrunk to the floor (%.0f px) and cut to %q", floor, short(cut+"…")))}
	}
	return r.shapedLayer(b, &st, 0, 0), said
}

// shrink finds the largest size (in whole pixels, at least the floor)
// at which s fits in avail pixels.
func (r *Renderer) shrink(s string, avail int) (float64, bool) {
	floor := r.size * fitFloor
	for size := math.Floor(r.size) - 1; size >= floor; size-- {
		if st := r.text.shape(s, size); st.ink.Dx() <= avail {
			return size, true
		}
	}
	return floor, false
}

// short is s cut to 40 runes for a message.
func short(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	n := 0
	for i := range s {
		if n == 39 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func (r *Renderer) fitWarning(lb *layouts.Button, what string, wide, avail int, then string) config.Diagnostic {
	return config.Diagnostic{Pos: lb.Pos, Severity: config.Warning, Kind: config.KindFit,
		Msg: fmt.Sprintf("%s is %d px wide, its button has room for %d px at bar length %d: %s", what, wide, avail, r.lay.Length, then)}
}

// clockSamples are times that bring out every month and weekday name and
// both halves of the day, and two-digit fields at their widest.
func clockSamples(yield func(time.Time) bool) {
	for m := time.January; m <= time.December; m++ {
		for d := 1; d <= 7; d++ {
			for _, h := range []int{8, 20} {
				if !yield(time.Date(2028, m, d+21, h, 48, 58, 0, time.UTC)) {
					return
				}
			}
		}
	}
}

// prepareClock resolves the fallback fonts of every rune the clock can
// show (so a tick never runs fc-match), finds its widest output, and warns
// or shrinks when that does not fit.
func (r *Renderer) prepareClock(b *button, lb *layouts.Button) []config.Diagnostic {
	if r.text.primary == nil || r.text.primary.gt == nil {
		return nil
	}
	var buf []byte
	wide, widest := -1, ""
	seen := map[string]bool{}
	for t := range clockSamples {
		buf = b.clk.Append(buf[:0], t, b.loc)
		if seen[string(buf)] {
			continue
		}
		seen[string(buf)] = true
		if st := r.text.shape(string(buf), r.size); st.ink.Dx() > wide {
			wide, widest = st.ink.Dx(), string(buf)
		}
	}
	avail := room(b)
	if wide <= avail {
		return nil
	}
	what := fmt.Sprintf("clock output %q", short(widest))
	mode := r.fitMode(lb)
	if mode == config.FitClip {
		return []config.Diagnostic{r.fitWarning(lb, what, wide, avail, "clipped; FitText = \"shrink\" shrinks it")}
	}
	size, ok := r.shrink(widest, avail)
	b.size = size
	if !ok && mode == config.FitShrink {
		return []config.Diagnostic{r.fitWarning(lb, what, wide, avail, fmt.Sprintf("shrunk to the floor (%.0f px) and clipped", size))}
	}
	return nil
}
