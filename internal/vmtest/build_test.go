package vmtest

import (
	"os"
	"testing"
)

func TestPackageDir(t *testing.T) {
	t.Parallel()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{".", "tiny-dfr/internal/vmtest"} {
		got, err := packageDir(pkg)
		if err != nil || got != wd {
			t.Errorf("packageDir(%q) = %q, %v; want %q", pkg, got, err, wd)
		}
	}
	if _, err := packageDir("./..."); err == nil {
		t.Error("packageDir accepted a pattern naming several packages")
	}
}

func TestTestBinaryName(t *testing.T) {
	t.Parallel()
	used := map[string]bool{}
	for _, c := range []struct{ dir, want string }{
		{"/src/internal/drm", "drm"},
		{"/src/other/drm", "drm2"},
		{"/src/internal/input", "input"},
		{"/src/x/drm", "drm3"},
	} {
		if got := testBinaryName(c.dir, used); got != c.want {
			t.Errorf("testBinaryName(%q) = %q, want %q", c.dir, got, c.want)
		}
	}
}

func TestGuestGOFLAGS(t *testing.T) {
	t.Parallel()
	if got := guestGOFLAGS("-race -mod=mod  -msan -buildvcs=false"); got != "-mod=mod -buildvcs=false" {
		t.Errorf("guestGOFLAGS = %q", got)
	}
}

func TestBuildTestWithoutTestFiles(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the go command")
	}
	out := t.TempDir() + "/plan.test" // plan has, and should keep, no tests
	if err := buildTest("tiny-dfr/internal/vmtest/plan", out); err == nil {
		t.Error("buildTest of a package without tests succeeded")
	}
}
