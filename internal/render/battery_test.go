package render

import (
	"testing"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
)

func TestBatteryIcon(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p        int
		charging bool
		want     string
	}{
		{0, false, "battery_0_bar"}, {1, false, "battery_1_bar"}, {20, false, "battery_1_bar"},
		{21, false, "battery_2_bar"}, {30, false, "battery_2_bar"}, {50, false, "battery_3_bar"},
		{60, false, "battery_4_bar"}, {80, false, "battery_5_bar"}, {99, false, "battery_6_bar"},
		{100, false, "battery_full"},
		{0, true, "battery_charging_20"}, {20, true, "battery_charging_20"}, {30, true, "battery_charging_30"},
		{50, true, "battery_charging_50"}, {60, true, "battery_charging_60"}, {80, true, "battery_charging_80"},
		{99, true, "battery_charging_90"}, {100, true, "battery_charging_full"},
	}
	for _, tt := range tests {
		if got := batteryIcon(battery.State{Present: true, Percent: tt.p, Charging: tt.charging}); got != tt.want {
			t.Errorf("batteryIcon(%d, charging %v) = %s, want %s", tt.p, tt.charging, got, tt.want)
		}
	}
}

func TestBatteryLook(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	c.PrimaryLayerKeys = []config.Button{{Battery: "percentage"}, {Battery: "icon"}, {Battery: "both"}}
	r := newTestRenderer(t, c, 2008, 60, true)
	bs := r.lay.Layers[0].Buttons
	body := func(f *Frame, i int) (uint8, uint8, uint8) {
		px := f.At(f.BarHeight-1-30, bs[i].Left+9)
		return px.R, px.G, px.B
	}
	now := time.Unix(0, 0)
	tests := []struct {
		st      battery.State
		r, g, b uint8
	}{
		{battery.State{Present: true, Percent: 50}, IdleGrey, IdleGrey, IdleGrey},
		{battery.State{Present: true, Percent: 50, Charging: true}, 0, IdleGrey, 0},
		{battery.State{Present: true, Percent: 100, Full: true}, 0, IdleGrey, 0},
		{battery.State{Present: true, Percent: 9}, IdleGrey, 0, 0},
		{battery.State{Present: true, Percent: 10}, IdleGrey, IdleGrey, IdleGrey},
		{battery.State{}, IdleGrey, IdleGrey, IdleGrey},
	}
	for _, tt := range tests {
		f := r.DrawAll(&State{Now: now, Battery: tt.st})
		for i := range bs {
			if r0, g0, b0 := body(f, i); r0 != tt.r || g0 != tt.g || b0 != tt.b {
				t.Errorf("%+v button %d: body %02x%02x%02x, want %02x%02x%02x", tt.st, i, r0, g0, b0, tt.r, tt.g, tt.b)
			}
		}
	}
	// Pressed: the colour uses the pressed grey.
	f := r.DrawAll(&State{Battery: battery.State{Present: true, Percent: 5}, Pressed: func(_, i int) bool { return i == 0 }})
	if r0, g0, b0 := body(f, 0); r0 != PressedGrey || g0 != 0 || b0 != 0 {
		t.Errorf("pressed low battery body %02x%02x%02x", r0, g0, b0)
	}
	if d := r.Diagnostics(); len(d) != 0 {
		t.Errorf("diagnostics: %v", d)
	}
}

// whiteWidth is the horizontal extent of white ink in button i.
func whiteWidth(r *Renderer, f *Frame, i int) int {
	b := r.lay.Layers[0].Buttons[i]
	minX, maxX := 1<<30, -1
	for x := b.Left; x < b.Left+int(b.Width); x++ {
		for y := 0; y < f.BarHeight; y++ {
			if f.At(f.BarHeight-1-y, x).B >= 0xf0 {
				minX, maxX = min(minX, x), max(maxX, x)
			}
		}
	}
	return maxX - minX + 1
}

func TestBatteryModesDiffer(t *testing.T) {
	t.Parallel()
	c := defaultConfig()
	c.PrimaryLayerKeys = []config.Button{{Battery: "percentage"}, {Battery: "icon"}, {Battery: "both"}}
	r := newTestRenderer(t, c, 2008, 60, true)
	f := r.DrawAll(&State{Battery: battery.State{Present: true, Percent: 42}})
	pct, icon, both := whiteWidth(r, f, 0), whiteWidth(r, f, 1), whiteWidth(r, f, 2)
	if !(icon < pct && pct < both) {
		t.Errorf("ink widths: icon %d, percentage %d, both %d; want icon < percentage < both", icon, pct, both)
	}
	// Charging adds a bolt to the percentage.
	f = r.DrawAll(&State{Battery: battery.State{Present: true, Percent: 42, Charging: true}})
	if w := whiteWidth(r, f, 0); w <= pct {
		t.Errorf("charging percentage ink %d, want wider than %d (bolt)", w, pct)
	}
	// No battery: "Battery N/A" is wider than "42%".
	f = r.DrawAll(&State{})
	if w := whiteWidth(r, f, 0); w <= pct {
		t.Errorf("no battery ink %d, want wider than %d", w, pct)
	}
}
