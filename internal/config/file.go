package config

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"

	"golang.org/x/sys/unix"

	"tiny-dfr/internal/safefile"
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

	// Issue 12's keys.
	keyLayer            = "Layer"
	keyStyle            = "Style"
	keyGroupTimeout     = "GroupTimeout"
	keyDimTimeout       = "DimTimeout"
	keyOffTimeout       = "OffTimeout"
	keyAutoEscape       = "AutoEscape"
	keyDisableEscapeKey = "DisableEscapeKey" // lasnikr's, read as !AutoEscape
)

// ExtensionKeys returns the top-level keys tiny-dfr reads beyond the
// spec's: more layers, the look, timing and esc.
func ExtensionKeys() []string {
	return []string{keyGroupTimeout, keyDimTimeout, keyOffTimeout, keyAutoEscape, keyStyle, keyLayer, keySessionUsers, keyAppLayers}
}

func allTopLevelKeys() []string { return append(TopLevelKeys(), ExtensionKeys()...) }

func allButtonFields() []string { return append(ButtonFields(), ExtensionButtonFields()...) }

// ExtensionButtonFields returns the button fields of layers, groups,
// sliders, colours and the session companion (read by extButtonField).
func ExtensionButtonFields() []string {
	return []string{"Layer", "Group", "Slider", "Color", "ColorActive", "TextColor", "FitText",
		"Command", "Interval", "OnTap", "Media"}
}

// StyleKeys returns the keys of the [Style] table.
func StyleKeys() []string { return append([]string(nil), styleKeys...) }

// LayerFields returns the keys of a [[Layer]] table.
func LayerFields() []string { return []string{"Name", "Keys", "Apps"} }

// DeprecatedKeys returns the top-level keys read under another name
// (DisableEscapeKey: the opposite of AutoEscape). The key lists here are
// what the decoder reads: TestSchemaMatchesDecoder checks them against its
// switch statements, and the man page test checks tiny-dfr.toml(5) names
// them all.
func DeprecatedKeys() []string { return []string{keyDisableEscapeKey} }

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

// Where the files live on an installed system. Variables so that a build
// for another prefix compiles its own paths in (the Makefile does, from
// PREFIX/DATADIR and SYSCONFDIR):
//
//	go build -ldflags '-X tiny-dfr/internal/config.BasePath=/usr/local/share/tiny-dfr/config.toml' ./cmd/tiny-dfr
//
// Icons named in a config are looked up in the directories of both.
var (
	BasePath = "/usr/share/tiny-dfr/config.toml" // the shipped template
	UserPath = "/etc/tiny-dfr/config.toml"       // the administrator's overrides
)

// maxFileSize is the largest configuration file read, in bytes (1 MiB; the
// largest real-world config is about 12 KiB). Larger files are refused
// before they are read.
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
		dst.FontTemplatePos = src.FontTemplatePos
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
	if f.Has(keyLayer) {
		dst.Layers = make([]NamedLayer, len(src.Layers))
		for i, l := range src.Layers {
			l.Keys = cloneButtons(l.Keys)
			l.Apps = append([]AppLayer(nil), l.Apps...)
			dst.Layers[i] = l
		}
	}
	if f.Has(keyStyle) {
		dst.Style = src.Style
	}
	if f.Has(keyGroupTimeout) {
		dst.GroupTimeout = src.GroupTimeout
	}
	if f.Has(keyDimTimeout) {
		dst.DimTimeout = src.DimTimeout
	}
	if f.Has(keyOffTimeout) {
		dst.OffTimeout = src.OffTimeout
	}
	if f.Has(keyAutoEscape) {
		dst.NoAutoEscape = src.NoAutoEscape
	}
	if f.Has(keySessionUsers) {
		dst.SessionUsers = append([]string{}, src.SessionUsers...)
	}
	if f.Has(keyAppLayers) {
		dst.AppLayers = append([]AppLayer{}, src.AppLayers...)
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
	f, diags := Parse(name, data)
	if HasErrors(diags) {
		return diags
	}
	cfg := Default()
	f.Apply(cfg)
	return append(diags, Validate(cfg)...)
}

// ParseFile reads and parses the file at path; it is the one way configs
// are read, by the daemon (through Load), `render` and `check`. Only a
// regular file of at most maxFileSize bytes is read, opened without
// blocking (a FIFO, a device such as /dev/zero, a directory or a symlink
// loop is refused at once). A file that cannot be read gives one KindIO
// error diagnostic naming the path and why (errors.Is(d, fs.ErrNotExist)
// tells a missing file; the errno is kept).
func ParseFile(path string) (*File, []Diagnostic) {
	data, err := safefile.ReadFile(path, maxFileSize)
	if err != nil {
		return &File{Name: path, set: map[string]bool{}}, []Diagnostic{{
			Pos: Pos{File: path}, Severity: Error, Kind: KindIO,
			Msg: ioMessage(err), Err: err,
		}}
	}
	return Parse(path, data)
}

// ioMessage says why a config file could not be read, without repeating
// its path (the diagnostic's position names it).
func ioMessage(err error) string {
	var se *safefile.Error
	if !errors.As(err, &se) {
		return err.Error()
	}
	switch {
	case errors.Is(se.Err, safefile.ErrNotRegular):
		return fmt.Sprintf("is %s, not a regular file; not read as a config", se.Detail)
	case errors.Is(se.Err, safefile.ErrTooLarge):
		return fmt.Sprintf("too large for a config (%s); not read", se.Detail)
	case errors.Is(se.Err, unix.ELOOP):
		return "cannot read: too many levels of symbolic links (a symlink loop?)"
	}
	return "cannot read: " + se.Err.Error()
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
		if HasErrors(ds) {
			continue
		}
		// Names are checked on the merged result: a user file's button
		// may open a layer of the base file.
		next := *cfg
		f.Apply(&next)
		if vd := Validate(&next); HasErrors(vd) {
			diags = append(diags, vd...)
			continue
		}
		cfg = &next
	}
	return cfg, diags
}
