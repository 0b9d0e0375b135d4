// Package display holds the displays that are not the Touch Bar: PNG writes
// each presented frame to a file (for `tiny-dfr render` and people).
package display
