// Package preview shows the Touch Bar in a window on a Wayland desktop,
// drawn by the daemon's own renderer: it reloads when the config file
// changes, and prints the keys a click or touch would send.
package preview
