package privs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const sysusersConf = "../../share/sysusers.d/tiny-dfr.conf"

// The shipped sysusers.d file creates the user the daemon looks for.
func TestSysusersFileNamesUser(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(sysusersConf)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "u" && f[1] == User {
			found = true
		}
	}
	if !found {
		t.Errorf("%s has no line \"u %s ...\"", sysusersConf, User)
	}
	if want := "/lib/sysusers.d/tiny-dfr.conf"; !strings.HasSuffix(SysusersFile, want) {
		t.Errorf("SysusersFile %q, want …%s", SysusersFile, want)
	}
}

// systemd-sysusers applied to an empty root makes a user Lookup finds.
func TestSysusersFileCreatesUser(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("systemd-sysusers")
	if err != nil {
		t.Skip("no systemd-sysusers")
	}
	if os.Getuid() != 0 {
		t.Skip("systemd-sysusers --root needs root")
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	conf, _ := filepath.Abs(sysusersConf)
	if out, err := exec.Command(bin, "--root="+root, conf).CombinedOutput(); err != nil {
		t.Fatalf("systemd-sysusers: %v\n%s", err, out)
	}
	c, err := LookupService(root, nil, User)
	if err != nil {
		t.Fatal(err)
	}
	if c.UID == 0 || c.UID == 65534 || c.GID == 0 {
		t.Errorf("created %+v, want a system user of its own", c)
	}
}
