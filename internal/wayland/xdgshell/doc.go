// Package xdgshell is the client side of xdg-shell (xdg_wm_base,
// xdg_surface, xdg_toplevel, xdg_popup, xdg_positioner): desktop windows,
// generated from xdg-shell.xml.
package xdgshell

//go:generate go run ../internal/wlgen -in ../protocols/xdg-shell.xml -out protocol.go -pkg xdgshell
