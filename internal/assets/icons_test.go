package assets

import (
	"bytes"
	"testing"
)

func TestDefaultIconsEmbedded(t *testing.T) {
	t.Parallel()
	names := []string{
		"brightness_low", "brightness_high", "mic_off", "search", "backlight_low", "backlight_high",
		"fast_rewind", "play_pause", "fast_forward", "volume_off", "volume_down", "volume_up",
		"battery_0_bar", "battery_1_bar", "battery_2_bar", "battery_3_bar", "battery_4_bar",
		"battery_5_bar", "battery_6_bar", "battery_full", "battery_charging_20", "battery_charging_30",
		"battery_charging_50", "battery_charging_60", "battery_charging_80", "battery_charging_90",
		"battery_charging_full", "bolt",
	}
	for _, n := range names {
		b, ok := Icon(n)
		if !ok || !bytes.HasPrefix(b, []byte("<svg")) {
			t.Errorf("Icon(%q) = %.20q, %v; want an SVG", n, b, ok)
		}
	}
	if len(IconNames()) < len(names) {
		t.Errorf("IconNames() has %d names, want at least %d", len(IconNames()), len(names))
	}
	for _, bad := range []string{"", "nope", "../doc.go", "icons/search"} {
		if _, ok := Icon(bad); ok {
			t.Errorf("Icon(%q) found something", bad)
		}
	}
	if !bytes.Contains(IconsLicense(), []byte("Apache License")) {
		t.Error("icon licence missing")
	}
	if len(Font(true)) == 0 || len(Font(false)) == 0 || bytes.Equal(Font(true), Font(false)) {
		t.Error("fallback fonts missing or identical")
	}
}
