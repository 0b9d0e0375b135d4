package config

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// A document is a TOML file turned into a tree whose every key and value
// remembers where it was written. go-toml's decoder decides whether the file
// is valid TOML (duplicate keys, table redefinitions…); its unstable parser
// gives the positions.

// valueKind is the type of a value as written.
type valueKind int

const (
	kString valueKind = iota + 1
	kBool
	kInteger
	kFloat
	kDateTime
	kArray
	kTable
)

func (k valueKind) String() string {
	switch k {
	case kString:
		return "a string"
	case kBool:
		return "a boolean"
	case kInteger:
		return "an integer"
	case kFloat:
		return "a float"
	case kDateTime:
		return "a date/time"
	case kArray:
		return "an array"
	case kTable:
		return "a table"
	}
	return "nothing"
}

// value is one TOML value with the place of its key and of itself.
type value struct {
	kind   valueKind
	keyPos Pos // where the key naming it is written
	pos    Pos // where the value starts
	raw    []byte
	str    string
	b      bool
	i      int64
	f      float64
	list   []*value
	table  *table
	// arrayOfTables marks an array built from [[header]] sections.
	arrayOfTables bool
}

// table keeps its keys in the order they were written.
type table struct {
	keys []string
	vals map[string]*value
}

func newTable() *table { return &table{vals: map[string]*value{}} }

func (t *table) get(k string) *value { return t.vals[k] }

func (t *table) set(k string, v *value) {
	if _, ok := t.vals[k]; !ok {
		t.keys = append(t.keys, k)
	}
	t.vals[k] = v
}

// positions converts byte offsets into 1-based line and byte column.
type positions struct {
	file  string
	lines []int // offset of the first byte of each line
}

func newPositions(file string, data []byte) positions {
	p := positions{file: file, lines: []int{0}}
	for i, c := range data {
		if c == '\n' {
			p.lines = append(p.lines, i+1)
		}
	}
	return p
}

func (p positions) at(offset int) Pos {
	line := sort.SearchInts(p.lines, offset+1) - 1
	line = max(line, 0)
	return Pos{File: p.file, Line: line + 1, Col: offset - p.lines[line] + 1}
}

// parseTree parses data into a tree. A file that is not valid TOML 1.0, or
// over one of the file-wide limits (limits.go), gives a nil tree and one
// diagnostic.
func parseTree(file string, data []byte) (*table, *Diagnostic) {
	if d := scanLimits(file, data); d != nil {
		return nil, d
	}
	pos := newPositions(file, data)
	var generic map[string]any
	if err := toml.Unmarshal(data, &generic); err != nil {
		d := Diagnostic{Pos: Pos{File: file, Line: 1, Col: 1}, Severity: Error, Kind: KindSyntax, Msg: err.Error()}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			d.Pos.Line, d.Pos.Col = de.Position()
			d.Msg = strings.TrimPrefix(de.Error(), "toml: ")
		}
		d.Msg = "TOML syntax: " + d.Msg
		return nil, &d
	}
	if d := checkTOML10(pos, data); d != nil {
		return nil, d
	}
	b := builder{pos: pos, root: newTable()}
	b.cur = b.root
	p := unstable.Parser{}
	p.Reset(data)
	for p.NextExpression() {
		if err := b.expression(&p, p.Expression()); err != nil {
			return nil, &Diagnostic{Pos: Pos{File: file, Line: 1, Col: 1}, Severity: Error, Kind: KindSyntax, Msg: "TOML: " + err.Error()}
		}
	}
	if err := p.Error(); err != nil {
		// The decoder accepted the file, so this should not happen.
		return nil, &Diagnostic{Pos: Pos{File: file, Line: 1, Col: 1}, Severity: Error, Kind: KindSyntax, Msg: "TOML: " + err.Error()}
	}
	return b.root, nil
}

type builder struct {
	pos  positions
	root *table
	cur  *table
}

func (b *builder) keyParts(it unstable.Iterator) (parts []string, first, last *unstable.Node) {
	for it.Next() {
		n := it.Node()
		if first == nil {
			first = n
		}
		last = n
		parts = append(parts, string(n.Data))
	}
	return parts, first, last
}

// valueStart finds where the value of a key-value starts: after the last
// key part, blanks, '=' and blanks. (The parser gives arrays no range.)
func valueStart(data []byte, lastKey *unstable.Node) int {
	i := int(lastKey.Raw.Offset + lastKey.Raw.Length)
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '=') {
		i++
	}
	return min(i, max(len(data)-1, 0))
}

