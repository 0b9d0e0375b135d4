// Package drm drives the Touch Bar's panel through DRM/KMS ioctls: it finds
// the card with a portrait strip mode, sets the mode on a mapped XRGB8888
// dumb buffer, and presents frames by copying their damage and flushing it
// with DIRTYFB.
//
// Device loss (the driver unloaded on T2 suspend, a USB unplug) comes back
// as an error wrapping ErrGone, never a panic; Close the Display and Open
// again when the card is back. Open's error when no card fits is a
// *NoCardError listing each card's reason.
package drm
