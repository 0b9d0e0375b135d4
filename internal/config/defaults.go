package config

import "tiny-dfr/internal/assets"

// DefaultName is the file name positions in the embedded default carry.
const DefaultName = "(built-in config.toml)"

// Default returns the configuration of the embedded default template
// (internal/assets/config.toml), on top of the built-in defaults.
func Default() *Config {
	cfg := builtinDefault()
	f, diags := Parse(DefaultName, assets.DefaultConfig)
	if !HasErrors(diags) {
		f.Apply(cfg)
	}
	return cfg
}

// builtinDefault is the spec's default for every key. The embedded template
// must say the same (a test checks).
func builtinDefault() *Config {
	c := &Config{
		ShowButtonOutlines: true,
		FontTemplate:       ":bold",
		AdaptiveBrightness: true,
		ActiveBrightness:   128,
		GroupTimeout:       10,
		DimTimeout:         30,
		OffTimeout:         60,
	}
	fkeys := []string{"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12"}
	for _, k := range fkeys {
		c.PrimaryLayerKeys = append(c.PrimaryLayerKeys, defaultButton(Button{Text: k}, k))
	}
	media := [][2]string{
		{"brightness_low", "BrightnessDown"}, {"brightness_high", "BrightnessUp"},
		{"mic_off", "MicMute"}, {"search", "Search"},
		{"backlight_low", "IllumDown"}, {"backlight_high", "IllumUp"},
		{"fast_rewind", "PreviousSong"}, {"play_pause", "PlayPause"},
		{"fast_forward", "NextSong"}, {"volume_off", "Mute"},
		{"volume_down", "VolumeDown"}, {"volume_up", "VolumeUp"},
	}
	for _, m := range media {
		c.MediaLayerKeys = append(c.MediaLayerKeys, defaultButton(Button{Icon: m[0]}, m[1]))
	}
	return c
}

func defaultButton(b Button, action string) Button {
	code, _ := KeyCode(action)
	b.Action, b.Codes = []string{action}, []uint16{code}
	b.Stretch, b.IconWidth, b.IconHeight = 1, 48, 48
	return b
}
