// Package foreigntoplevel is the client side of wlroots' foreign toplevel
// management protocol (zwlr_foreign_toplevel_manager_v1, version 3): every
// client's toplevels with their app ids and states. The session companion
// reads which one is activated from it on wlroots compositors.
package foreigntoplevel

//go:generate go run ../internal/wlgen -in ../protocols/wlr-foreign-toplevel-management-unstable-v1.xml -out protocol.go -pkg foreigntoplevel -strip zwlr_foreign_toplevel_
