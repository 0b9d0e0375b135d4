package config

import (
	"fmt"
	"strings"
	"testing"
)

// want is the part of a Diagnostic a rule test pins: what and where.
type want struct {
	Sev       Severity
	Kind      Kind
	Line, Col int
}

func (w want) String() string {
	s := "error"
	if w.Sev == Warning {
		s = "warning"
	}
	return fmt.Sprintf("%s %s at %d:%d", s, w.Kind, w.Line, w.Col)
}

func wantsOf(diags []Diagnostic) []want {
	var out []want
	for _, d := range diags {
		out = append(out, want{d.Severity, d.Kind, d.Pos.Line, d.Pos.Col})
	}
	return out
}

func E(k Kind, line, col int) want { return want{Error, k, line, col} }
func W(k Kind, line, col int) want { return want{Warning, k, line, col} }

func TestRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		src  string
		want []want
	}{
		{"empty file", "", nil},
		{"scalars", "MediaLayerDefault = true\nActiveBrightness = 255\nFontTemplate = \"\"\n", nil},
		{"syntax: missing value", "MediaLayerDefault =\n", []want{E(KindSyntax, 1, 20)}},
		{"syntax: unterminated header", "[layers.primary = 1\n", []want{E(KindSyntax, 1, 17)}},
		{"syntax: duplicate key", "ActiveBrightness = 1\nActiveBrightness = 2\n", []want{E(KindSyntax, 2, 1)}},
		{"toml 1.1: multi-line inline table", "PrimaryLayerKeys = [\n  { Text = \"a\",\n    Action = \"A\" },\n]\n",
			[]want{E(KindSyntax, 2, 3)}},
		{"toml 1.1: trailing comma in inline table", "PrimaryLayerKeys = [ { Text = \"a\", Action = \"A\", } ]\n",
			[]want{E(KindSyntax, 1, 48)}},
		{"toml 1.1: \\e escape", "FontTemplate = \"a\\eb\"\n", []want{E(KindSyntax, 1, 18)}},
		{"toml 1.0: braces, hashes and commas inside strings", "PrimaryLayerKeys = [ { Text = \"{,}#\", Icon = '}', Time = \"%%,\" } ]\n", nil},
		{"toml 1.0: multi-line array inside an inline table", "PrimaryLayerKeys = [ { Text = \"a\", Action = [\n \"LeftCtrl\", # ctrl\n \"F1\",\n] } ]\n", nil},
		{"toml 1.0: multi-line string inside an inline table", "PrimaryLayerKeys = [ { Text = \"\"\"a\n}b\"\"\" } ]\n", nil},
		{"toml 1.0: literal multi-line string ending in quotes", "FontTemplate = '''x''''\nPrimaryLayerKeys = [ { Text = \"a\", } ]\n", []want{E(KindSyntax, 2, 34)}},
		{"trailing comma in array is TOML 1.0", "PrimaryLayerKeys = [ { Text = \"a\" }, ]\n", nil},
		{"bool as string", "ShowButtonOutlines = \"yes\"\n", []want{E(KindType, 1, 22)}},
		{"string as bool", "FontTemplate = true\n", []want{E(KindType, 1, 16)}},
		{"brightness too high", "ActiveBrightness = 256\n", []want{E(KindRange, 1, 20)}},
		{"brightness negative", "ActiveBrightness = -1\n", []want{E(KindRange, 1, 20)}},
		{"brightness float", "ActiveBrightness = 12.5\n", []want{E(KindType, 1, 20)}},
		{"double press negative", "DoublePressSwitchLayers = -200\n", []want{E(KindRange, 1, 27)}},
		{"double press ok", "DoublePressSwitchLayers = 200\n", nil},
		{"double press too large", "DoublePressSwitchLayers = 4294967296\n", []want{E(KindRange, 1, 27)}},
		{"unknown top-level key", "\nFnToggleLayers = false\n", []want{W(KindUnknownKey, 2, 1)}},
		{"unknown table holding a layer", "[Look]\nColor = 1\nPrimaryLayerKeys = [ { Text = \"a\" } ]\n",
			[]want{W(KindUnknownKey, 1, 2)}},
		{"empty layer", "PrimaryLayerKeys = []\n", []want{E(KindEmptyLayer, 1, 20)}},
		{"empty media layer", "MediaLayerKeys = []\n", []want{E(KindEmptyLayer, 1, 18)}},
		{"layer not an array", "PrimaryLayerKeys = \"F1\"\n", []want{E(KindType, 1, 20)}},
		{"layer element not a table", "PrimaryLayerKeys = [ \"F1\" ]\n", []want{E(KindType, 1, 22)}},
		{"action string", "PrimaryLayerKeys = [ { Text = \"a\", Action = \"F1\" } ]\n", nil},
		{"action array", "PrimaryLayerKeys = [ { Text = \"a\", Action = [\"LeftCtrl\", \"LeftAlt\", \"F1\"] } ]\n", nil},
		{"action empty array", "PrimaryLayerKeys = [ { Stretch = 2, Action = [] } ]\n", nil},
		{"action placeholder names", "PrimaryLayerKeys = [ { Action = \"Reserved\" }, { Action = \"UnknownFB\" } ]\n", nil},
		{"action unknown", "PrimaryLayerKeys = [ { Text = \"a\", Action = \"f1\" } ]\n",
			[]want{E(KindUnknownAction, 1, 45)}},
		{"action unknown in array", "PrimaryLayerKeys = [ { Action = [\"LeftMeta\", \"super_l\"] } ]\n",
			[]want{E(KindUnknownAction, 1, 46)}},
		{"action number", "PrimaryLayerKeys = [ { Action = 59 } ]\n", []want{E(KindType, 1, 33)}},
		{"action array of numbers", "PrimaryLayerKeys = [ { Action = [59, \"F1\"] } ]\n", []want{E(KindType, 1, 34)}},
		{"stretch float", "PrimaryLayerKeys = [ { Text = \"a\", Stretch = 1.5 } ]\n", []want{E(KindType, 1, 46)}},
		{"stretch negative", "PrimaryLayerKeys = [ { Text = \"a\", Stretch = -2 } ]\n", []want{E(KindRange, 1, 46)}},
		{"stretch zero", "PrimaryLayerKeys = [ { Text = \"a\", Stretch = 0 } ]\n", []want{W(KindStretchZero, 1, 46)}},
		{"stretch huge", "PrimaryLayerKeys = [ { Stretch = 100000 } ]\n", []want{E(KindRange, 1, 34)}},
		{"battery modes", "PrimaryLayerKeys = [ { Battery = \"percentage\" }, { Battery = \"icon\" }, { Battery = \"both\" } ]\n", nil},
		{"battery unknown", "PrimaryLayerKeys = [ { Battery = \"calculated\" } ]\n", []want{E(KindBattery, 1, 34)}},
		{"battery true", "PrimaryLayerKeys = [ { Battery = true, Action = \"Battery\" } ]\n", []want{W(KindDeprecated, 1, 34)}},
		{"battery number", "PrimaryLayerKeys = [ { Battery = 1 } ]\n", []want{E(KindType, 1, 34)}},
		{"time shorthands", "PrimaryLayerKeys = [ { Time = \"24hr\" }, { Time = \"12hr\", Locale = \"en_IN\" } ]\n", nil},
		{"time strftime", "PrimaryLayerKeys = [ { Time = \"%H:%M %-e.%m.%Y\", Stretch = 3 } ]\n", nil},
		{"time bad specifier", "PrimaryLayerKeys = [ { Time = \"%H:%Q\" } ]\n", []want{E(KindTime, 1, 35)}},
		{"time bad specifier with escape", "PrimaryLayerKeys = [ { Time = \"\\t%Q\" } ]\n", []want{E(KindTime, 1, 31)}},
		{"time lone percent", "PrimaryLayerKeys = [ { Time = 'x %' } ]\n", []want{E(KindTime, 1, 34)}},
		{"locale unknown", "PrimaryLayerKeys = [ { Time = \"24hr\", Locale = \"xx_YY\" } ]\n", []want{W(KindLocale, 1, 48)}},
		{"icon size", "PrimaryLayerKeys = [ { Icon = \"a\", IconWidth = 96, IconHeight = 0 } ]\n", []want{E(KindRange, 1, 65)}},
		{"svg alias", "PrimaryLayerKeys = [ { Svg = \"a\" } ]\n", nil},
		{"svg and icon", "PrimaryLayerKeys = [ { Svg = \"a\", Icon = \"b\" } ]\n", []want{W(KindDeprecated, 1, 24)}},
		{"unknown button field", "PrimaryLayerKeys = [ { Text = \"a\", text = \"b\", Mode = \"x\" } ]\n",
			[]want{W(KindUnknownKey, 1, 36), W(KindUnknownKey, 1, 48)}},
		{"array of tables", "[[PrimaryLayerKeys]]\nText = \"F1\"\nAction = \"F1\"\n\n[[PrimaryLayerKeys]]\nStretch = 1.5\n",
			[]want{E(KindType, 6, 11)}},
		{"every problem reported", "ActiveBrightness = 300\nPrimaryLayerKeys = [ { Action = \"F99\" }, { Stretch = -1 } ]\nMediaLayerKeys = []\n",
			[]want{E(KindRange, 1, 20), E(KindUnknownAction, 2, 33), E(KindRange, 2, 54), E(KindEmptyLayer, 3, 18)}},
		{"indented keys and CRLF", "  MediaLayerDefault = true\r\n  Foo = 1\r\n", []want{W(KindUnknownKey, 2, 3)}},
		{"non-ASCII before value", "# ✓ ok\nActiveBrightness = 999\n", []want{E(KindRange, 2, 20)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			diags := Check("t.toml", []byte(tc.src))
			got := wantsOf(diags)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Check(%q):\n got  %v\n want %v", tc.src, got, tc.want)
				for _, d := range diags {
					t.Log(d.Error())
				}
			}
			for _, d := range diags {
				if d.Pos.File != "t.toml" || d.Msg == "" {
					t.Errorf("diagnostic %+v lacks file or message", d)
				}
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	t.Parallel()
	src := `MediaLayerDefault = true
ShowButtonOutlines = false
EnablePixelShift = true
FontTemplate = "DejaVu Sans:bold"
AdaptiveBrightness = false
ActiveBrightness = 0x40
DoublePressSwitchLayers = 1_000
PrimaryLayerKeys = [
  { Text = "Lock", Icon = "lock", Action = [ "LeftMeta", "L" ], Stretch = 2 },
  { Svg = "old", Theme = "breeze", IconWidth = 96, IconHeight = 32 },
  { Time = "12hr", Locale = "de_DE", Action = "Time", Stretch = 0 },
  { Battery = true, Action = [] },
  { Stretch = 3 },
]
`
	f, diags := Parse("t.toml", []byte(src))
	if HasErrors(diags) {
		t.Fatal(diags)
	}
	for _, k := range TopLevelKeys() {
		if f.Has(k) != (k != keyMediaLayerKeys) {
			t.Errorf("Has(%s) = %v", k, f.Has(k))
		}
	}
	c := f.Config
	if !c.MediaLayerDefault || c.ShowButtonOutlines || !c.EnablePixelShift || c.FontTemplate != "DejaVu Sans:bold" ||
		c.AdaptiveBrightness || c.ActiveBrightness != 64 || c.DoublePressSwitchLayers != 1000 {
		t.Errorf("scalars = %+v", c)
	}
	bs := c.PrimaryLayerKeys
	if len(bs) != 5 {
		t.Fatalf("%d buttons", len(bs))
	}
	check := func(i int, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("button %d: got %v, want %v", i, got, want)
		}
	}
	check(0, []any{bs[0].Text, bs[0].Icon, bs[0].Action, bs[0].Codes, bs[0].Stretch, bs[0].Pos}, []any{"Lock", "lock", []string{"LeftMeta", "L"}, []uint16{125, 38}, 2, "t.toml:9:3"})
	check(1, []any{bs[1].Icon, bs[1].Theme, bs[1].IconWidth, bs[1].IconHeight, bs[1].Stretch}, []any{"old", "breeze", 96, 32, 1})
	check(2, []any{bs[2].Time, bs[2].Locale, bs[2].Codes, bs[2].Stretch}, []any{"12hr", "de_DE", []uint16{0x167}, 1})
	// Battery = true: the old boolean form shows the percentage (and warns).
	check(3, []any{bs[3].Battery, len(bs[3].Action), bs[3].IconWidth}, []any{"percentage", 0, 48})
	check(4, []any{bs[4].Text, bs[4].Icon, bs[4].Time, bs[4].Battery, bs[4].Stretch}, []any{"", "", "", "", 3})
	if got := fmt.Sprint(wantsOf(diags)); got != fmt.Sprint([]want{W(KindStretchZero, 11, 65), W(KindDeprecated, 12, 15)}) {
		t.Errorf("diags = %v", got)
	}
}

// TestBatteryBool pins the decision about the boolean Battery an early
// upstream template documented: true shows the percentage, false shows no
// battery; both warn (KindDeprecated) and neither stops the file.
func TestBatteryBool(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		src, mode string
	}{
		{"PrimaryLayerKeys = [ { Battery = true, Action = \"Battery\" } ]\n", "percentage"},
		{"PrimaryLayerKeys = [ { Battery = false, Text = \"x\" } ]\n", ""},
	} {
		f, diags := Parse("t.toml", []byte(tc.src))
		if got := fmt.Sprint(wantsOf(diags)); got != fmt.Sprint([]want{W(KindDeprecated, 1, 34)}) {
			t.Errorf("%q: diags = %v", tc.src, got)
		}
		if b := f.Config.PrimaryLayerKeys[0].Battery; b != tc.mode {
			t.Errorf("%q: Battery = %q, want %q", tc.src, b, tc.mode)
		}
	}
}

