// Package daemon is the Touch Bar daemon: one event loop that owns all state
// (layout, layers, pressed keys, brightness, idle, pixel shift, devices) and
// is fed by device readers, timers, the config watcher and kernel uevents.
package daemon
