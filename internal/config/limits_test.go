package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2/unstable"
)

// lines joins n lines made by f, each ending in a newline.
func lines(n int, f func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(f(i))
		b.WriteByte('\n')
	}
	return b.String()
}

func buttons(n int) string {
	return strings.TrimSuffix(strings.Repeat(`{ Text = "a" }, `, n), ", ")
}

// TestLimits: each limit holds at its value and is an error at the first
// excess (file:line:col), before any expensive step.
func TestLimits(t *testing.T) {
	t.Parallel()
	key := func(n int) string { return strings.TrimSuffix(strings.Repeat("a.", n), ".") }
	for _, tc := range []struct {
		name      string
		ok, over  string
		line, col int // of the error in over
	}{
		{"keys", lines(maxEntries, func(i int) string { return fmt.Sprintf("k%d = 1", i) }),
			lines(maxEntries+1, func(i int) string { return fmt.Sprintf("k%d = 1", i) }), maxEntries + 1, 1},
		{"tables", lines(maxEntries, func(i int) string { return "[[t]]" }),
			lines(maxEntries+1, func(i int) string { return "[[t]]" }), maxEntries + 1, 1},
		{"inline-keys", "x = [ " + strings.Repeat("{ a = 1, b = 2 }, ", maxEntries/2-1) + "{ a = 1 } ]\n",
			"x = [ " + strings.Repeat("{ a = 1, b = 2 }, ", maxEntries/2-1) + "{ a = 1, b = 2 } ]\n", 1, 6 + 18*(maxEntries/2-1) + 10},
		{"elements", "x = [" + strings.Repeat("1,", maxElements-1) + "1]\n",
			"x = [" + strings.Repeat("1,", maxElements) + "1]\n", 1, 6 + 2*maxElements},
		{"key-parts", key(maxKeyParts) + " = 1\n", key(maxKeyParts+1) + " = 1\n", 1, 2*maxKeyParts + 1},
		{"table-parts", "[" + key(maxKeyParts) + "]\n", "[" + key(maxKeyParts+1) + "]\n", 1, 2*maxKeyParts + 2},
		{"nesting", "x = " + strings.Repeat("[", maxNesting) + strings.Repeat("]", maxNesting) + "\n",
			"x = " + strings.Repeat("[", maxNesting+1) + strings.Repeat("]", maxNesting+1) + "\n", 1, 5 + maxNesting},
		{"nesting-inline", "x = " + strings.Repeat("{ a = ", maxNesting) + "1" + strings.Repeat(" }", maxNesting) + "\n",
			"x = " + strings.Repeat("{ a = ", maxNesting+1) + "1" + strings.Repeat(" }", maxNesting+1) + "\n", 1, 5 + 6*maxNesting},
		{"buttons", "PrimaryLayerKeys = [ " + buttons(maxButtons) + " ]\n",
			"PrimaryLayerKeys = [ " + buttons(maxButtons+1) + " ]\n", 1, 22 + 16*maxButtons},
		{"button-tables", strings.Repeat("[[MediaLayerKeys]]\nText = \"a\"\n", maxButtons),
			strings.Repeat("[[MediaLayerKeys]]\nText = \"a\"\n", maxButtons+1), 2*maxButtons + 1, 3},
		{"action", `PrimaryLayerKeys = [ { Action = [` + strings.Repeat(`"A", `, maxActionKeys) + `] } ]` + "\n",
			`PrimaryLayerKeys = [ { Action = [` + strings.Repeat(`"A", `, maxActionKeys+1) + `] } ]` + "\n", 1, 34 + 5*maxActionKeys},
		{"text", `PrimaryLayerKeys = [ { Text = "` + strings.Repeat("x", maxTextLen) + `" } ]` + "\n",
			`PrimaryLayerKeys = [ { Text = "` + strings.Repeat("x", maxTextLen+1) + `" } ]` + "\n", 1, 32 + maxTextLen},
		{"time", `PrimaryLayerKeys = [ { Time = "` + strings.Repeat("%S", maxTimeLen/2) + `" } ]` + "\n",
			`PrimaryLayerKeys = [ { Time = "` + strings.Repeat("%S", maxTimeLen/2+1) + `" } ]` + "\n", 1, 32 + maxTimeLen},
		{"icon", `PrimaryLayerKeys = [ { Icon = "` + strings.Repeat("i", maxNameLen) + `" } ]` + "\n",
			`PrimaryLayerKeys = [ { Icon = "` + strings.Repeat("i", maxNameLen+1) + `" } ]` + "\n", 1, 32 + maxNameLen},
		{"svg", `PrimaryLayerKeys = [ { Svg = "` + strings.Repeat("i", maxNameLen) + `" } ]` + "\n",
			`PrimaryLayerKeys = [ { Svg = "` + strings.Repeat("i", maxNameLen+1) + `" } ]` + "\n", 1, 31 + maxNameLen},
		{"theme", `PrimaryLayerKeys = [ { Icon = "x", Theme = "` + strings.Repeat("t", maxNameLen) + `" } ]` + "\n",
			`PrimaryLayerKeys = [ { Icon = "x", Theme = "` + strings.Repeat("t", maxNameLen+1) + `" } ]` + "\n", 1, 45 + maxNameLen},
		{"locale", `PrimaryLayerKeys = [ { Time = "%a", Locale = "de_DE.` + strings.Repeat("x", maxLocaleLen-6) + `" } ]` + "\n",
			`PrimaryLayerKeys = [ { Time = "%a", Locale = "de_DE.` + strings.Repeat("x", maxLocaleLen-5) + `" } ]` + "\n", 1, 47 + maxLocaleLen},
		{"font", `FontTemplate = "` + strings.Repeat("f", maxFontPattern) + `"` + "\n",
			`FontTemplate = "` + strings.Repeat("f", maxFontPattern+1) + `"` + "\n", 1, 17 + maxFontPattern},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diags := Check("t.toml", []byte(tc.ok)); HasErrors(diags) {
				t.Errorf("at the limit: %v", diags[0])
			}
			diags := Check("t.toml", []byte(tc.over))
			want := []want{E(KindLimit, tc.line, tc.col)}
			if got := wantsOf(diags); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("over the limit: %v, want %v (%v)", got, want, diags)
			}
			if !strings.Contains(diags[0].Msg, "tiny-dfr's limit") {
				t.Errorf("message %q does not say it is a limit", diags[0].Msg)
			}
		})
	}
}

