package config

import (
	"fmt"
)

// LayerNames returns the names of c's layers by index: primary, media,
// then the [[Layer]] tables in order.
func (c *Config) LayerNames() []string {
	names := []string{PrimaryName, MediaName}
	for _, l := range c.Layers {
		names = append(names, l.Name)
	}
	return names
}

// LayerKeys returns the buttons of layer i (by LayerNames' index), nil
// when there is none.
func (c *Config) LayerKeys(i int) []Button {
	switch {
	case i == 0:
		return c.PrimaryLayerKeys
	case i == 1:
		return c.MediaLayerKeys
	case i-2 >= 0 && i-2 < len(c.Layers):
		return c.Layers[i-2].Keys
	}
	return nil
}

// Validate checks what only the merged configuration tells: that every
// Layer and Group names a layer, that groups name [[Layer]] tables, and
// that no group opens itself (directly or through the groups it opens).
// Load uses it before taking a file; check reports it.
func Validate(c *Config) []Diagnostic {
	var diags []Diagnostic
	errorf := func(p Pos, k Kind, format string, args ...any) {
		diags = append(diags, Diagnostic{Pos: p, Severity: Error, Kind: k, Msg: fmt.Sprintf(format, args...)})
	}
	warnf := func(p Pos, k Kind, format string, args ...any) {
		diags = append(diags, Diagnostic{Pos: p, Severity: Warning, Kind: k, Msg: fmt.Sprintf(format, args...)})
	}
	names := c.LayerNames()
	index := make(map[string]int, len(names))
	for i, n := range names {
		if _, dup := index[n]; !dup {
			index[n] = i
		}
	}
	// opens[i] lists the groups layer i's buttons open, with where.
	type edge struct {
		to  int
		pos Pos
	}
	opens := make([][]edge, len(names))
	for li := range names {
		for _, b := range c.LayerKeys(li) {
			if b.Layer != "" {
				if _, ok := index[b.Layer]; !ok {
					errorf(b.LayerPos, KindLayerName, "Layer: no layer named %s%s", quoteShort(b.Layer), nameHint(b.Layer, names))
				}
			}
			if b.Group == "" {
				continue
			}
			gi, ok := index[b.Group]
			switch {
			case !ok:
				errorf(b.GroupPos, KindLayerName, "Group: no layer named %s%s", quoteShort(b.Group), nameHint(b.Group, names))
			case gi < 2:
				errorf(b.GroupPos, KindLayerName, "Group: %q is a built-in layer, not a group; use Layer = %q to switch to it", b.Group, b.Group)
			default:
				opens[li] = append(opens[li], edge{gi, b.GroupPos})
			}
		}
	}
	// A group that opens itself: a cycle among the groups' edges. Each
	// cycle is reported once, at the button that closes it.
	const (
		white = iota
		grey
		black
	)
	colour := make([]int, len(names))
	var visit func(i int)
	visit = func(i int) {
		colour[i] = grey
		for _, e := range opens[i] {
			switch colour[e.to] {
			case grey:
				errorf(e.pos, KindGroupCycle, "Group: %q opens itself (a group in it, or in the groups it opens, opens %q again)",
					names[e.to], names[e.to])
			case white:
				visit(e.to)
			}
		}
		colour[i] = black
	}
	for i := 2; i < len(names); i++ { // only groups can be on a cycle of group edges
		if colour[i] == white {
			visit(i)
		}
	}
	validateSession(c, index, names, errorf, warnf)
	return diags
}

func nameHint(s string, names []string) string {
	if g := suggest(s, names); g != "" {
		return fmt.Sprintf(" (did you mean %q?)", g)
	}
	if len(names) <= 8 {
		return fmt.Sprintf(" (layers: %q)", names)
	}
	return ""
}
