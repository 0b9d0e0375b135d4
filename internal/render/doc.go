// Package render draws the Touch Bar: buttons, labels, icons, clock and
// battery, into a frame in the panel's own orientation.
//
// A Renderer pre-draws every button of a layout idle and pressed, already in
// panel orientation (portrait XRGB8888), so a frame is composed by copying
// rows and a press redraws one button. Icons are SVG (drawn by a small
// renderer of filled paths) or PNG, found in /etc/tiny-dfr, /usr/share/tiny-dfr,
// an XDG icon theme, or the embedded Material icons.
package render
