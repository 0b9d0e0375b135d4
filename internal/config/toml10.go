package config

// go-toml reads TOML 1.1; upstream tiny-dfr (and so every config written for
// it) reads TOML 1.0. checkTOML10 rejects the 1.1 additions a config may
// contain: inline tables spread over several lines or ending in a comma,
// and the \e and \xHH string escapes. It runs on a file the decoder
// accepted, so brackets and quotes are balanced.
func checkTOML10(pos positions, data []byte) *Diagnostic {
	type open struct {
		c      byte
		offset int
	}
	var stack []open
	lastSig := -1 // offset of the last significant byte inside the innermost {
	fail := func(offset int, msg string) *Diagnostic {
		return &Diagnostic{Pos: pos.at(offset), Severity: Error, Kind: KindSyntax, Msg: "TOML syntax: " + msg}
	}
	inInline := func() bool { return len(stack) > 0 && stack[len(stack)-1].c == '{' }
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case '#':
			if inInline() {
				return fail(i, "comment inside an inline table (TOML 1.1 only; tiny-dfr reads TOML 1.0: keep { … } on one line)")
			}
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i--
		case '\n':
			if inInline() {
				return fail(stack[len(stack)-1].offset, "inline table spans several lines (TOML 1.1 only; tiny-dfr reads TOML 1.0: keep { … } on one line)")
			}
		case '{', '[':
			stack = append(stack, open{c, i})
		case '}', ']':
			if c == '}' && lastSig >= 0 && data[lastSig] == ',' {
				return fail(lastSig, "trailing comma in an inline table (TOML 1.1 only; tiny-dfr reads TOML 1.0)")
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case '"', '\'':
			end, bad := skipString(data, i)
			if bad >= 0 {
				return fail(bad, "\\e and \\x escapes are TOML 1.1 only; tiny-dfr reads TOML 1.0 (use \\u001b or \\u00XX)")
			}
			i = end - 1
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			lastSig = i
			if c == '"' || c == '\'' {
				lastSig = -1 // a value, not a comma
			}
		}
	}
	return nil
}

// skipString returns the offset just past the string starting at data[i],
// and the offset of a TOML 1.1-only escape in it (or -1).
func skipString(data []byte, i int) (end, bad int) {
	q := data[i]
	multi := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	bad = -1
	j := i + 1
	if multi {
		j = i + 3
	}
	for j < len(data) {
		c := data[j]
		switch {
		case c == '\\' && q == '"':
			if j+1 < len(data) && (data[j+1] == 'e' || data[j+1] == 'x') && bad < 0 {
				bad = j
			}
			j += 2
			continue
		case c == q && !multi:
			return j + 1, bad
		case c == q && multi && j+2 < len(data) && data[j+1] == q && data[j+2] == q:
			// Up to two more quotes may belong to the string.
			k := j + 3
			for n := 0; n < 2 && k < len(data) && data[k] == q; n++ {
				k++
			}
			return k, bad
		}
		j++
	}
	return len(data), bad
}
