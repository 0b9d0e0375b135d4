package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestLayerRules: every new key of issue 12 with its positioned diagnostic.
func TestLayerRules(t *testing.T) {
	t.Parallel()
	dev := "[[Layer]]\nName = \"dev\"\nKeys = [ { Text = \"a\", Action = \"A\" } ]\n"
	for _, tc := range []struct {
		name string
		src  string
		want []want
	}{
		{"layers and buttons", "PrimaryLayerKeys = [ { Text = \"dev\", Layer = \"dev\" }, { Text = \"g\", Group = \"dev\" } ]\n" + dev, nil},
		{"unknown layer", "PrimaryLayerKeys = [ { Text = \"x\", Layer = \"deb\" } ]\n" + dev, []want{E(KindLayerName, 1, 44)}},
		{"unknown group", "PrimaryLayerKeys = [ { Text = \"x\", Group = \"nope\" } ]\n", []want{E(KindLayerName, 1, 44)}},
		{"group on a built-in layer", "PrimaryLayerKeys = [ { Text = \"x\", Group = \"media\" } ]\n", []want{E(KindLayerName, 1, 44)}},
		{"layer to media is fine", "PrimaryLayerKeys = [ { Text = \"x\", Layer = \"media\" } ]\n", nil},
		{"group opens itself", "PrimaryLayerKeys = [ { Text = \"g\", Group = \"a\" } ]\n" +
			"[[Layer]]\nName = \"a\"\nKeys = [ { Text = \"b\", Group = \"b\" } ]\n" +
			"[[Layer]]\nName = \"b\"\nKeys = [ { Text = \"a\", Group = \"a\" } ]\n",
			[]want{E(KindGroupCycle, 7, 32)}},
		{"group opens itself directly", "[[Layer]]\nName = \"a\"\nKeys = [ { Group = \"a\" } ]\n", []want{E(KindGroupCycle, 3, 20)}},
		{"nested groups without a cycle", "[[Layer]]\nName = \"a\"\nKeys = [ { Group = \"b\" } ]\n[[Layer]]\nName = \"b\"\nKeys = [ { Layer = \"a\" } ]\n", nil},
		{"duplicate layer", dev + dev, []want{E(KindLayerName, 5, 8)}},
		{"layer named primary", "[[Layer]]\nName = \"primary\"\nKeys = [ { Text = \"a\" } ]\n", []want{E(KindLayerName, 2, 8)}},
		{"layer without name or keys", "[[Layer]]\nKeys = [ { Text = \"a\" } ]\n[[Layer]]\nName = \"x\"\n",
			[]want{E(KindLayerName, 1, 3), E(KindEmptyLayer, 3, 3)}},
		{"layer with empty keys", "[[Layer]]\nName = \"x\"\nKeys = []\n", []want{E(KindEmptyLayer, 3, 8)}},
		{"layer buttons field", "[[Layer]]\nName = \"x\"\nKeys = [ {} ]\nButtons = [ {} ]\n", []want{W(KindUnknownKey, 4, 1)}},
		{"slider kinds", "PrimaryLayerKeys = [ { Slider = \"brightness\", Stretch = 3 }, { Slider = \"keyboard\" }, { Slider = \"touchbar\" }, { Slider = \"Volume\" } ]\n", nil},
		{"slider unknown", "PrimaryLayerKeys = [ { Slider = \"bright\" } ]\n", []want{E(KindSlider, 1, 33)}},
		{"slider alias", "PrimaryLayerKeys = [ { Slider = \"KeyboardBacklight\" } ]\n", []want{W(KindDeprecated, 1, 33)}},
		{"slider with action", "PrimaryLayerKeys = [ { Slider = \"volume\", Action = \"Mute\" } ]\n", []want{E(KindConflict, 1, 43)}},
		{"slider with layer", "PrimaryLayerKeys = [ { Layer = \"media\", Slider = \"volume\" } ]\n", []want{E(KindConflict, 1, 24)}},
		{"layer with action", "PrimaryLayerKeys = [ { Layer = \"media\", Action = \"A\" } ]\n", []want{E(KindConflict, 1, 41)}},
		{"slider with empty action", "PrimaryLayerKeys = [ { Slider = \"volume\", Action = [] } ]\n", nil},
		{"colours", "PrimaryLayerKeys = [ { Text = \"a\", Color = \"#123\", ColorActive = \"#12345678\", TextColor = \"#AbCdEf\" } ]\n", nil},
		{"bad colour", "PrimaryLayerKeys = [ { Text = \"a\", Color = \"#12345\" } ]\n", []want{E(KindColor, 1, 44)}},
		{"colour not a string", "[Style]\nBackground = 0x123456\n", []want{E(KindColor, 2, 14)}},
		{"style", "[Style]\nBackground = \"#000\"\nButtonColor = \"#333333\"\nButtonColorActive = \"#666666ff\"\nTextColor = \"#fff\"\nFontSize = 32\nIconSize = 40\nCornerRadius = 0\nButtonSpacing = 8.0\n", nil},
		{"style bad sizes", "[Style]\nFontSize = 0\nCornerRadius = -1\nButtonSpacing = 2.5\n",
			[]want{E(KindRange, 2, 12), E(KindRange, 3, 16), E(KindRange, 4, 17)}},
		{"style fork keys", "[Style]\nHeightPercent = 90\nColour = \"#fff\"\n", []want{W(KindUnknownKey, 2, 1), W(KindUnknownKey, 3, 1)}},
		{"style scope trap", "[Style]\nPrimaryLayerKeys = [ { Text = \"a\" } ]\n", []want{W(KindUnknownKey, 2, 1)}},
		{"timeouts", "GroupTimeout = 0\nDimTimeout = 5\nOffTimeout = 120\n", nil},
		{"negative timeouts", "GroupTimeout = -1\nDimTimeout = -5\nOffTimeout = -1\n",
			[]want{E(KindRange, 1, 16), E(KindRange, 2, 14), E(KindRange, 3, 14)}},
		{"off never", "OffTimeout = 0\n", []want{W(KindBurnIn, 1, 14)}},
		{"auto escape", "AutoEscape = false\n", nil},
		{"disable escape alias", "DisableEscapeKey = true\n", nil},
		{"both escape keys", "AutoEscape = true\nDisableEscapeKey = true\n", []want{W(KindDeprecated, 2, 1)}},
		{"fork keys", "DefaultLayer = \"media\"\nPrimaryLayerKeys = [ { Text = \"a\", OpenLayer = \"x\" } ]\n",
			[]want{W(KindUnknownKey, 1, 1), W(KindUnknownKey, 2, 36)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			diags := Check("t.toml", []byte(tc.src))
			got := wantsOf(diags)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Check(%q):\n got  %v\n want %v", tc.src, got, tc.want)
			}
			for _, d := range diags {
				t.Log(d.Error())
				if d.Pos.File != "t.toml" || d.Msg == "" {
					t.Errorf("diagnostic %+v lacks file or message", d)
				}
			}
		})
	}
}

