package config

import "testing"

func TestKeyCodeAndName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		code uint16
	}{
		{"Reserved", 0}, {"Esc", 1}, {"F1", 59}, {"F12", 88}, {"Sysrq", 99},
		{"WWW", 150}, {"StopCD", 166}, {"Time", 0x167}, {"Battery", 236},
		{"Fn", 0x1d0}, {"UnknownFB", 251}, {"Unknown2FF", 767}, {"MicMute", 248},
	} {
		c, ok := KeyCode(tc.name)
		if !ok || c != tc.code {
			t.Errorf("KeyCode(%q) = %d, %v; want %d", tc.name, c, ok, tc.code)
		}
		if n := KeyName(tc.code); n != tc.name {
			t.Errorf("KeyName(%d) = %q; want %q", tc.code, n, tc.name)
		}
	}
	for _, bad := range []string{"f1", "esc", "SysRq", "Www", "", "KEY_F1", "F25"} {
		if c, ok := KeyCode(bad); ok {
			t.Errorf("KeyCode(%q) = %d, true; want not found (names are case-sensitive)", bad, c)
		}
	}
	if n := KeyName(768); n != "" {
		t.Errorf("KeyName(768) = %q, want \"\"", n)
	}
}

func TestKeyNamesCoverEveryCode(t *testing.T) {
	t.Parallel()
	names := KeyNames()
	if len(names) != 768 {
		t.Fatalf("len(KeyNames()) = %d, want 768", len(names))
	}
	for i, k := range names {
		c, ok := KeyCode(k.Name)
		if !ok || int(c) != i || k.Code != c {
			t.Errorf("KeyNames()[%d] = %+v; KeyCode gives %d, %v", i, k, c, ok)
		}
	}
	names[0].Name = "changed"
	if KeyNames()[0].Name != "Reserved" {
		t.Error("KeyNames shares its slice between calls")
	}
}

func TestSuggestKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"f1":             "F1",
		"F1":             "F1",
		"esc":            "Esc",
		"super_l":        "LeftMeta",
		"Super_L":        "LeftMeta",
		"KEY_VOLUMEUP":   "VolumeUp",
		"VolumUp":        "VolumeUp",
		"PlayPuase":      "PlayPause",
		"sysrq":          "Sysrq",
		"PrtSc":          "Sysrq",
		"www":            "WWW",
		"ctrl":           "LeftCtrl",
		"brightnessup":   "BrightnessUp",
		"Expand_Omarchy": "",
		"Command_1":      "",
		"":               "",
		"xyzzy":          "",
	} {
		if got := SuggestKey(in); got != want {
			t.Errorf("SuggestKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b      string
		max, want int
	}{
		{"kitten", "sitting", 10, 3},
		{"", "abc", 10, 3},
		{"abc", "abc", 10, 0},
		{"abcdef", "zzzzzz", 2, 2}, // capped
		{"a", "abcdefgh", 3, 3},    // length difference alone exceeds max
	} {
		if got := editDistance(tc.a, tc.b, tc.max); got != tc.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
		}
	}
}
