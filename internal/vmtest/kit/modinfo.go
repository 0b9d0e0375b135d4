package kit

import (
	"bytes"
	"debug/elf"
	"fmt"
	"strings"
)

// modName normalises a module name as the kernel does ('-' and '_' are equal).
func modName(s string) string { return strings.ReplaceAll(s, "-", "_") }

// modDepends reads the depends= entry of a .ko's .modinfo section.
func modDepends(path string) ([]string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("kit: %w", err)
	}
	defer f.Close()
	s := f.Section(".modinfo")
	if s == nil {
		return nil, fmt.Errorf("kit: %s: no .modinfo section", path)
	}
	data, err := s.Data()
	if err != nil {
		return nil, fmt.Errorf("kit: %s: %w", path, err)
	}
	for _, kv := range bytes.Split(data, []byte{0}) {
		v, ok := bytes.CutPrefix(kv, []byte("depends="))
		if !ok {
			continue
		}
		var deps []string
		for _, d := range strings.Split(string(v), ",") {
			if d != "" {
				deps = append(deps, modName(d))
			}
		}
		return deps, nil
	}
	return nil, nil
}

// loadOrder returns the files of roots and their dependencies, each after
// everything it depends on. files maps a normalised module name to its path.
func loadOrder(roots []string, files map[string]string) ([]string, error) {
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string) error
	visit = func(name string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("kit: module dependency cycle at %s", name)
		case 2:
			return nil
		}
		path, ok := files[name]
		if !ok {
			return fmt.Errorf("kit: module %s not found in the kernel package", name)
		}
		state[name] = 1
		deps, err := modDepends(path)
		if err != nil {
			return err
		}
		for _, d := range deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		state[name] = 2
		order = append(order, path)
		return nil
	}
	for _, r := range roots {
		if err := visit(modName(r)); err != nil {
			return nil, err
		}
	}
	return order, nil
}
