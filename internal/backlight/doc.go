// Package backlight finds the Touch Bar's and the main display's backlights
// in sysfs, sets the one and reads the other, and holds the adaptive
// brightness curve.
package backlight
