package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
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
		{"wlr-foreign-toplevel-management-unstable-v1.xml", "../../foreigntoplevel/protocol.go", "foreigntoplevel", "", "zwlr_foreign_toplevel_"},
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

func TestUnknownArgTypeIsAnError(t *testing.T) {
	dir := t.TempDir()
	in := dir + "/p.xml"
	xml := `<protocol name="p"><interface name="wl_x" version="1"><event name="e"><arg name="a" type="quaternion"/></event></interface></protocol>`
	if err := os.WriteFile(in, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(in, dir+"/out.go", "x", "", "wl_")
	if err == nil || !strings.Contains(err.Error(), "quaternion") {
		t.Fatalf("run = %v, want an error naming the unknown type", err)
	}
	if _, statErr := os.Stat(dir + "/out.go"); statErr == nil {
		t.Error("a file was written for a refused protocol")
	}
}
