package config

import (
	"bytes"
	"fmt"

	"tiny-dfr/internal/clock"
)

// Limits on what one configuration file may hold. They sit far above any
// real config (the largest of the public corpus in ../shared/
// realworld-configs, 12 KiB, has 268 keys and tables, 352 array elements,
// keys of 2 parts, values nested 4 deep, 22 buttons in a layer, labels of
// 15 bytes and Time formats of 17) and keep a hostile or generated file
// from freezing the daemon: without them 90k unknown keys took 15–70 s to
// parse (the TOML library's duplicate-key tracking is quadratic) and a
// 500k-part dotted key 680 MB. The file-wide counts are checked by a
// linear scan before the TOML library sees the file; each excess is an
// error at the place of the first key, element or byte over the limit, and
// the file is not used. docs/install.md lists them for users.
const (
	maxEntries     = 4096               // key/value pairs (inline tables' too) and [table] headers in a file
	maxElements    = 8192               // array elements in a file
	maxKeyParts    = 16                 // parts of a dotted key or table name (a.b.c is 3)
	maxNesting     = 32                 // arrays and inline tables inside each other
	maxButtons     = 64                 // buttons in a layer
	maxActionKeys  = 16                 // key names in one Action (a chord)
	maxTextLen     = 256                // bytes of a label
	maxTimeLen     = clock.MaxFormatLen // bytes of a Time format (128)
	maxNameLen     = 255                // bytes of an Icon or Theme name (a file name)
	maxLocaleLen   = 64                 // bytes of a Locale name
	maxFontPattern = 256                // bytes of FontTemplate
)

// scanLimits checks the file-wide limits (entries, elements, key parts,
// nesting) in one pass over data, before any parser builds anything, and
// stops at the first excess. It reads TOML loosely: on a file that is not
// TOML it may count wrongly, but it always ends, and the parser that runs
// next reports the syntax error. Positions are computed only for an excess.
func scanLimits(file string, data []byte) *Diagnostic {
	s := limitScanner{data: data}
	s.document()
	if s.fail == nil {
		return nil
	}
	d := s.fail
	d.Pos = posAt(file, data, s.failAt)
	return d
}

// posAt is positions.at for one offset, without indexing every line.
func posAt(file string, data []byte, offset int) Pos {
	lineStart := bytes.LastIndexByte(data[:offset], '\n') + 1
	return Pos{File: file, Line: bytes.Count(data[:offset], []byte{'\n'}) + 1, Col: offset - lineStart + 1}
}

type limitScanner struct {
	data              []byte
	entries, elements int
	fail              *Diagnostic
	failAt            int
}

func (s *limitScanner) failf(at int, format string, args ...any) {
	if s.fail == nil {
		s.fail = &Diagnostic{Severity: Error, Kind: KindLimit, Msg: fmt.Sprintf(format, args...)}
		s.failAt = at
	}
}

func (s *limitScanner) entry(at int) {
	if s.entries++; s.entries > maxEntries {
		s.failf(at, "more than %d keys and tables in one file (tiny-dfr's limit)", maxEntries)
	}
}

// document scans top-level expressions: comments, [table] and [[table]]
// headers, key = value.
func (s *limitScanner) document() {
	data := s.data
	for i := 0; i < len(data) && s.fail == nil; {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case '#':
			i = s.skipLine(i)
		case '[':
			s.entry(i)
			i++
			if i < len(data) && data[i] == '[' {
				i++
			}
			i = s.key(i)
			i = s.skipLine(i)
		default:
			s.entry(i)
			j := s.key(i)
			j = s.blanks(j)
			if j < len(data) && data[j] == '=' {
				j = s.value(j+1, 0)
			}
			i = max(j, i+1)
		}
	}
}

// skipLine returns the offset of the newline ending the line of i (or the
// end of data).
func (s *limitScanner) skipLine(i int) int {
	for i < len(s.data) && s.data[i] != '\n' {
		i++
	}
	return i
}

// blanks skips spaces and tabs.
func (s *limitScanner) blanks(i int) int {
	for i < len(s.data) && (s.data[i] == ' ' || s.data[i] == '\t') {
		i++
	}
	return i
}

// space skips blanks, newlines and comments (inside arrays).
func (s *limitScanner) space(i int) int {
	for i < len(s.data) {
		switch s.data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case '#':
			i = s.skipLine(i)
		default:
			return i
		}
	}
	return i
}

// key scans a dotted key from i and returns the offset after it.
func (s *limitScanner) key(i int) int {
	data := s.data
	for parts := 0; ; {
		i = s.blanks(i)
		if i >= len(data) {
			return i
		}
		start := i
		switch data[i] {
		case '"', '\'':
			i, _ = skipString(data, i)
		default:
			for i < len(data) && !keyDelimiter(data[i]) {
				i++
			}
		}
		if i == start {
			return i
		}
		if parts++; parts > maxKeyParts {
			s.failf(start, "a key of more than %d dotted parts (tiny-dfr's limit)", maxKeyParts)
			return len(data)
		}
		i = s.blanks(i)
		if i >= len(data) || data[i] != '.' {
			return i
		}
		i++
	}
}

func keyDelimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '.', '=', '[', ']', '{', '}', '#', ',', '"', '\'':
		return true
	}
	return false
}

// value scans the value starting at or after i, depth levels of arrays
// and inline tables deep, and returns the offset after it.
func (s *limitScanner) value(i, depth int) int {
	data := s.data
	i = s.blanks(i)
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"', '\'':
		end, _ := skipString(data, i)
		return end
	case '[', '{':
		if depth+1 > maxNesting {
			s.failf(i, "arrays and inline tables nested more than %d deep (tiny-dfr's limit)", maxNesting)
			return len(data)
		}
		if data[i] == '[' {
			return s.array(i+1, depth+1)
		}
		return s.inlineTable(i+1, depth+1)
	}
	// A number, boolean or date: up to what ends a value.
	for i < len(data) {
		switch data[i] {
		case ',', ']', '}', '\n', '#':
			return i
		}
		i++
	}
	return i
}

func (s *limitScanner) array(i, depth int) int {
	data := s.data
	for s.fail == nil {
		i = s.space(i)
		if i >= len(data) {
			return i
		}
		switch data[i] {
		case ']':
			return i + 1
		case ',', '}':
			i++
			continue
		}
		if s.elements++; s.elements > maxElements {
			s.failf(i, "more than %d array elements in one file (tiny-dfr's limit)", maxElements)
			return len(data)
		}
		i = max(s.value(i, depth), i+1)
	}
	return len(data)
}

func (s *limitScanner) inlineTable(i, depth int) int {
	data := s.data
	for s.fail == nil {
		i = s.space(i)
		if i >= len(data) {
			return i
		}
		switch data[i] {
		case '}':
			return i + 1
		case ',', ']':
			i++
			continue
		}
		s.entry(i)
		j := s.blanks(s.key(i))
		if j < len(data) && data[j] == '=' {
			j = s.value(j+1, depth)
		}
		i = max(j, i+1)
	}
	return len(data)
}
