// Package logging makes the daemon's slog.Logger: readable text on a
// terminal or a file, and, when stderr is the systemd journal, one line
// per record with an sd-daemon priority prefix (<3> error, <4> warning,
// <6> info, <7> debug) and no timestamp (the journal adds its own), so
// that `journalctl -p warning -u tiny-dfr` selects by level. Multi-line
// values are quoted: a record is always one line.
package logging
