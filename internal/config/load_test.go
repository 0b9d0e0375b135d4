package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"tiny-dfr/internal/assets"
)

func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// stripPos clears positions, which differ between equal configs read from
// different files.
func stripPos(c *Config) *Config {
	out := *c
	out.FontTemplatePos = Pos{}
	out.PrimaryLayerKeys = cloneButtons(c.PrimaryLayerKeys)
	out.MediaLayerKeys = cloneButtons(c.MediaLayerKeys)
	out.FontTemplatePos = Pos{}
	for _, l := range [][]Button{out.PrimaryLayerKeys, out.MediaLayerKeys} {
		for i := range l {
			l[i].Pos = Pos{}
		}
	}
	return &out
}

func TestDefaultTemplateIsClean(t *testing.T) {
	t.Parallel()
	if diags := Check(DefaultName, assets.DefaultConfig); len(diags) != 0 {
		t.Fatalf("embedded config.toml has diagnostics: %v", diags)
	}
	f, _ := Parse(DefaultName, assets.DefaultConfig)
	for _, k := range TopLevelKeys() {
		if !f.Has(k) {
			t.Errorf("embedded config.toml does not document %s", k)
		}
	}
}

func TestDefaultMatchesSpec(t *testing.T) {
	t.Parallel()
	got, want := stripPos(Default()), stripPos(builtinDefault())
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Default() = %+v\nwant %+v", got, want)
	}
	d := Default()
	if d.MediaLayerDefault || !d.ShowButtonOutlines || d.EnablePixelShift || d.FontTemplate != ":bold" ||
		!d.AdaptiveBrightness || d.ActiveBrightness != 128 || d.DoublePressSwitchLayers != 0 {
		t.Errorf("scalars %+v", d)
	}
	if len(d.PrimaryLayerKeys) != 12 || d.PrimaryLayerKeys[11].Text != "F12" || d.PrimaryLayerKeys[11].Codes[0] != 88 {
		t.Errorf("primary layer %+v", d.PrimaryLayerKeys)
	}
	if len(d.MediaLayerKeys) != 12 || d.MediaLayerKeys[0].Icon != "brightness_low" || d.MediaLayerKeys[11].Action[0] != "VolumeUp" {
		t.Errorf("media layer %+v", d.MediaLayerKeys)
	}
	if p := d.PrimaryLayerKeys[0].Pos; p.File != DefaultName || p.Line == 0 {
		t.Errorf("default button position %v", p)
	}
	// Each call gives its own copy.
	d.PrimaryLayerKeys[0].Codes[0] = 1
	if Default().PrimaryLayerKeys[0].Codes[0] != 59 {
		t.Error("Default shares state between calls")
	}
}

func TestLoadMerge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := writeFile(t, dir, "base.toml", "ActiveBrightness = 100\nFontTemplate = \"Base\"\nMediaLayerKeys = [ { Text = \"m1\" }, { Text = \"m2\" } ]\n")
	user := writeFile(t, dir, "user.toml", "FontTemplate = \"\"\nMediaLayerKeys = [ { Text = \"u\", Action = \"Mute\" } ]\nFoo = 1\n")
	cfg, diags := Load(base, user)
	if len(diags) != 1 || diags[0].Kind != KindUnknownKey || diags[0].Pos.File != user {
		t.Fatalf("diags = %v", diags)
	}
	if cfg.ActiveBrightness != 100 || cfg.FontTemplate != "" {
		t.Errorf("scalars: %d %q", cfg.ActiveBrightness, cfg.FontTemplate)
	}
	// A layer in the user file replaces the whole layer.
	if len(cfg.MediaLayerKeys) != 1 || cfg.MediaLayerKeys[0].Text != "u" || cfg.MediaLayerKeys[0].Pos.File != user {
		t.Errorf("media layer %+v", cfg.MediaLayerKeys)
	}
	// Keys in neither file keep the built-in defaults.
	if len(cfg.PrimaryLayerKeys) != 12 || !cfg.ShowButtonOutlines {
		t.Errorf("defaults lost: %+v", cfg)
	}
}

func TestLoadBadUserFileIsIgnored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := writeFile(t, dir, "base.toml", "ActiveBrightness = 100\n")
	user := writeFile(t, dir, "user.toml", "ActiveBrightness = 200\nPrimaryLayerKeys = [ { Stretch = 1.5 } ]\n")
	cfg, diags := Load(base, user)
	if !HasErrors(diags) || diags[0].Pos != (Pos{user, 2, 34}) {
		t.Fatalf("diags = %v", diags)
	}
	if cfg.ActiveBrightness != 100 || len(cfg.PrimaryLayerKeys) != 12 {
		t.Errorf("user file partly applied: %+v", cfg)
	}
}

func TestLoadBadBaseFallsBackToEmbedded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := writeFile(t, dir, "base.toml", "ActiveBrightness = [\n")
	user := writeFile(t, dir, "user.toml", "MediaLayerDefault = true\n")
	cfg, diags := Load(base, user)
	if len(diags) != 1 || diags[0].Kind != KindSyntax || diags[0].Pos.File != base {
		t.Fatalf("diags = %v", diags)
	}
	want := stripPos(Default())
	want.MediaLayerDefault = true
	if !reflect.DeepEqual(stripPos(cfg), want) {
		t.Errorf("cfg = %+v", cfg)
	}
}

func TestLoadMissingFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg, diags := Load(filepath.Join(dir, "no-base.toml"), filepath.Join(dir, "no-user.toml"))
	if len(diags) != 0 {
		t.Fatalf("diags = %v", diags)
	}
	if !reflect.DeepEqual(stripPos(cfg), stripPos(Default())) {
		t.Error("missing files do not give the default")
	}
	cfg, diags = Load("", "")
	if cfg == nil || len(diags) != 0 {
		t.Fatal("Load(\"\", \"\")", cfg, diags)
	}
}

func TestLoadUnreadableUserFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A directory cannot be read as a file: an I/O error that keeps its cause.
	cfg, diags := Load("", dir)
	if cfg == nil || len(diags) != 1 || diags[0].Kind != KindIO || diags[0].Severity != Error || diags[0].Err == nil {
		t.Fatalf("diags = %#v", diags)
	}
	_, diags = ParseFile(filepath.Join(dir, "missing"))
	if len(diags) != 1 || !errors.Is(diags[0], fs.ErrNotExist) {
		t.Fatalf("missing file: %v", diags)
	}
}

func TestLoadTooLarge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := make([]byte, maxFileSize+1)
	for i := range big {
		big[i] = '\n'
	}
	p := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(p, big, 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := ParseFile(p)
	if len(diags) != 1 || diags[0].Kind != KindIO {
		t.Fatalf("diags = %v", diags)
	}
}

// FontTemplate keeps where it was set, so a warning about the font (a
// pattern fc-match cannot resolve, a file that is no font) names the line.
func TestFontTemplatePos(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := writeFile(t, dir, "base.toml", "FontTemplate = \"Base\"\n")
	user := writeFile(t, dir, "user.toml", "# mine\n\nFontTemplate = \"--help\"\n")
	cfg, diags := Load(base, user)
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	if got := cfg.FontTemplatePos.String(); got != user+":3:16" {
		t.Errorf("FontTemplatePos %s, want %s:3:16", got, user)
	}
	cfg, _ = Load(base, writeFile(t, dir, "other.toml", "ActiveBrightness = 3\n"))
	if got := cfg.FontTemplatePos.String(); got != base+":1:16" {
		t.Errorf("from the base file: FontTemplatePos %s, want %s:1:16", got, base)
	}
}
