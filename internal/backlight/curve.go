package backlight

import "math"

// Adaptive is the Touch Bar brightness that follows the main display:
// min(255, floor(sqrt(display/displayMax)·active) + 1). A displayMax ≤ 0
// (no display backlight) gives active.
func Adaptive(active, display, displayMax int) int {
	if displayMax <= 0 {
		return active
	}
	frac := float64(max(0, min(display, displayMax))) / float64(displayMax)
	return min(255, int(math.Floor(math.Sqrt(frac)*float64(active)))+1)
}
