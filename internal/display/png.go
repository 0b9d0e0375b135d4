package display

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"

	"tiny-dfr/internal/render"
)

// PNG writes every presented frame, in landscape, to Path (replacing it
// atomically, so a viewer never sees half a file).
type PNG struct {
	Path string
}

// Present writes f as a landscape PNG.
func (p *PNG) Present(f *render.Frame) error {
	if f == nil {
		return fmt.Errorf("display: png %s: no frame", p.Path)
	}
	dir := filepath.Dir(p.Path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(p.Path)+".*")
	if err != nil {
		return fmt.Errorf("display: png: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails harmlessly
	if err := png.Encode(tmp, f.Landscape()); err != nil {
		tmp.Close()
		return fmt.Errorf("display: png %s: %w", p.Path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("display: png %s: %w", p.Path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("display: png %s: %w", p.Path, err)
	}
	if err := os.Rename(tmp.Name(), p.Path); err != nil {
		return fmt.Errorf("display: png: %w", err)
	}
	return nil
}

// Close does nothing: each Present wrote a complete file.
func (p *PNG) Close() error { return nil }
