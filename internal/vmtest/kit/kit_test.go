package kit

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// need skips when tool is missing, failing instead under CI=true.
func need(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and %s is missing: %v", what, err)
	}
	t.Skipf("%s: %v", what, err)
}

func TestDependsImage(t *testing.T) {
	t.Parallel()
	out := "linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64\n"
	m := dependsImage.FindStringSubmatch(out)
	if m == nil || m[1] != "linux-image-6.1.0-56-amd64" {
		t.Errorf("match %q", m)
	}
	if dependsImage.MatchString("linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64-unsigned\n") {
		t.Error("matched an -unsigned package")
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Open(dir); err == nil {
		t.Error("Open of an empty dir succeeded")
	}
	m := Manifest{Kernel: "k", Modules: []string{"a.ko"}}
	if err := m.write(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil {
		t.Error("Open succeeded without vmlinux and modules")
	}
	os.WriteFile(filepath.Join(dir, "vmlinux"), nil, 0o644)
	os.MkdirAll(filepath.Join(dir, "modules"), 0o755)
	os.WriteFile(filepath.Join(dir, "modules", "a.ko"), nil, 0o644)
	k, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.Kernel != "k" || k.Module("a.ko") != filepath.Join(dir, "modules", "a.ko") || k.Vmlinux() != filepath.Join(dir, "vmlinux") {
		t.Errorf("kit %+v", k)
	}
}

func xz(t *testing.T, data []byte) []byte {
	t.Helper()
	cmd := exec.Command("xz", "--stdout", "--format=xz", "--check=crc32")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExtractVmlinux(t *testing.T) {
	t.Parallel()
	_, err := exec.LookPath("xz")
	need(t, "xz", err)
	elf := append([]byte("\x7fELF"), bytes.Repeat([]byte("kernel"), 1000)...)
	var img []byte
	img = append(img, "setup code \xfd7zXZ\x00 but not a stream"...)
	img = append(img, xz(t, []byte("not an elf"))...) // a stream that is not the kernel
	img = append(img, "gap"...)
	img = append(img, xz(t, elf)...)
	img = append(img, "trailer \x00\x01"...)
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "vmlinuz"), filepath.Join(dir, "vmlinux")
	os.WriteFile(src, img, 0o644)
	if err := extractVmlinux(context.Background(), src, dst); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dst); !bytes.Equal(got, elf) {
		t.Errorf("extracted %d bytes, want the %d-byte ELF", len(got), len(elf))
	}
	os.WriteFile(src, []byte("no kernel here"), 0o644)
	if err := extractVmlinux(context.Background(), src, dst); err == nil {
		t.Error("extractVmlinux found a kernel in plain text")
	}
}

// TestLoadOrder resolves the default roots against the prepared kit's
// modules (real Debian .ko files): every module must come after its deps.
func TestLoadOrder(t *testing.T) {
	t.Parallel()
	k, err := Open(DefaultDir())
	need(t, "the kit (go run ./internal/vmtest/mkkit)", err)
	files := map[string]string{}
	for _, m := range k.Modules {
		files[modName(strings.TrimSuffix(m, ".ko"))] = k.Module(m)
	}
	order, err := loadOrder(DefaultRoots(), files)
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, p := range order {
		pos[modName(strings.TrimSuffix(filepath.Base(p), ".ko"))] = i
	}
	for _, r := range DefaultRoots() {
		if _, ok := pos[modName(r)]; !ok {
			t.Errorf("root %s missing from %v", r, order)
		}
	}
	checked := 0
	for name, i := range pos {
		deps, err := modDepends(files[name])
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range deps {
			checked++
			if j, ok := pos[d]; !ok || j > i {
				t.Errorf("%s (at %d) depends on %s (at %d, present %v)", name, i, d, j, ok)
			}
		}
	}
	if checked == 0 {
		t.Error("no module declared a dependency; .modinfo parsing is broken")
	}
	if _, err := loadOrder([]string{"no_such_module"}, files); err == nil {
		t.Error("loadOrder accepted an unknown module")
	}
}
