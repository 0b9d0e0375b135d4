// Package sliders holds the backends of the Touch Bar's sliders: the main
// display's backlight ("brightness"), the keyboard backlight LED
// ("keyboard") and the Touch Bar's own backlight ("touchbar"). "volume" has
// no backend here: the session companion serves it.
//
// Every file is opened once, as root before the privilege drop, and kept:
// Level reads the kernel's value through the kept descriptor (no
// allocation), Set writes through it and skips a value the device already
// holds. A level is a fraction 0..1 mapped onto 0..max_brightness with
// rounding, so Level after Set(x) is within half a step of x.
//
// Backlight-class devices send a "change" uevent when their brightness is
// written (by sysfs or a hotkey driver): Concerns tells the daemon which
// uevents to re-read a level on. LED-class devices (the keyboard backlight)
// send none; the daemon polls them while their slider shows.
package sliders
