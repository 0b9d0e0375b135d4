// Package kit reads and prepares the guest kernel kit: an uncompressed
// vmlinux for PVH boot plus the kernel modules the guest loads, in order.
package kit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Manifest is kit.json.
type Manifest struct {
	Kernel  string   `json:"kernel"`  // kernel release, e.g. "6.1.0-56-amd64"
	Package string   `json:"package"` // Debian package it came from
	Version string   `json:"version"` // Debian package version
	Modules []string `json:"modules"` // module file names under modules/, in load order
}

// Kit is a prepared kit directory.
type Kit struct {
	Dir string
	Manifest
}

// DefaultDir is $TINYDFR_KIT, else $HOME/.cache/tiny-dfr/kit.
func DefaultDir() string {
	if d := os.Getenv("TINYDFR_KIT"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = os.TempDir()
	}
	return filepath.Join(home, ".cache", "tiny-dfr", "kit")
}

// Vmlinux is the path of the kernel image.
func (k *Kit) Vmlinux() string { return filepath.Join(k.Dir, "vmlinux") }

// Module is the path of a module file named in the manifest.
func (k *Kit) Module(name string) string { return filepath.Join(k.Dir, "modules", name) }

// Open reads dir/kit.json and checks that the files it names exist.
func Open(dir string) (*Kit, error) {
	b, err := os.ReadFile(filepath.Join(dir, "kit.json"))
	if err != nil {
		return nil, fmt.Errorf("kit: %w (prepare it with: go run ./internal/vmtest/mkkit)", err)
	}
	k := &Kit{Dir: dir}
	if err := json.Unmarshal(b, &k.Manifest); err != nil {
		return nil, fmt.Errorf("kit: %s: %w", filepath.Join(dir, "kit.json"), err)
	}
	if len(k.Modules) == 0 {
		return nil, errors.New("kit: kit.json lists no modules")
	}
	for _, p := range append([]string{k.Vmlinux()}, modulePaths(k)...) {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("kit: %w", err)
		}
	}
	return k, nil
}

func modulePaths(k *Kit) []string {
	ps := make([]string, len(k.Modules))
	for i, m := range k.Modules {
		ps[i] = k.Module(m)
	}
	return ps
}

// write stores the manifest as dir/kit.json.
func (m *Manifest) write(dir string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "kit.json"), append(b, '\n'), 0o644)
}
