package render

import (
	"image/color"
	"strconv"
	"strings"
)

// namedColor is one of the basic CSS colour names.
func namedColor(s string) (color.NRGBA, bool) {
	switch s {
	case "black":
		return color.NRGBA{0, 0, 0, 255}, true
	case "white":
		return color.NRGBA{255, 255, 255, 255}, true
	case "red":
		return color.NRGBA{255, 0, 0, 255}, true
	case "green":
		return color.NRGBA{0, 128, 0, 255}, true
	case "lime":
		return color.NRGBA{0, 255, 0, 255}, true
	case "blue":
		return color.NRGBA{0, 0, 255, 255}, true
	case "yellow":
		return color.NRGBA{255, 255, 0, 255}, true
	case "orange":
		return color.NRGBA{255, 165, 0, 255}, true
	case "gray", "grey":
		return color.NRGBA{128, 128, 128, 255}, true
	case "silver":
		return color.NRGBA{192, 192, 192, 255}, true
	case "transparent":
		return color.NRGBA{}, true
	}
	return color.NRGBA{}, false
}

// parseColor reads an SVG paint colour: #rgb, #rrggbb, rgb(r, g, b) or a
// basic colour name.
func parseColor(s string) (color.NRGBA, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if c, ok := namedColor(s); ok {
		return c, true
	}
	if hex, ok := strings.CutPrefix(s, "#"); ok {
		v, err := strconv.ParseUint(hex, 16, 32)
		if err != nil {
			return color.NRGBA{}, false
		}
		switch len(hex) {
		case 3:
			return color.NRGBA{uint8(v>>8&0xf) * 17, uint8(v>>4&0xf) * 17, uint8(v&0xf) * 17, 255}, true
		case 6:
			return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}, true
		}
		return color.NRGBA{}, false
	}
	if args, ok := strings.CutPrefix(s, "rgb("); ok {
		f := strings.Split(strings.TrimSuffix(args, ")"), ",")
		if len(f) != 3 {
			return color.NRGBA{}, false
		}
		var c [3]uint8
		for i, x := range f {
			x = strings.TrimSpace(x)
			scale := 1.0
			if p, ok := strings.CutSuffix(x, "%"); ok {
				x, scale = p, 2.55
			}
			v, err := strconv.ParseFloat(x, 64)
			if err != nil {
				return color.NRGBA{}, false
			}
			c[i] = uint8(max(0, min(255, v*scale+0.5)))
		}
		return color.NRGBA{c[0], c[1], c[2], 255}, true
	}
	return color.NRGBA{}, false
}
