// Package virtualpointer is the client side of wlroots' virtual pointer
// protocol (zwlr_virtual_pointer_v1): tests use it to move and click a
// pointer on a headless compositor that has no input devices.
package virtualpointer

//go:generate go run ../internal/wlgen -in ../protocols/wlr-virtual-pointer-unstable-v1.xml -out protocol.go -pkg virtualpointer
