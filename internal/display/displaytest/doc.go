// Package displaytest is a fake display for tests: it keeps its own copy of
// the panel buffer, applies only the damaged rectangles of each frame (as
// the Touch Bar's hardware does) and records every present.
package displaytest
