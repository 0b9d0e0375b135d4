// Package render draws the Touch Bar: buttons, labels, icons, clock and
// battery, into a frame in the panel's own orientation.
//
// A Renderer pre-draws every button of a layout idle and pressed, already in
// panel orientation (portrait XRGB8888), so a frame is composed by copying
// rows and a press redraws one button. Icons are SVG (drawn by a small
// renderer of filled paths) or PNG, found in /etc/tiny-dfr, /usr/share/tiny-dfr,
// an XDG icon theme, or the embedded Material icons.
//
// # Limits
//
// Files named by the configuration are read only if they are regular files
// (a FIFO, a device such as /dev/zero, a directory or a symlink loop is
// refused unread, see package safefile) of at most:
//
//	SVG icon       1 MiB    (largest in Adwaita, Papirus, hicolor: 83 KB)
//	PNG icon       8 MiB    (largest there: 82 KB, 512×512)
//	index.theme  512 KiB    (hicolor's: 55 KiB, 649 directories)
//	font          64 MiB    (Noto Serif CJK Bold: 26 MiB)
//
// and drawing them is bounded: a PNG at most 4096 pixels a side and 4 Mpx
// (checked from its header before decoding); an SVG at most 10000 elements
// and 100000 path segments (real icons: 116 and 1881); one icon at most
// 64 Mpx of work (shape boxes' areas, 16 per line drawn, PNG pixels decoded
// and kernel taps scaled; the heaviest of 58000 real icons at 1024 px
// costs 7.2 Mpx), all icons of a layout 256 Mpx (about 2 s). An icon theme lookup
// reads at most 4096 directories of a theme and 32 themes, and looks for
// at most 65536 files (real themes: about 6000). Each icon file
// is decoded once per layout build, whatever the number of sizes it is
// shown at. fc-match gets the pattern after "--", 5 s and 8 KiB of answer,
// which must be an absolute path. Whatever breaks a limit gets a warning
// (at the button's position for icons, Options.FontPos for the font) and
// the next candidate, the placeholder or the embedded font.
package render
