// Package wayland is a minimal Wayland client: the wire protocol over the
// compositor's unix socket (messages, file descriptors over SCM_RIGHTS,
// object ids) and the core wl_* interfaces generated from wayland.xml.
//
// A Conn is not safe for concurrent use, except that one goroutine may call
// Read while another dispatches what it returned.
package wayland

//go:generate go run ./internal/wlgen -in protocols/wayland.xml -out protocol.go -pkg wayland -only wl_display,wl_registry,wl_callback,wl_compositor,wl_shm_pool,wl_shm,wl_buffer,wl_surface,wl_region,wl_seat,wl_pointer,wl_keyboard,wl_touch,wl_output
