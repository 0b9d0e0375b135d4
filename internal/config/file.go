package config

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// Top-level keys, in the order of the spec.
const (
	keyMediaLayerDefault       = "MediaLayerDefault"
	keyShowButtonOutlines      = "ShowButtonOutlines"
	keyEnablePixelShift        = "EnablePixelShift"
	keyFontTemplate            = "FontTemplate"
	keyAdaptiveBrightness      = "AdaptiveBrightness"
	keyActiveBrightness        = "ActiveBrightness"
	keyDoublePressSwitchLayers = "DoublePressSwitchLayers"
	keyPrimaryLayerKeys        = "PrimaryLayerKeys"
	keyMediaLayerKeys          = "MediaLayerKeys"
)

// TopLevelKeys returns the top-level keys tiny-dfr reads, in spec order.
func TopLevelKeys() []string {
	return []string{keyMediaLayerDefault, keyShowButtonOutlines, keyEnablePixelShift,
		keyFontTemplate, keyAdaptiveBrightness, keyActiveBrightness,
		keyDoublePressSwitchLayers, keyPrimaryLayerKeys, keyMediaLayerKeys}
}

// ButtonFields returns the fields a button may have (Svg is the old name
// of Icon).
func ButtonFields() []string {
	return []string{"Text", "Icon", "Svg", "Theme", "Time", "Locale", "Battery",
		"Action", "Stretch", "IconWidth", "IconHeight"}
}

// Where the files live on an installed system.
const (
	BasePath = "/usr/share/tiny-dfr/config.toml" // the shipped template
	UserPath = "/etc/tiny-dfr/config.toml"       // the administrator's overrides
)

// maxFileSize bounds what is read of a configuration file.
const maxFileSize = 1 << 20

// File is what one configuration file sets: Config holds the values of the
// top-level keys the file contains (Has tells which); the others are zero.
type File struct {
	Name   string
	Config Config
	set    map[string]bool
}

// Has reports whether the file sets a top-level key.
func (f *File) Has(key string) bool { return f.set[key] }

// Apply overrides dst with every top-level key f sets, whole (a layer
// replaces the whole layer).
func (f *File) Apply(dst *Config) {
	src := &f.Config
	if f.Has(keyMediaLayerDefault) {
		dst.MediaLayerDefault = src.MediaLayerDefault
	}
	if f.Has(keyShowButtonOutlines) {
		dst.ShowButtonOutlines = src.ShowButtonOutlines
	}
	if f.Has(keyEnablePixelShift) {
		dst.EnablePixelShift = src.EnablePixelShift
	}
	if f.Has(keyFontTemplate) {
		dst.FontTemplate = src.FontTemplate
	}
	if f.Has(keyAdaptiveBrightness) {
		dst.AdaptiveBrightness = src.AdaptiveBrightness
	}
	if f.Has(keyActiveBrightness) {
		dst.ActiveBrightness = src.ActiveBrightness
	}
	if f.Has(keyDoublePressSwitchLayers) {
		dst.DoublePressSwitchLayers = src.DoublePressSwitchLayers
	}
	if f.Has(keyPrimaryLayerKeys) {
		dst.PrimaryLayerKeys = cloneButtons(src.PrimaryLayerKeys)
	}
	if f.Has(keyMediaLayerKeys) {
		dst.MediaLayerKeys = cloneButtons(src.MediaLayerKeys)
	}
}

func cloneButtons(bs []Button) []Button {
	out := make([]Button, len(bs))
	for i, b := range bs {
		b.Action = append([]string(nil), b.Action...)
		b.Codes = append([]uint16(nil), b.Codes...)
		out[i] = b
	}
	return out
}

// Parse reads one configuration file's contents. name is used in positions.
// It returns every problem found; when any has Severity Error the file
// must not be used (the returned File then holds what could be read).
func Parse(name string, data []byte) (*File, []Diagnostic) {
	f := &File{Name: name, set: map[string]bool{}}
	root, syn := parseTree(name, data)
	if syn != nil {
		return f, []Diagnostic{*syn}
	}
	d := decoder{file: f}
	d.topLevel(root)
	// Tables may be written in pieces; report in file order.
	slices.SortStableFunc(d.diags, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	return f, d.diags
}

// Check returns every problem in a configuration file's contents, for
// `tiny-dfr check`.
func Check(name string, data []byte) []Diagnostic {
	_, diags := Parse(name, data)
	return diags
}

// ParseFile reads and parses the file at path. A file that cannot be read
// gives one KindIO diagnostic wrapping the error (errors.Is(d,
// fs.ErrNotExist) tells a missing file).
func ParseFile(path string) (*File, []Diagnostic) {
	data, err := readFile(path)
	if err != nil {
		return &File{Name: path, set: map[string]bool{}}, []Diagnostic{{
			Pos: Pos{File: path}, Severity: Error, Kind: KindIO,
			Msg: err.Error(), Err: err,
		}}
	}
	return Parse(path, data)
}

func readFile(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxFileSize)
	}
	return data, nil
}

// HasErrors reports whether any diagnostic has Severity Error.
func HasErrors(diags []Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Load returns the merged configuration: the built-in defaults, overridden
// per top-level key by the base file (the shipped template) and then by the
// user file. It never returns nil. A base file that is missing is replaced
// by the embedded default silently; one with errors is ignored and its
// diagnostics returned. A missing user file is fine (no diagnostic); one
// with errors is ignored (the result is the base) and its diagnostics
// returned. An empty path skips that file.
func Load(basePath, userPath string) (*Config, []Diagnostic) {
	cfg := Default()
	var diags []Diagnostic
	for _, path := range []string{basePath, userPath} {
		if path == "" {
			continue
		}
		f, ds := ParseFile(path)
		if len(ds) == 1 && ds[0].Kind == KindIO && errors.Is(ds[0], os.ErrNotExist) {
			continue
		}
		diags = append(diags, ds...)
		if !HasErrors(ds) {
			f.Apply(cfg)
		}
	}
	return cfg, diags
}
