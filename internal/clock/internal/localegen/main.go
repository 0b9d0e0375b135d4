// Command localegen turns the LC_TIME sections of glibc's locale sources
// (Debian's locales package: /usr/share/i18n/locales/*, the names in
// /usr/share/i18n/SUPPORTED) into locales_table.go of package clock: one
// deduplicated string table, the name lists of every locale and its %x %X
// %c %r formats translated to the chrono dialect. Run through go generate.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

var verbose bool

func main() {
	dir := flag.String("dir", "/usr/share/i18n/locales", "glibc locale sources")
	supported := flag.String("supported", "/usr/share/i18n/SUPPORTED", "the locales to include (SUPPORTED file)")
	out := flag.String("out", "locales_table.go", "output file")
	flag.BoolVar(&verbose, "v", false, "list the languages whose default is the first of their locales")
	flag.Parse()
	src, err := Generate(*dir, *supported)
	if err != nil {
		fmt.Fprintln(os.Stderr, "localegen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "localegen:", err)
		os.Exit(1)
	}
}

// lcTime is the part of a locale's LC_TIME the clock uses.
type lcTime struct {
	abday, day                    []string // 7, Sunday first
	abmon, mon, abAltMon, altMon  []string // 12 (alt: nil when absent)
	amPm                          []string // 2
	dFmt, tFmt, dtFmt, tFmtAmPm   string
	haveD, haveT, haveDT, haveAmp bool
}

// source is one parsed locale file's LC_TIME: its own keywords and the
// locale its category copies, if any.
type source struct {
	copyFrom string
	values   map[string][]string
}

type loader struct {
	dir   string
	cache map[string]*lcTime
	busy  map[string]bool
}

// Generate reads the sources and returns the Go file.
func Generate(dir, supported string) ([]byte, error) {
	names, err := readSupported(supported)
	if err != nil {
		return nil, err
	}
	ld := &loader{dir: dir, cache: map[string]*lcTime{}, busy: map[string]bool{}}
	locs := map[string]*lcTime{}
	for _, n := range names {
		lt, err := ld.load(n)
		if err != nil {
			return nil, err
		}
		locs[n] = lt
	}
	return emit(names, locs)
}

// readSupported returns the locale names of a SUPPORTED file (codeset
// dropped, modifiers kept, C left out), sorted and unique.
func readSupported(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	for ln, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		base, mod, hasMod := strings.Cut(f[0], "@")
		base, _, _ = strings.Cut(base, ".")
		if base == "" {
			return nil, fmt.Errorf("%s:%d: bad locale name %q", path, ln+1, f[0])
		}
		n := base
		if hasMod {
			n += "@" + mod
		}
		if n == "C" || n == "POSIX" || seen[n] {
			continue
		}
		seen[n] = true
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func (ld *loader) load(name string) (*lcTime, error) {
	if lt := ld.cache[name]; lt != nil {
		return lt, nil
	}
	if ld.busy[name] {
		return nil, fmt.Errorf("%s: copy cycle", name)
	}
	ld.busy[name] = true
	defer delete(ld.busy, name)
	path := filepath.Join(ld.dir, name)
	src, err := parseFile(path)
	if err != nil {
		return nil, err
	}
	lt := &lcTime{}
	if src.copyFrom != "" {
		base, err := ld.load(src.copyFrom)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		c := *base
		lt = &c
	}
	if err := lt.set(src.values); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(lt.abday) != 7 || len(lt.day) != 7 || len(lt.abmon) != 12 || len(lt.mon) != 12 || len(lt.amPm) != 2 ||
		!lt.haveD || !lt.haveT || !lt.haveDT {
		return nil, fmt.Errorf("%s: LC_TIME lacks abday, day, abmon, mon, am_pm, d_fmt, t_fmt or d_t_fmt", path)
	}
	ld.cache[name] = lt
	return lt, nil
}

func (lt *lcTime) set(v map[string][]string) error {
	list := func(key string, n int, dst *[]string) error {
		s, ok := v[key]
		if !ok {
			return nil
		}
		if len(s) != n {
			return fmt.Errorf("%s has %d strings, want %d", key, len(s), n)
		}
		*dst = s
		return nil
	}
	one := func(key string, dst *string, have *bool) error {
		s, ok := v[key]
		if !ok {
			return nil
		}
		if len(s) != 1 {
			return fmt.Errorf("%s has %d strings, want 1", key, len(s))
		}
		f, err := dialect(s[0])
		if err != nil {
			return fmt.Errorf("%s %q: %w", key, s[0], err)
		}
		*dst, *have = f, true
		return nil
	}
	for _, e := range []error{
		list("abday", 7, &lt.abday), list("day", 7, &lt.day),
		list("abmon", 12, &lt.abmon), list("mon", 12, &lt.mon),
		list("ab_alt_mon", 12, &lt.abAltMon), list("alt_mon", 12, &lt.altMon),
		list("am_pm", 2, &lt.amPm),
		one("d_fmt", &lt.dFmt, &lt.haveD), one("t_fmt", &lt.tFmt, &lt.haveT),
		one("d_t_fmt", &lt.dtFmt, &lt.haveDT), one("t_fmt_ampm", &lt.tFmtAmPm, &lt.haveAmp),
	} {
		if e != nil {
			return e
		}
	}
	return nil
}

// dialect translates a glibc strftime format into the chrono dialect of
// package clock: %E is dropped (no eras: Gregorian years), %O is kept only
// on month names (%OB %Ob: the nominative forms) and dropped elsewhere
// (Western digits), glibc's case flags ^ and # are dropped.
func dialect(f string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		flags := ""
		for i < len(f) && strings.IndexByte("-_0^#", f[i]) >= 0 {
			if f[i] != '^' && f[i] != '#' {
				flags += string(f[i])
			}
			i++
		}
		mod := byte(0)
		if i < len(f) && (f[i] == 'E' || f[i] == 'O') {
			mod = f[i]
			i++
		}
		if i >= len(f) {
			return "", fmt.Errorf("format ends in a lone %%")
		}
		c = f[i]
		if !strings.ContainsRune("aAbBcCdDeFgGhHIjklmMnprRsStTuUVwWxXyYzZ%P", rune(c)) {
			return "", fmt.Errorf("unknown specifier %%%c", c)
		}
		b.WriteString("%" + flags)
		if mod == 'O' && (c == 'B' || c == 'b' || c == 'h') {
			b.WriteByte('O')
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// parseFile reads one locale source's LC_TIME section.
func parseFile(path string) (*source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	comment, escape := byte('#'), byte('\\')
	var logical []string // lines with continuations joined
	var lineNo []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	pending, start, n, inStr := "", 0, 0, false
	for sc.Scan() {
		n++
		line := sc.Text()
		t := strings.TrimSpace(line)
		if pending == "" {
			if f := strings.Fields(t); len(f) == 2 && (f[0] == "comment_char" || f[0] == "escape_char") && len(f[1]) == 1 {
				if f[0] == "comment_char" {
					comment = f[1][0]
				} else {
					escape = f[1][0]
				}
				continue
			}
			start = n
		}
		if pending == "" && t != "" && t[0] == comment {
			continue // a continued line is never a comment (az_IR date_fmt)
		}
		joined, str, cont := physical(pending, line, inStr, escape, comment)
		if cont {
			pending, inStr = joined, str
			if pending == "" {
				pending = " " // a line of only a continuation: still inside a keyword
			}
			continue
		}
		inStr = false
		logical = append(logical, joined)
		lineNo = append(lineNo, start)
		pending = ""
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	src := &source{values: map[string][]string{}}
	in, found := false, false
	for i, line := range logical {
		t := strings.TrimSpace(line)
		switch {
		case t == "LC_TIME":
			in, found = true, true
			continue
		case strings.HasPrefix(t, "END LC_TIME"):
			in = false
			continue
		case !in || t == "":
			continue
		}
		key, rest, _ := strings.Cut(t, " ")
		if k, r, ok := strings.Cut(t, "\t"); ok && len(k) < len(key) {
			key, rest = k, r
		}
		vals, err := values(strings.TrimSpace(rest), comment, escape)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", path, lineNo[i], key, err)
		}
		if key == "copy" {
			if len(vals) != 1 {
				return nil, fmt.Errorf("%s:%d: copy wants one name", path, lineNo[i])
			}
			src.copyFrom = vals[0]
			continue
		}
		src.values[key] = vals
	}
	if !found {
		return nil, fmt.Errorf("%s: no LC_TIME", path)
	}
	return src, nil
}

// continued reports whether line ends in the escape character (outside a
// string and a comment) and returns it without that character.
// physical adds one physical line to the logical line being read, which is
// inside a string if inStr: a comment (comment character outside a string)
// ends at the end of the physical line, and an escape character ending the
// line continues it, even after a comment (uk_UA's abday).
func physical(pending, line string, inStr bool, escape, comment byte) (string, bool, bool) {
	line = strings.TrimRight(line, " \t\r")
	cont := false
	if n := len(line); n > 0 && line[n-1] == escape {
		run := 0
		for i := n - 1; i >= 0 && line[i] == escape; i-- {
			run++
		}
		if run%2 == 1 {
			cont, line = true, line[:n-1]
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == escape:
			i++
		case c == '"':
			inStr = !inStr
		case c == comment && !inStr:
			line = line[:i]
		}
	}
	return pending + line, inStr, cont
}

// values splits a keyword's operands: strings and bare words separated by
// ';', <Uxxxx> escapes decoded, escape_char quoting the next character.
func values(s string, comment, escape byte) ([]string, error) {
	var out []string
	var cur strings.Builder
	inStr, any := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == escape:
			if i+1 >= len(s) {
				return nil, fmt.Errorf("escape at the end")
			}
			i++
			cur.WriteByte(s[i])
			any = true
		case c == '"':
			inStr = !inStr
			any = true
		case c == '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return nil, fmt.Errorf("unclosed <")
			}
			sym := s[i+1 : i+j]
			if len(sym) < 2 || sym[0] != 'U' {
				return nil, fmt.Errorf("symbol <%s> is not <Uxxxx>", sym)
			}
			r, err := strconv.ParseUint(sym[1:], 16, 32)
			if err != nil || !utf8.ValidRune(rune(r)) {
				return nil, fmt.Errorf("bad symbol <%s>", sym)
			}
			cur.WriteRune(rune(r))
			any = true
			i += j
		case !inStr && c == ';':
			out = append(out, cur.String())
			cur.Reset()
			any = false
		case !inStr && c == comment:
			i = len(s)
		case !inStr && (c == ' ' || c == '\t'):
		default:
			cur.WriteByte(c)
			any = true
		}
	}
	if inStr {
		return nil, fmt.Errorf("unterminated string")
	}
	if any || len(out) > 0 {
		out = append(out, cur.String())
	}
	return out, nil
}

// Fields of a record in the generated table.
const (
	fAbDay = iota // list ids: start in localeLists
	fDay
	fAbMon
	fMon
	fAbAltMon
	fAltMon
	fAM // string ids
	fPM
	fDFmt
	fTFmt
	fDTFmt
	fTFmtAmPm
	nFields
)

// languageDefaults names the locale a bare language code means where the
// rule (ll_LL, else the language's only locale) does not decide: CLDR's
// likely region for the language, and pt_BR as before.
var languageDefaults = map[string]string{
	"aa": "aa_ET", "ar": "ar_EG", "ber": "ber_MA", "bn": "bn_BD", "bo": "bo_CN", "ca": "ca_ES",
	"cs": "cs_CZ", "da": "da_DK", "el": "el_GR", "en": "en_US", "eu": "eu_ES", "ga": "ga_IE",
	"gez": "gez_ET", "he": "he_IL", "ja": "ja_JP", "ko": "ko_KR", "ms": "ms_MY", "nb": "nb_NO",
	"om": "om_ET", "pa": "pa_IN", "pt": "pt_BR", "sq": "sq_AL", "sr": "sr_RS", "sv": "sv_SE",
	"sw": "sw_TZ", "ta": "ta_IN", "ti": "ti_ET", "uk": "uk_UA", "ur": "ur_PK", "zh": "zh_CN",
	"sr@latin": "sr_RS@latin", "ks@devanagari": "ks_IN@devanagari", "sd@devanagari": "sd_IN@devanagari",
	"gez@abegede": "gez_ET@abegede", "ca@valencia": "ca_ES@valencia", "fy": "fy_NL", "ne": "ne_NP",
	"li": "li_NL", "ku": "ku_TR", "hi": "hi_IN", "ha": "ha_NG", "lg": "lg_UG", "ps": "ps_AF",
	"so": "so_SO", "ks": "ks_IN", "nds": "nds_DE", "ia": "ia_FR", "lzh": "lzh_TW",
	"nan": "nan_TW", "uz": "uz_UZ", "az": "az_AZ", "bho": "bho_IN", "ff": "ff_SN", "ig": "ig_NG",
	"kk": "kk_KZ", "mni": "mni_IN", "se": "se_NO", "st": "st_ZA", "tn": "tn_ZA",
	"ts": "ts_ZA", "ve": "ve_ZA", "xh": "xh_ZA", "zu": "zu_ZA", "ss": "ss_ZA", "nr": "nr_ZA",
	"ml": "ml_IN", "te": "te_IN", "kn": "kn_IN", "mr": "mr_IN", "gu": "gu_IN", "or": "or_IN",
}

func emit(names []string, locs map[string]*lcTime) ([]byte, error) {
	var strs []string
	strID := map[string]int{}
	str := func(s string) int {
		if id, ok := strID[s]; ok {
			return id
		}
		strID[s] = len(strs)
		strs = append(strs, s)
		return strID[s]
	}
	var lists []int
	listID := map[string]int{}
	list := func(l []string) int {
		k := strings.Join(l, "\x00")
		if id, ok := listID[k]; ok {
			return id
		}
		id := len(lists)
		for _, s := range l {
			lists = append(lists, str(s))
		}
		listID[k] = id
		return id
	}
	var recs [][nFields]int
	recID := map[[nFields]int]int{}
	recOf := map[string]int{}
	for _, n := range names {
		lt := locs[n]
		altMon, abAltMon := lt.altMon, lt.abAltMon
		if altMon == nil {
			altMon = lt.mon
		}
		if abAltMon == nil {
			abAltMon = lt.abmon
		}
		amp := lt.tFmtAmPm
		if amp == "" {
			amp = "%I:%M:%S %p" // glibc's %r when t_fmt_ampm is empty
		}
		var r [nFields]int
		r[fAbDay], r[fDay] = list(lt.abday), list(lt.day)
		r[fAbMon], r[fMon] = list(lt.abmon), list(lt.mon)
		r[fAbAltMon], r[fAltMon] = list(abAltMon), list(altMon)
		r[fAM], r[fPM] = str(lt.amPm[0]), str(lt.amPm[1])
		r[fDFmt], r[fTFmt], r[fDTFmt], r[fTFmtAmPm] = str(lt.dFmt), str(lt.tFmt), str(lt.dtFmt), str(amp)
		id, ok := recID[r]
		if !ok {
			id = len(recs)
			recs = append(recs, r)
			recID[r] = id
		}
		recOf[n] = id
	}
	// Entries: real names (a modifier variant equal to its base is left
	// out: "de_DE@euro" finds de_DE), then language aliases.
	canon := map[string]string{}
	for _, n := range names {
		if base, _, ok := strings.Cut(n, "@"); ok {
			if r, has := recOf[base]; has && r == recOf[n] {
				continue
			}
		}
		canon[n] = n
	}
	byLang := map[string][]string{}
	for _, n := range names {
		if canon[n] == "" {
			continue
		}
		base, mod, hasMod := strings.Cut(n, "@")
		lang, _, _ := strings.Cut(base, "_")
		if hasMod {
			lang += "@" + mod
		}
		byLang[lang] = append(byLang[lang], n)
	}
	for lang, ns := range byLang {
		if canon[lang] != "" {
			continue // a locale of that name ("eo")
		}
		l, mod, _ := strings.Cut(lang, "@")
		want := l + "_" + strings.ToUpper(l)
		if mod != "" {
			want += "@" + mod
		}
		def := languageDefaults[lang]
		switch {
		case def != "":
			if canon[def] == "" {
				return nil, fmt.Errorf("language default %s → %s: no such locale", lang, def)
			}
		case canon[want] != "":
			def = want
		case len(ns) == 1:
			def = ns[0]
		default:
			def = ns[0] // the first by name; languageDefaults overrides
			if verbose {
				fmt.Fprintf(os.Stderr, "localegen: %s → %s of %v\n", lang, def, ns)
			}
		}
		canon[lang] = def
	}
	entries := make([]string, 0, len(canon))
	for n := range canon {
		entries = append(entries, n)
	}
	sort.Strings(entries)
	index := map[string]int{}
	for i, n := range entries {
		index[n] = i
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by localegen from glibc's locale sources (Debian's locales package); DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package clock\n\n")
	fmt.Fprintf(&b, "// %d locales (%d names with language aliases), %d distinct LC_TIME records, %d strings.\n\n", len(names), len(entries), len(recs), len(strs))
	fmt.Fprintf(&b, "const (\n")
	for i, f := range []string{"fAbDay", "fDay", "fAbMon", "fMon", "fAbAltMon", "fAltMon", "fAM", "fPM", "fDFmt", "fTFmt", "fDTFmt", "fTFmtAmPm"} {
		if i == 0 {
			fmt.Fprintf(&b, "\t%s = iota\n", f)
		} else {
			fmt.Fprintf(&b, "\t%s\n", f)
		}
	}
	fmt.Fprintf(&b, "\tnFields\n)\n\n")
	writeBlob(&b, "localeStrings", strs)
	endType := "uint16"
	if total := len(strings.Join(strs, "")); total > 1<<16-1 {
		endType = "uint32"
	}
	writeEnds(&b, "localeStringEnd", endType, strs)
	fmt.Fprintf(&b, "// localeLists holds the string ids of the day and month lists.\nvar localeLists = [...]uint16{")
	for i, id := range lists {
		if i%16 == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d, ", id)
	}
	fmt.Fprintf(&b, "\n}\n\n// localeRecords are the LC_TIME records: list starts, then string ids.\nvar localeRecords = [...][nFields]uint16{\n")
	for _, r := range recs {
		b.WriteString("{")
		for i, v := range r {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%d", v)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\n")
	writeBlob(&b, "localeNames", entries)
	writeEnds(&b, "localeNameEnd", "uint16", entries)
	fmt.Fprintf(&b, "// localeEntries gives each name its record and its canonical name's index.\nvar localeEntries = [...][2]uint16{\n")
	for _, n := range entries {
		c := canon[n]
		fmt.Fprintf(&b, "{%d, %d}, // %s\n", recOf[c], index[c], n)
	}
	b.WriteString("}\n")
	for _, v := range []int{len(strs), len(lists), len(recs), len(entries)} {
		if v > 1<<16-1 {
			return nil, fmt.Errorf("table too large for uint16 ids")
		}
	}
	return format.Source(b.Bytes())
}

// writeBlob writes the strings as one constant, a few whole strings a line.
func writeBlob(b *bytes.Buffer, name string, strs []string) {
	fmt.Fprintf(b, "const %s = \"\" +\n", name)
	line := ""
	for i, s := range strs {
		line += s
		if len(line) >= 60 || i == len(strs)-1 {
			fmt.Fprintf(b, "\t%s", strconv.Quote(line))
			if i < len(strs)-1 {
				b.WriteString(" +")
			}
			b.WriteString("\n")
			line = ""
		}
	}
	if len(strs) == 0 {
		b.WriteString("\"\"\n")
	}
	b.WriteString("\n")
}

func writeEnds(b *bytes.Buffer, name, typ string, strs []string) {
	fmt.Fprintf(b, "var %s = [...]%s{", name, typ)
	end := 0
	for i, s := range strs {
		if i%16 == 0 {
			b.WriteString("\n")
		}
		end += len(s)
		fmt.Fprintf(b, "%d, ", end)
	}
	b.WriteString("\n}\n\n")
}
