package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// copyTree copies the repository's files (git ls-files) to a temporary
// directory, outside any git tree: make there finds no git describe.
func copyTree(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "-co", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	dst := t.TempDir()
	for _, name := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			if os.IsNotExist(err) {
				continue // deleted, not yet committed
			}
			t.Fatal(err)
		}
		fi, _ := os.Stat(filepath.Join(root, name))
		p := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// makeEnv is the environment without the knobs the Makefile reads.
func makeEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOFLAGS", "LDFLAGS", "EXTLDFLAGS", "CGO_ENABLED", "VERSION", "PREFIX", "DESTDIR",
			"SYSCONFDIR", "MANDIR", "BINDIR", "DATADIR", "UNITDIR", "UDEVDIR", "MAKEFLAGS", "MFLAGS":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func runMake(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("make", append([]string{"-C", dir}, args...)...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func output(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestMakefile builds and installs as a packager does: VERSION, DESTDIR,
// PREFIX, the compiled-in paths, the installed man pages, and Arch's
// GOFLAGS/LDFLAGS with external linking.
func TestMakefile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary several times")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	dir := copyTree(t)
	bin := filepath.Join(dir, "tiny-dfr")

	t.Run("VERSION", func(t *testing.T) {
		runMake(t, dir, makeEnv(), "VERSION=9.8.7")
		if got := output(t, bin, "--version"); got != "tiny-dfr 9.8.7\n" {
			t.Errorf("--version after make VERSION=9.8.7: %q", got)
		}
		if got := output(t, bin, "version"); got != "tiny-dfr 9.8.7\n" {
			t.Errorf("version after make VERSION=9.8.7: %q", got)
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			t.Fatal("the copy is a git tree")
		}
		runMake(t, dir, makeEnv())
		if got := output(t, bin, "--version"); got != "tiny-dfr 0.0.0-dev\n" {
			t.Errorf("--version without git nor VERSION: %q, want the fallback 0.0.0-dev", got)
		}
		assertStatic(t, bin, true)
	})

	t.Run("install PREFIX=/usr", func(t *testing.T) {
		dest := filepath.Join(dir, "pkg")
		runMake(t, dir, makeEnv(), "install", "DESTDIR="+dest, "PREFIX=/usr")
		for _, f := range []string{
			"usr/bin/tiny-dfr", "usr/share/tiny-dfr/config.toml",
			"usr/lib/systemd/system/tiny-dfr.service", "usr/lib/udev/rules.d/72-tiny-dfr.rules",
			"usr/lib/sysusers.d/tiny-dfr.conf",
			"usr/share/man/man1/tiny-dfr.1", "usr/share/man/man5/tiny-dfr.toml.5",
		} {
			if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
				t.Errorf("make install: %v", err)
			}
		}
		unit, _ := os.ReadFile(filepath.Join(dest, "usr/lib/systemd/system/tiny-dfr.service"))
		if !strings.Contains(string(unit), "/usr/bin/tiny-dfr") || strings.Contains(string(unit), "@BINDIR@") {
			t.Errorf("installed unit does not run /usr/bin/tiny-dfr:\n%s", unit)
		}
		for _, p := range []string{"usr/share/man/man1/tiny-dfr.1", "usr/share/man/man5/tiny-dfr.toml.5"} {
			groffClean(t, filepath.Join(dest, p))
		}
		help := output(t, filepath.Join(dest, "usr/bin/tiny-dfr"), "render", "--help")
		if !strings.Contains(help, `"/usr/share/tiny-dfr/config.toml"`) || !strings.Contains(help, `"/etc/tiny-dfr/config.toml"`) {
			t.Errorf("PREFIX=/usr binary's default paths:\n%s", help)
		}
	})

	t.Run("install PREFIX=/usr/local", func(t *testing.T) {
		dest := filepath.Join(dir, "local")
		runMake(t, dir, makeEnv(), "install", "DESTDIR="+dest, "PREFIX=/usr/local", "SYSCONFDIR=/usr/local/etc")
		help := output(t, filepath.Join(dest, "usr/local/bin/tiny-dfr"), "render", "--help")
		if !strings.Contains(help, `"/usr/local/share/tiny-dfr/config.toml"`) || !strings.Contains(help, `"/usr/local/etc/tiny-dfr/config.toml"`) {
			t.Errorf("PREFIX=/usr/local binary does not look for its own configs:\n%s", help)
		}
		if _, err := os.Stat(filepath.Join(dest, "usr/local/share/tiny-dfr/config.toml")); err != nil {
			t.Error(err)
		}
		page, err := os.ReadFile(filepath.Join(dest, "usr/local/share/man/man5/tiny-dfr.toml.5"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), `/usr/local/share/tiny\-dfr/config.toml`) || strings.Contains(string(page), " /usr/share/tiny") {
			t.Error("the PREFIX=/usr/local man page does not name its own base config")
		}
		groffClean(t, filepath.Join(dest, "usr/local/share/man/man5/tiny-dfr.toml.5"))
	})

	// Arch's makepkg.conf and Go packaging guidelines.
	t.Run("Arch flags", func(t *testing.T) {
		if _, err := exec.LookPath("gcc"); err != nil {
			t.Skip("no gcc for external linking")
		}
		runMake(t, dir, makeEnv(
			"GOFLAGS=-buildmode=pie -trimpath -mod=readonly -modcacherw -ldflags=-linkmode=external",
			"LDFLAGS=-Wl,-O1 -Wl,--sort-common -Wl,--as-needed -Wl,-z,relro -Wl,-z,now",
			"CGO_CFLAGS=-O2 -pipe -fno-plt", "CGO_LDFLAGS=-Wl,-O1 -Wl,-z,relro -Wl,-z,now",
		), "VERSION=1.2.3")
		if got := output(t, bin, "--version"); got != "tiny-dfr 1.2.3\n" {
			t.Errorf("--version with Arch's flags: %q", got)
		}
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.Type != elf.ET_DYN {
			t.Errorf("ELF type %v, want ET_DYN (PIE)", f.Type)
		}
		relro := false
		for _, p := range f.Progs {
			relro = relro || p.Type == elf.PT_GNU_RELRO
		}
		if !relro {
			t.Error("no PT_GNU_RELRO: LDFLAGS did not reach the external linker")
		}
		assertStatic(t, bin, false)
	})
}

// assertStatic checks that bin has (static) or has not an ELF interpreter.
func assertStatic(t *testing.T, bin string, static bool) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	interp := false
	for _, p := range f.Progs {
		interp = interp || p.Type == elf.PT_INTERP
	}
	if interp == static {
		t.Errorf("%s: interpreter %v, want static %v", bin, interp, static)
	}
}
