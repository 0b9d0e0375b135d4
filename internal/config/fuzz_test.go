package config

import (
	"fmt"
	"strings"
	"testing"

	"tiny-dfr/internal/assets"
)

func FuzzParse(f *testing.F) {
	f.Add(assets.DefaultConfig)
	for _, s := range []string{
		"",
		"PrimaryLayerKeys = [ { Text = \"a\", Action = [\"LeftCtrl\", \"F1\"], Stretch = 2 } ]\n",
		"[[MediaLayerKeys]]\nIcon = \"x\"\nStretch = 1.5\n[Style]\nPrimaryLayerKeys = []\n",
		"PrimaryLayerKeys = [\n { Time = \"%H:%Q\",\n } ]\n",
		"a.b.c = 1\n[a]\n[[x.y]]\nz = { q = [1, [2, {r = 3}]] }\n",
		"Battery = true\nPrimaryLayerKeys = [ { Battery = \"x\", Locale = \"de\" } ]",
		"FontTemplate = \"\\u00e9\\e\"\r\n",
		// Shapes of the inputs that froze the parser, just over the limits.
		strings.Repeat("a.", maxKeyParts) + "a = 1\n",
		"[" + strings.Repeat("a.", maxKeyParts) + "a]\n",
		"x = " + strings.Repeat("[{a=", maxNesting/2) + "1" + strings.Repeat("}]", maxNesting/2) + "\n",
		"PrimaryLayerKeys = [ " + strings.Repeat("{ Text = \"a\" }, ", maxButtons) + "{} ]\n",
		"PrimaryLayerKeys = [ { Time = \"" + strings.Repeat("%S", maxTimeLen/2+1) + "\", Action = [" + strings.Repeat("\"A\",", maxActionKeys+1) + "] } ]\n",
		lines(maxEntries+1, func(i int) string { return fmt.Sprintf("k%d = 1", i) }),
		"x = [" + strings.Repeat("1,", maxElements) + "1]\n",
		// Issue 12: layers, groups, sliders, style, timing.
		"GroupTimeout = 5\nOffTimeout = 0\nDisableEscapeKey = true\nPrimaryLayerKeys = [ { Layer = \"dev\" }, { Slider = \"volume\", Action = \"Mute\" } ]\n" +
			"[Style]\nBackground = \"#123\"\nFontSize = 31.0\nButtonSpacing = -1\n[[Layer]]\nName = \"dev\"\nKeys = [ { Group = \"dev\", Color = \"#zz\" } ]\n",
		"[[Layer]]\nName = \"a\"\nKeys = [ { Group = \"b\" } ]\n[[Layer]]\nName = \"b\"\nKeys = [ { Group = \"a\" } ]\n[[Layer]]\nName = \"a\"\n",
		strings.Repeat("[[Layer]]\nName = \"x\"\nKeys = [ {} ]\n", maxLayers+1),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkScanCounts(t, data)
		file, diags := Parse("f.toml", data)
		if file == nil {
			t.Fatal("nil File")
		}
		for _, d := range diags {
			if !insideFile(data, d.Pos) || d.Pos.File != "f.toml" {
				t.Fatalf("diagnostic outside the file: %v", d)
			}
		}
		if !HasErrors(diags) {
			c := builtinDefault()
			file.Apply(c)
			for _, d := range Validate(c) {
				if !insideFile(data, d.Pos) || d.Pos.File != "f.toml" {
					t.Fatalf("validation diagnostic outside the file: %v", d)
				}
			}
			if len(c.Layers) > maxLayers {
				t.Fatalf("%d layers", len(c.Layers))
			}
			for _, l := range [][]Button{c.PrimaryLayerKeys, c.MediaLayerKeys} {
				if len(l) == 0 {
					t.Fatal("a clean file left an empty layer")
				}
				for _, b := range l {
					if b.Stretch < 1 || len(b.Codes) != len(b.Action) {
						t.Fatalf("bad button %+v", b)
					}
				}
			}
		}
	})
}

func BenchmarkLoadDefault(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(assets.DefaultConfig)))
	for b.Loop() {
		if c := Default(); len(c.PrimaryLayerKeys) == 0 {
			b.Fatal("empty default")
		}
	}
}