func TestForkKeysNameEquivalent(t *testing.T) {
	t.Parallel()
	diags := Check("t.toml", []byte("ExpandableTimeoutSeconds = 10\nPrimaryLayerKeys = [ { OpenOverlay = \"x\" } ]\n"))
	if len(diags) != 2 || !strings.Contains(diags[0].Msg, "GroupTimeout") || !strings.Contains(diags[1].Msg, "Group = ") {
		t.Fatalf("fork keys without their equivalent: %v", diags)
	}
}

func TestParseLayersAndStyle(t *testing.T) {
	t.Parallel()
	src := `GroupTimeout = 5
DimTimeout = 20
OffTimeout = 40
DisableEscapeKey = true
PrimaryLayerKeys = [ { Text = "dev", Layer = "dev", Color = "#f00" }, { Slider = "touchbar", Stretch = 2 } ]
[Style]
Background = "#102030"
TextColor = "#0f08"
ButtonSpacing = 0
[[Layer]]
Name = "dev"
Keys = [ { Text = "x", Group = "tools" } ]
[[Layer]]
Name = "tools"
Keys = [ { Icon = "search", IconWidth = 30 } ]
`
	f, diags := Parse("t.toml", []byte(src))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	c := Default()
	f.Apply(c)
	if vd := Validate(c); len(vd) != 0 {
		t.Fatal(vd)
	}
	if c.GroupTimeout != 5 || c.DimTimeout != 20 || c.OffTimeout != 40 || !c.NoAutoEscape {
		t.Errorf("timing/esc = %d %d %d %v", c.GroupTimeout, c.DimTimeout, c.OffTimeout, c.NoAutoEscape)
	}
	if got := c.LayerNames(); fmt.Sprint(got) != "[primary media dev tools]" {
		t.Errorf("LayerNames = %v", got)
	}
	b := c.PrimaryLayerKeys[0]
	if b.Layer != "dev" || b.Color != (Color{0xff, 0, 0, 0xff, true}) || b.LayerPos.Line != 5 {
		t.Errorf("button 0 = %+v", b)
	}
	if s := c.PrimaryLayerKeys[1]; s.Slider != SliderTouchBar || s.Stretch != 2 {
		t.Errorf("slider = %+v", s)
	}
	st := c.Style
	if st.Background != (Color{0x10, 0x20, 0x30, 0xff, true}) || st.TextColor != (Color{0, 0xff, 0, 0x88, true}) ||
		!st.ButtonSpacingSet || st.ButtonSpacing != 0 || st.ButtonColor.Set {
		t.Errorf("style = %+v", st)
	}
	if k := c.LayerKeys(3); len(k) != 1 || !k[0].IconWidthSet || k[0].IconHeightSet {
		t.Errorf("tools keys = %+v", k)
	}
	d := Default()
	if d.GroupTimeout != 10 || d.DimTimeout != 30 || d.OffTimeout != 60 || d.NoAutoEscape || len(d.Layers) != 0 {
		t.Errorf("defaults = %+v", d)
	}
}

