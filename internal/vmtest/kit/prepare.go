package kit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// DefaultRoots returns the modules the guest needs; their dependencies are
// added automatically (read from each module's .modinfo). uhid and
// hid-apple let a guest test make a real T2 keyboard whose backlight is an
// LED-class device ("apple::kbd_backlight", internal/sliders).
func DefaultRoots() []string {
	return []string{"uinput", "evdev", "virtio_pci", "virtio-gpu", "uhid", "hid-apple"}
}

// Preparer downloads a Debian kernel package and turns it into a kit.
type Preparer struct {
	Roots []string  // modules to include (plus dependencies); DefaultRoots() if nil
	Log   io.Writer // progress; nil discards
	// Package overrides the kernel package; "" asks apt-cache which one
	// linux-image-amd64 depends on now (the number moves: never pin it).
	Package string
}

func (p *Preparer) logf(format string, args ...any) {
	if p.Log != nil {
		fmt.Fprintf(p.Log, format+"\n", args...)
	}
}

func (p *Preparer) run(ctx context.Context, dir string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("kit: %s %s: %w: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}

var dependsImage = regexp.MustCompile(`(?m)^\s*Depends:\s*(linux-image-[0-9][^\s]*-amd64)\s*$`)

// Current is the kernel package Prepare would use: p.Package, else the one
// linux-image-amd64 depends on now.
func (p *Preparer) Current(ctx context.Context) (string, error) {
	if p.Package != "" {
		return p.Package, nil
	}
	out, err := p.run(ctx, "", "apt-cache", "depends", "linux-image-amd64")
	if err != nil {
		return "", err
	}
	m := dependsImage.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("kit: apt-cache depends linux-image-amd64 names no kernel package (run apt-get update): %q", out)
	}
	return string(m[1]), nil
}

// Prepare builds the kit in dir, replacing any kit already there.
func (p *Preparer) Prepare(ctx context.Context, dir string) (*Kit, error) {
	pkg, err := p.Current(ctx)
	if err != nil {
		return nil, err
	}
	roots := p.Roots
	if roots == nil {
		roots = DefaultRoots()
	}
	work, err := os.MkdirTemp("", "tinydfr-mkkit-")
	if err != nil {
		return nil, fmt.Errorf("kit: %w", err)
	}
	defer os.RemoveAll(work)

	p.logf("downloading %s", pkg)
	if _, err := p.run(ctx, work, "apt-get", "download", pkg); err != nil {
		return nil, err
	}
	debs, _ := filepath.Glob(filepath.Join(work, pkg+"_*.deb"))
	if len(debs) != 1 {
		return nil, fmt.Errorf("kit: expected one %s_*.deb, found %d", pkg, len(debs))
	}
	m := Manifest{Package: pkg}
	if _, v, ok := strings.Cut(filepath.Base(debs[0]), "_"); ok {
		m.Version, _, _ = strings.Cut(v, "_")
		m.Version = strings.ReplaceAll(m.Version, "%3a", ":")
	}
	root := filepath.Join(work, "root")
	p.logf("unpacking %s", filepath.Base(debs[0]))
	if _, err := p.run(ctx, work, "dpkg", "-x", debs[0], root); err != nil {
		return nil, err
	}
	vmlinuz, _ := filepath.Glob(filepath.Join(root, "boot", "vmlinuz-*"))
	if len(vmlinuz) != 1 {
		return nil, fmt.Errorf("kit: expected one boot/vmlinuz-*, found %d", len(vmlinuz))
	}
	m.Kernel = strings.TrimPrefix(filepath.Base(vmlinuz[0]), "vmlinuz-")

	stage, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), ".kit-")
	if err != nil {
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
			return nil, fmt.Errorf("kit: %w", err)
		}
		if stage, err = os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), ".kit-"); err != nil {
			return nil, fmt.Errorf("kit: %w", err)
		}
	}
	defer os.RemoveAll(stage)

	p.logf("extracting vmlinux from %s", filepath.Base(vmlinuz[0]))
	if err := extractVmlinux(ctx, vmlinuz[0], filepath.Join(stage, "vmlinux")); err != nil {
		return nil, err
	}
	mods, err := p.copyModules(ctx, filepath.Join(root, "lib", "modules", m.Kernel), filepath.Join(stage, "modules"), roots)
	if err != nil {
		return nil, err
	}
	m.Modules = mods
	if err := m.write(stage); err != nil {
		return nil, fmt.Errorf("kit: %w", err)
	}
	if err := os.Chmod(stage, 0o755); err != nil {
		return nil, fmt.Errorf("kit: %w", err)
	}
	old := stage + ".old"
	if err := os.Rename(dir, old); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("kit: %w", err)
	}
	if err := os.Rename(stage, dir); err != nil {
		return nil, fmt.Errorf("kit: %w", err)
	}
	os.RemoveAll(old)
	p.logf("kit ready in %s: kernel %s, modules %s", dir, m.Kernel, strings.Join(m.Modules, " "))
	return Open(dir)
}

// copyModules finds every .ko(.xz) under modDir, resolves roots with their
// dependencies and copies them flat into dst as plain .ko files.
func (p *Preparer) copyModules(ctx context.Context, modDir, dst string, roots []string) ([]string, error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, fmt.Errorf("kit: %w", err)
	}
	files := map[string]string{}
	err := filepath.WalkDir(modDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := d.Name()
		switch {
		case strings.HasSuffix(base, ".ko"):
			files[modName(strings.TrimSuffix(base, ".ko"))] = path
		case strings.HasSuffix(base, ".ko.xz"):
			plain := filepath.Join(dst, ".xz-"+strings.TrimSuffix(base, ".xz"))
			if err := xzFile(ctx, path, plain); err != nil {
				return err
			}
			files[modName(strings.TrimSuffix(base, ".ko.xz"))] = plain
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("kit: %w", err)
	}
	order, err := loadOrder(roots, files)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(order))
	for i, src := range order {
		names[i] = strings.TrimPrefix(filepath.Base(src), ".xz-")
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("kit: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dst, names[i]), b, 0o644); err != nil {
			return nil, fmt.Errorf("kit: %w", err)
		}
	}
	tmp, _ := filepath.Glob(filepath.Join(dst, ".xz-*"))
	for _, t := range tmp {
		os.Remove(t)
	}
	return names, nil
}