// TestPathologicalInputsRefused: the inputs that froze the old parser
// (see BenchmarkParsePathological) are each refused with one positioned
// limit error.
func TestPathologicalInputsRefused(t *testing.T) {
	t.Parallel()
	for name, data := range pathological() {
		diags := Check("p.toml", data)
		if len(diags) != 1 || diags[0].Kind != KindLimit || !insideFile(data, diags[0].Pos) {
			t.Errorf("%s: %v, want one limit error inside the file", name, diags)
		}
	}
}

// TestLongNamesShortMessages: names too long to be a typo of a known one
// get no suggestion (no comparison with every name) and are cut in
// messages.
func TestLongNamesShortMessages(t *testing.T) {
	t.Parallel()
	for name, data := range longNames() {
		diags := Check("p.toml", data)
		if len(diags) == 0 {
			t.Errorf("%s: no diagnostic", name)
		}
		for _, d := range diags {
			if len(d.Msg) > 200 || strings.Contains(d.Msg, "did you mean") || !strings.Contains(d.Msg, `QQQ"…`) {
				t.Errorf("%s: message of %d bytes: %.200s", name, len(d.Msg), d.Msg)
				break
			}
		}
	}
	if s := SuggestKey(strings.Repeat("F", 100) + "1"); s != "" {
		t.Errorf("SuggestKey(FFF…1) = %q", s)
	}
	if s := SuggestKey("F" + strings.Repeat("_", 100) + "1"); s != "F1" {
		t.Errorf("SuggestKey(F___…1) = %q, want F1 as before", s)
	}
}

// TestLimitScanIgnoresQuotedAndComments: what looks like keys, dots or
// brackets inside strings and comments counts for nothing.
func TestLimitScanIgnoresQuotedAndComments(t *testing.T) {
	t.Parallel()
	many := strings.Repeat("a.", 2*maxKeyParts)
	deep := strings.Repeat("[{", maxNesting)
	src := `"` + many + `" = 1` + "\n" +
		"'b." + many + "'.b = 1\n" +
		"s = \"\"\"\n" + lines(maxEntries+1, func(i int) string { return fmt.Sprintf("k%d = [1, 2]", i) }) + "\"\"\"\n" +
		"# " + many + " = " + deep + "\n" +
		"x = [ # " + deep + "\n  '" + deep + "', \"" + deep + "\\\"\" ]\n" +
		"d = 1979-05-27 07:32:00 # a date with a space\n" +
		"[\"t." + many + "\"] # " + many + "\n"
	if diags := Check("t.toml", []byte(src)); HasErrors(diags) { // unknown keys: warnings
		t.Errorf("%v", diags)
	}
	checkScanCounts(t, []byte(src))
}

// astCounts counts what scanLimits counts, from go-toml's own parse.
func astCounts(data []byte) (entries, elements, parts int, ok bool) {
	var walk func(n *unstable.Node)
	keyParts := func(it unstable.Iterator) {
		k := 0
		for it.Next() {
			k++
		}
		parts = max(parts, k)
	}
	walk = func(n *unstable.Node) {
		switch n.Kind {
		case unstable.KeyValue:
			entries++
			keyParts(n.Key())
			walk(n.Value())
		case unstable.Table, unstable.ArrayTable:
			entries++
			keyParts(n.Key())
		case unstable.Array, unstable.InlineTable:
			it := n.Children()
			for it.Next() {
				c := it.Node()
				if n.Kind == unstable.Array && c.Kind != unstable.Comment {
					elements++
				}
				walk(c)
			}
		}
	}
	p := unstable.Parser{}
	p.Reset(data)
	for p.NextExpression() {
		walk(p.Expression())
	}
	return entries, elements, parts, p.Error() == nil
}

// checkScanCounts fails if scanLimits counts differently from go-toml on a
// file go-toml parses, so that the limits never refuse a file within them.
func checkScanCounts(t *testing.T, data []byte) {
	t.Helper()
	entries, elements, _, ok := astCounts(data)
	if !ok {
		return
	}
	s := limitScanner{data: data}
	s.document()
	if s.fail == nil && (s.entries != entries || s.elements != elements) {
		t.Errorf("scan counts %d entries, %d elements; go-toml %d, %d in %q", s.entries, s.elements, entries, elements, data)
	}
}

func TestLimitScanCountsAsTOML(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"a = 1\nb.c = [1, [2, 3], { d = 4, e.f = [5] }]\n[t]\nx = \"]\"\n[[u.v]]\n'y' = '''\n[z]\n'''\n",
		"x = [\n  1, # c [ ]\n  2,\n]\ny = { a = 1, b = { c = [] } }\n",
		"d = 1979-05-27T07:32:00Z\nf = [1.5, -inf, nan, 0x1F, true]\n",
	} {
		checkScanCounts(t, []byte(src))
	}
}
