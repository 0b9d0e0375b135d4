package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoCgoDeps: a plain `go build ./cmd/tiny-dfr`, with cgo available,
// gives a static binary: nothing the daemon links pulls in package net
// (whose resolver uses cgo) or runtime/cgo.
func TestNoCgoDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		switch p {
		case "net", "runtime/cgo", "os/user", "plugin":
			t.Errorf("cmd/tiny-dfr depends on %s: a plain go build would link it dynamically (go list -deps -f '{{.ImportPath}} {{.Imports}}' . shows who imports it)", p)
		}
	}
}

// TestPlainBuildStatic builds the binary as a packager without our
// Makefile would (CGO_ENABLED=1, the default when a C compiler is there)
// and checks the ELF has no interpreter and no dynamic section.
func TestPlainBuildStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "tiny-dfr")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("plain go build gives a dynamic binary (program header %v)", p.Type)
		}
	}
}
