package config

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSchemaMatchesDecoder: the exported key lists (what tiny-dfr.toml(5)
// must document, what "did you mean" suggests) are exactly the string
// cases of the decoder's switches, so a key added to the decoder without
// the list, or the other way round, fails here.
func TestSchemaMatchesDecoder(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	funcs := map[string]*ast.FuncDecl{}
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				funcs[d.Name.Name] = d
			case *ast.GenDecl:
				if d.Tok != token.CONST {
					continue
				}
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i < len(vs.Values) {
							if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
								consts[name.Name], _ = strconv.Unquote(lit.Value)
							}
						}
					}
				}
			}
		}
	}
	cases := func(names ...string) []string {
		var out []string
		for _, name := range names {
			fn := funcs[name]
			if fn == nil {
				t.Fatalf("decoder function %s not found", name)
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				cc, ok := n.(*ast.CaseClause)
				if !ok {
					return true
				}
				for _, e := range cc.List {
					switch e := e.(type) {
					case *ast.BasicLit:
						if s, err := strconv.Unquote(e.Value); err == nil && e.Kind == token.STRING {
							out = append(out, s)
						}
					case *ast.Ident:
						if s, ok := consts[e.Name]; ok {
							out = append(out, s)
						}
					}
				}
				return true
			})
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	sorted := func(lists ...[]string) []string {
		out := slices.Concat(lists...)
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		what    string
		decoder []string
		list    []string
	}{
		{"top-level keys (topLevel)", cases("topLevel"), sorted(TopLevelKeys(), ExtensionKeys(), DeprecatedKeys())},
		{"button fields (button, extButtonField, sessionButtonField)", cases("button", "extButtonField", "sessionButtonField"), sorted(ButtonFields(), ExtensionButtonFields())},
		{"[Style] keys (style)", cases("style"), sorted(StyleKeys())},
		{"[[Layer]] fields (namedLayers)", cases("namedLayers"), sorted(LayerFields())},
	} {
		if !slices.Equal(c.decoder, c.list) {
			t.Errorf("%s: the decoder reads %q, the exported lists say %q", c.what, c.decoder, c.list)
		}
	}
}