func TestDiagnosticText(t *testing.T) {
	t.Parallel()
	diags := Check("/etc/tiny-dfr/config.toml", []byte("PrimaryLayerKeys = [ { Action = \"super_l\" } ]\nFoo = 1\n"))
	if len(diags) != 2 {
		t.Fatal(diags)
	}
	e, w := diags[0].Error(), diags[1].Error()
	if !strings.HasPrefix(e, "/etc/tiny-dfr/config.toml:1:33: ") || !strings.Contains(e, `"LeftMeta"`) {
		t.Errorf("error text %q lacks position or suggestion", e)
	}
	if !strings.HasPrefix(w, "/etc/tiny-dfr/config.toml:2:1: warning: ") {
		t.Errorf("warning text %q", w)
	}
}

func TestDiagnosticsInFileOrder(t *testing.T) {
	t.Parallel()
	// The [[MediaLayerKeys]] table is decoded after the scalar below it
	// would be if order followed keys; diagnostics still come in file order.
	src := "[[PrimaryLayerKeys]]\nStretch = -1\n[[MediaLayerKeys]]\nStretch = 0.5\n[[PrimaryLayerKeys]]\nAction = \"nope\"\n"
	got := fmt.Sprint(wantsOf(Check("t.toml", []byte(src))))
	want := fmt.Sprint([]want{E(KindRange, 2, 11), E(KindType, 4, 11), E(KindUnknownAction, 6, 10)})
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSuggestField(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"showbuttonoutlines": "ShowButtonOutlines",
		"ShowButtonOutline":  "ShowButtonOutlines",
		"MediaLayerDefualt":  "MediaLayerDefault",
		"FnLayerKeys":        "",
		"InfoLayerKeys":      "",
		"DimBrightness":      "",
		"Icons":              "",
		"Option":             "",
	} {
		if got := suggest(in, TopLevelKeys()); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"IconWidht": "IconWidth", "Option": "", "Stretc": "Stretch", "Locales": "Locale"} {
		if got := suggest(in, ButtonFields()); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