func (b *builder) expression(p *unstable.Parser, e *unstable.Node) error {
	switch e.Kind {
	case unstable.KeyValue:
		return b.keyValue(p, b.cur, e)
	case unstable.Table, unstable.ArrayTable:
		parts, first, _ := b.keyParts(e.Key())
		if len(parts) == 0 {
			return fmt.Errorf("empty table name")
		}
		keyPos := b.pos.at(int(first.Raw.Offset))
		t := b.root
		for _, k := range parts[:len(parts)-1] {
			t = b.descend(t, k, keyPos)
		}
		last := parts[len(parts)-1]
		if e.Kind == unstable.Table {
			v := t.get(last)
			switch {
			case v == nil:
				v = &value{kind: kTable, keyPos: keyPos, pos: keyPos, table: newTable()}
				t.set(last, v)
			case v.kind == kArray && len(v.list) > 0 && v.list[len(v.list)-1].kind == kTable:
				v = v.list[len(v.list)-1]
			case v.kind != kTable:
				return fmt.Errorf("table %s redefines a value", strings.Join(parts, "."))
			}
			b.cur = v.table
			return nil
		}
		v := t.get(last)
		if v == nil {
			v = &value{kind: kArray, keyPos: keyPos, pos: keyPos, arrayOfTables: true}
			t.set(last, v)
		}
		if v.kind != kArray {
			return fmt.Errorf("array table %s redefines a value", strings.Join(parts, "."))
		}
		elem := &value{kind: kTable, keyPos: keyPos, pos: keyPos, table: newTable()}
		v.list = append(v.list, elem)
		b.cur = elem.table
		return nil
	}
	return nil
}

// descend walks into (creating if needed) the table named k, or the last
// table of an array of tables.
func (b *builder) descend(t *table, k string, at Pos) *table {
	v := t.get(k)
	switch {
	case v == nil:
		v = &value{kind: kTable, keyPos: at, pos: at, table: newTable()}
		t.set(k, v)
	case v.kind == kArray && len(v.list) > 0 && v.list[len(v.list)-1].kind == kTable:
		return v.list[len(v.list)-1].table
	case v.kind != kTable:
		// Cannot happen in a document the decoder accepted; keep going
		// on a detached table rather than fail.
		return newTable()
	}
	return v.table
}

func (b *builder) keyValue(p *unstable.Parser, t *table, e *unstable.Node) error {
	parts, first, last := b.keyParts(e.Key())
	if len(parts) == 0 {
		return fmt.Errorf("empty key")
	}
	keyPos := b.pos.at(int(first.Raw.Offset))
	for _, k := range parts[:len(parts)-1] {
		t = b.descend(t, k, keyPos)
	}
	v, err := b.value(p, e.Value(), valueStart(p.Data(), last))
	if err != nil {
		return err
	}
	v.keyPos = keyPos
	t.set(parts[len(parts)-1], v)
	return nil
}

// value converts a value node; start is its offset when the node has no
// range of its own (arrays).
func (b *builder) value(p *unstable.Parser, n *unstable.Node, start int) (*value, error) {
	if n.Raw.Length > 0 {
		start = int(n.Raw.Offset)
	}
	v := &value{pos: b.pos.at(start), raw: p.Raw(n.Raw)}
	var err error
	switch n.Kind {
	case unstable.String:
		v.kind, v.str = kString, string(n.Data)
	case unstable.Bool:
		v.kind, v.b = kBool, string(n.Data) == "true"
	case unstable.Integer:
		v.kind = kInteger
		v.i, err = parseInt(string(n.Data))
	case unstable.Float:
		v.kind = kFloat
		v.f, err = strconv.ParseFloat(strings.ReplaceAll(string(n.Data), "_", ""), 64)
		if err != nil && math.IsInf(v.f, 0) {
			err = nil
		}
	case unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		v.kind, v.str = kDateTime, string(n.Data)
	case unstable.Array:
		v.kind = kArray
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			cv, err := b.value(p, c, start)
			if err != nil {
				return nil, err
			}
			cv.keyPos = cv.pos
			v.list = append(v.list, cv)
		}
	case unstable.InlineTable:
		v.kind, v.table = kTable, newTable()
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind != unstable.KeyValue {
				continue
			}
			if err := b.keyValue(p, v.table, c); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("unexpected %s value", n.Kind)
	}
	return v, err
}

// parseInt reads a TOML integer: decimal with an optional sign, or 0x/0o/0b.
func parseInt(s string) (int64, error) {
	s = strings.ReplaceAll(s, "_", "")
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b') {
		return strconv.ParseInt(s, 0, 64)
	}
	return strconv.ParseInt(s, 10, 64)
}
