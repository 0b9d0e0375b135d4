package main

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const layersTOML = `AutoEscape = false
PrimaryLayerKeys = [ { Text = "F1", Action = "F1" }, { Text = "dev", Layer = "dev" }, { Text = "tools", Group = "tools" } ]
[Style]
Background = "#203040"
ButtonColor = "#805000"
[[Layer]]
Name = "dev"
Keys = [ { Text = "a", Action = "A" }, { Text = "b", Action = "B", Stretch = 2, Color = "#00ff00" } ]
[[Layer]]
Name = "tools"
Keys = [ { Slider = "touchbar", Stretch = 3 } ]
`

func renderFile(t *testing.T, cfg string, args ...string) image.Image {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "c.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "bar.png")
	all := append([]string{"render", "--base-config", filepath.Join(dir, "none.toml"), "--config", path, "-o", out}, args...)
	code, _, stderr := runCmd(t, all...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", all, code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func rgb(img image.Image, x, y int) [3]uint8 {
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

func TestRenderNamedLayers(t *testing.T) {
	t.Parallel()
	// The third layer by name and by index, at 2170 without esc: two
	// buttons of 1 and 2 slots over the whole bar.
	for _, layer := range []string{"dev", "2"} {
		img := renderFile(t, layersTOML, "--layer", layer, "--length", "2170")
		slot := (2170 - 16*2) / 3
		if c := rgb(img, 10, 30); c != [3]uint8{0x80, 0x50, 0x00} {
			t.Errorf("-layer %s: first button body %x, want ButtonColor (no esc)", layer, c)
		}
		if c := rgb(img, slot+8, 30); c != [3]uint8{0x20, 0x30, 0x40} {
			t.Errorf("-layer %s: gap %x, want Background", layer, c)
		}
		if c := rgb(img, slot+16+10, 30); c != [3]uint8{0x00, 0xff, 0x00} {
			t.Errorf("-layer %s: second button %x, want its Color", layer, c)
		}
	}
	// The group: × first, then the slider (drawn at -level).
	img := renderFile(t, layersTOML, "--layer", "tools", "--level", "1")
	slot := (2008 - 16*3) / 4
	white := 0
	for x := 0; x < slot; x++ {
		if rgb(img, x, 30) == [3]uint8{0xff, 0xff, 0xff} {
			white++
		}
	}
	if white == 0 {
		t.Error("no × in the group's first button")
	}
	// Level 1: the bar is white up to the slider's right end − 16.
	end := 2008 - 16 - 3
	if c := rgb(img, end, 30); c != [3]uint8{0xff, 0xff, 0xff} {
		t.Errorf("full slider bar end %x", c)
	}
	// The old names still work.
	renderFile(t, layersTOML, "--layer", "media")
	if code, _, stderr := runCmd(t, "render", "--config", "/nonexistent", "--base-config", "/nonexistent", "-o", filepath.Join(t.TempDir(), "x.png"), "--layer", "nope"); code != 2 || !strings.Contains(stderr, "primary, media") {
		t.Errorf("unknown layer: exit %d, %q", code, stderr)
	}
}

// TestCheckLayerDiagnostics: check gives each new error with file:line:col.
func TestCheckLayerDiagnostics(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, c := range map[string]struct {
		src, want string
	}{
		"unknown layer":   {"PrimaryLayerKeys = [ { Text = \"x\", Layer = \"dve\" } ]\n", `:1:44: Layer: no layer named "dve"`},
		"unknown group":   {"PrimaryLayerKeys = [ { Text = \"x\", Group = \"g\" } ]\n", `:1:44: Group: no layer named "g"`},
		"group cycle":     {"[[Layer]]\nName = \"a\"\nKeys = [ { Group = \"b\" } ]\n[[Layer]]\nName = \"b\"\nKeys = [ { Group = \"a\" } ]\n", `:6:20: Group: "a" opens itself`},
		"slider kind":     {"PrimaryLayerKeys = [ { Slider = \"bass\" } ]\n", `:1:33: PrimaryLayerKeys[0].Slider: unknown slider "bass"`},
		"bad colour":      {"[Style]\nTextColor = \"white\"\n", `:2:13: Style.TextColor: "white" is not a colour`},
		"negative":        {"DimTimeout = -3\n", `:1:14: DimTimeout: -3 is negative`},
		"slider + action": {"PrimaryLayerKeys = [ { Slider = \"volume\", Action = \"Mute\" } ]\n", `:1:43: PrimaryLayerKeys[0]: Slider and Action on one button`},
		"duplicate layer": {"[[Layer]]\nName = \"a\"\nKeys = [ {} ]\n[[Layer]]\nName = \"a\"\nKeys = [ {} ]\n", `:5:8: Layer[1].Name: a second layer named "a"`},
		"built-in name":   {"[[Layer]]\nName = \"media\"\nKeys = [ {} ]\n", `:2:8: Layer[0].Name: "media" is a built-in layer; set MediaLayerKeys instead`},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".toml")
		if err := os.WriteFile(path, []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCmd(t, "check", path)
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path+c.want))
		if code != 1 || !re.MatchString(stderr) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", name, code, stderr, path+c.want)
		}
	}
	// Warnings do not fail: OffTimeout 0, a fork key with its equivalent.
	warn := filepath.Join(dir, "warn.toml")
	os.WriteFile(warn, []byte("OffTimeout = 0\nDefaultLayer = \"media\"\n"), 0o644)
	code, stdout, stderr := runCmd(t, "check", warn)
	if code != 0 || !strings.Contains(stdout, "ok") || !strings.Contains(stderr, warn+":1:14: warning: OffTimeout: 0 keeps the bar lit") ||
		!strings.Contains(stderr, warn+":2:1: warning: unknown key \"DefaultLayer\", ignored; use MediaLayerDefault") {
		t.Errorf("warnings: exit %d, %q, %q", code, stdout, stderr)
	}
}

// TestDocsExample: the documented example checks clean and renders every
// layer (the screenshots in docs/ are made from it).
func TestDocsExample(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "docs", "examples", "layers.toml")
	code, _, stderr := runCmd(t, "check", path)
	if code != 0 || stderr != "" {
		t.Fatalf("check %s: exit %d, %q", path, code, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, layer := range []string{"primary", "media", "dev", "controls"} {
		renderFile(t, string(data), "--layer", layer)
	}
}
