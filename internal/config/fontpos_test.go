package config

import (
	"os"
	"path/filepath"
	"testing"
)

// The font's warnings (fc-match failed, the file is not a font) are placed
// at FontTemplate: the merged config keeps where the value came from.
func TestFontTemplatePos(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "base.toml")
	user := filepath.Join(dir, "user.toml")
	if err := os.WriteFile(base, []byte("FontTemplate = \":bold\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(user, []byte("# mine\nFontTemplate = \"DejaVu Sans:bold\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := Load(base, user)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if p := cfg.FontTemplatePos; p.File != user || p.Line != 2 {
		t.Errorf("FontTemplatePos %v, want %s:2", p, user)
	}
	cfg, _ = Load(base, filepath.Join(dir, "missing.toml"))
	if p := cfg.FontTemplatePos; p.File != base || p.Line != 1 {
		t.Errorf("FontTemplatePos %v, want %s:1", p, base)
	}
}
