package render

import (
	"image/color"
	"strconv"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// batteryIconSize is the box of battery and bolt icons.
const batteryIconSize = layouts.DefaultIconSize

// batteryIcon names the icon for a charge: while charging
// battery_charging_20 … _90 and _full, else battery_0_bar … battery_6_bar
// and battery_full.
func batteryIcon(st battery.State) string {
	p := st.Percent
	if st.Charging {
		switch {
		case p <= 20:
			return "battery_charging_20"
		case p <= 30:
			return "battery_charging_30"
		case p <= 50:
			return "battery_charging_50"
		case p <= 60:
			return "battery_charging_60"
		case p <= 80:
			return "battery_charging_80"
		case p <= 99:
			return "battery_charging_90"
		}
		return "battery_charging_full"
	}
	switch {
	case p <= 0:
		return "battery_0_bar"
	case p <= 20:
		return "battery_1_bar"
	case p <= 30:
		return "battery_2_bar"
	case p <= 50:
		return "battery_3_bar"
	case p <= 60:
		return "battery_4_bar"
	case p <= 80:
		return "battery_5_bar"
	case p <= 99:
		return "battery_6_bar"
	}
	return "battery_full"
}

// batteryFill is the body colour for a grey level c: green while charging
// or full, red when discharging below 10 %, else grey.
func batteryFill(st battery.State) func(c uint8) color.RGBA {
	switch {
	case !st.Present:
		return nil
	case st.Charging || st.Full:
		return func(c uint8) color.RGBA { return color.RGBA{0, c, 0, 0xff} }
	case st.Percent < 10:
		return func(c uint8) color.RGBA { return color.RGBA{c, 0, 0, 0xff} }
	}
	return nil
}

// paintBattery redraws a battery button for b.bat.
func (r *Renderer) paintBattery(b *button) {
	st := b.bat
	if !st.Present {
		// "Battery N/A" when it fits, else "N/A" (not "tery").
		text := "Battery N/A"
		if r.text.primary != nil && r.text.primary.gt != nil {
			if st := r.text.shape(text, r.size); st.ink.Dx() > room(b) {
				text = "N/A"
			}
		}
		r.paint(b, nil, r.textLayer(b, text, 0, 0))
		return
	}
	text := strconv.Itoa(st.Percent) + "%"
	icon := ""
	switch b.mode {
	case layouts.BatteryIcon, layouts.BatteryBoth:
		icon = batteryIcon(st)
	default:
		if st.Charging {
			icon = "bolt"
		}
	}
	if b.mode == layouts.BatteryIcon {
		text = ""
	}
	var layers []layer
	if icon != "" {
		l, diags := r.iconLayer(b, icon, "", batteryIconSize, batteryIconSize)
		for _, d := range diags {
			r.addDiag(d)
		}
		layers = append(layers, l)
	}
	if text != "" {
		layers = append(layers, r.textLayer(b, text, 0, 0))
	}
	if len(layers) == 2 { // icon then text, centred together
		const gap = 4
		iw := layers[0].img.Rect.Dx()
		ink := layers[1].mask.Rect
		total := iw + gap + ink.Dx()
		x0 := layers[0].at.X + iw/2 - total/2 // left end when centred
		layers[0].at.X = x0
		layers[1].at.X = x0 + iw + gap - ink.Min.X
	}
	r.paint(b, batteryFill(st), layers...)
}

// addDiag keeps a diagnostic once.
func (r *Renderer) addDiag(d config.Diagnostic) {
	for _, o := range r.diags {
		if o == d {
			return
		}
	}
	r.diags = append(r.diags, d)
}