func TestParseColor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Color{
		"#abc":      {0xaa, 0xbb, 0xcc, 0xff, true},
		"#abcd":     {0xaa, 0xbb, 0xcc, 0xdd, true},
		"#a1B2c3":   {0xa1, 0xb2, 0xc3, 0xff, true},
		"#a1b2c300": {0xa1, 0xb2, 0xc3, 0, true},
		"":          {}, "#": {}, "abc": {}, "#abcde": {}, "#abcdefabc": {}, "#ggg": {}, "#a1b2c3d4e5": {},
	} {
		got, ok := ParseColor(in)
		if got != want || ok != want.Set {
			t.Errorf("ParseColor(%q) = %+v %v, want %+v", in, got, ok, want)
		}
	}
}

// TestLoadRejectsUnknownLayer: a user file naming a layer that does not
// exist is not used; one naming a base file's layer is.
func TestLoadRejectsUnknownLayer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := writeFile(t, dir, "base.toml", "[[Layer]]\nName = \"dev\"\nKeys = [ { Text = \"d\" } ]\n")
	bad := writeFile(t, dir, "bad.toml", "PrimaryLayerKeys = [ { Text = \"x\", Group = \"nope\" } ]\n")
	good := writeFile(t, dir, "good.toml", "PrimaryLayerKeys = [ { Text = \"x\", Group = \"dev\" } ]\n")
	cfg, diags := Load(base, bad)
	if !HasErrors(diags) || diags[0].Pos.Line != 1 || diags[0].Pos.File != bad || cfg.PrimaryLayerKeys[0].Text != "F1" {
		t.Fatalf("bad user file: %v, %+v", diags, cfg.PrimaryLayerKeys[0])
	}
	cfg, diags = Load(base, good)
	if len(diags) != 0 || cfg.PrimaryLayerKeys[0].Group != "dev" || len(cfg.Layers) != 1 {
		t.Fatalf("good user file: %v", diags)
	}
}

func TestLayerLimit(t *testing.T) {
	t.Parallel()
	src := strings.Repeat("[[Layer]]\nName = \"x\"\nKeys = [ {} ]\n", maxLayers+1)
	diags := Check("t.toml", []byte(src))
	found := false
	for _, d := range diags {
		if d.Kind == KindLimit && d.Pos.Line == 3*maxLayers+1 {
			found = true
		}
	}
	if !found {
		t.Fatalf("no limit error at layer %d: %v", maxLayers+1, diags)
	}
}
