package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate regenerates each committed protocol file (the same
// arguments as the go:generate lines) and compares.
func TestGeneratedUpToDate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, out, pkg, only, strip string }{
		{"wayland.xml", "../../protocol.go", "wayland", "wl_display,wl_registry,wl_callback,wl_compositor,wl_shm_pool,wl_shm,wl_buffer,wl_surface,wl_region,wl_seat,wl_pointer,wl_keyboard,wl_touch,wl_output", ""},
		{"xdg-shell.xml", "../../xdgshell/protocol.go", "xdgshell", "", ""},
		{"wlr-virtual-pointer-unstable-v1.xml", "../../virtualpointer/protocol.go", "virtualpointer", "", ""},
		{"virtual-keyboard-unstable-v1.xml", "../../virtualkeyboard/protocol.go", "virtualkeyboard", "", "zwp_"},
	} {
		tmp := filepath.Join(t.TempDir(), "protocol.go")
		strip := c.strip
		if strip == "" {
			strip = "wl_,xdg_,zwlr_" // the flag's default
		}
		if err := run(filepath.Join("../../protocols", c.in), tmp, c.pkg, c.only, strip); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(tmp)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(c.out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./internal/wayland/...", c.out)
		}
	}
}
