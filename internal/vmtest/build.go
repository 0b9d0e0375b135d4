package vmtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// guestInitPackage is the /init of every guest.
const guestInitPackage = "tiny-dfr/internal/vmtest/guestinit"

// goBuild runs the go command for the guest (linux/amd64, static) in the
// caller's working directory, so that "." and relative packages work.
func goBuild(args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS="+guestGOFLAGS(os.Getenv("GOFLAGS")))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("vmtest: go %s: %w\n%s", strings.Join(args, " "), err, out.Bytes())
	}
	return nil
}

// packageDir is the source directory of one package (as the go command
// resolves it from the calling test's directory).
func packageDir(pkg string) (string, error) {
	cmd := exec.Command("go", "list", "-f", "{{.Dir}}", pkg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("vmtest: go list %s: %w\n%s", pkg, err, stderr.Bytes())
	}
	dirs := strings.Fields(string(out))
	if len(dirs) != 1 {
		return "", fmt.Errorf("vmtest: package %q names %d packages, want one", pkg, len(dirs))
	}
	return dirs[0], nil
}

// testBinaryName is the guest name of a package's test binary: its
// directory's name, made unique.
func testBinaryName(pkgDir string, used map[string]bool) string {
	base := filepath.Base(pkgDir)
	name := base
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	used[name] = true
	return name
}

// buildTest builds pkg's test binary to out.
func buildTest(pkg, out string) error {
	if err := goBuild("test", "-c", "-o", out, pkg); err != nil {
		return err
	}
	if _, err := os.Stat(out); err != nil { // go test -c writes nothing without test files
		return fmt.Errorf("vmtest: %s has no test files: %w", pkg, err)
	}
	return nil
}

// buildMain builds a main package to out.
func buildMain(pkg, out string) error {
	return goBuild("build", "-o", out, pkg)
}

// guestGOFLAGS drops the flags a static guest build cannot take (-race and
// -msan need cgo).
func guestGOFLAGS(flags string) string {
	var keep []string
	for _, f := range strings.Fields(flags) {
		if f == "-race" || f == "-msan" || f == "-asan" {
			continue
		}
		keep = append(keep, f)
	}
	return strings.Join(keep, " ")
}
