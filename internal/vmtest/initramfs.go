package vmtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"tiny-dfr/internal/vmtest/kit"
	"tiny-dfr/internal/vmtest/plan"
)

// image lists what goes into the initramfs: host files and literal files.
type initramfs struct {
	hostFiles map[string]string // guest path → host path
	hostModes map[string]uint32 // guest path → the host file's mode (Config.HostFiles)
	files     map[string][]byte // guest path → contents
	dirs      []string          // extra (possibly empty) directories
}

// buildInitramfs builds every binary of cfg into dir and writes dir/initrd.
func buildInitramfs(cfg *Config, k *kit.Kit, dir string) (string, error) {
	fs := initramfs{hostFiles: map[string]string{}, hostModes: map[string]uint32{}, files: map[string][]byte{}}
	if err := buildMain(guestInitPackage, filepath.Join(dir, "init")); err != nil {
		return "", err
	}
	fs.hostFiles["/init"] = filepath.Join(dir, "init")

	p := plan.Plan{Env: cfg.Env, Wait: []string{"/dev/dri/card0", "/dev/uinput"}, Exec: cfg.Init}
	params := map[string]string{}
	for name, v := range cfg.ModuleParams {
		params[modName(name)] = v
	}
	for _, m := range k.Modules {
		fs.hostFiles["/modules/"+m] = k.Module(m)
		name := modName(strings.TrimSuffix(m, ".ko"))
		p.Modules = append(p.Modules, plan.Module{Path: "/modules/" + m, Params: params[name]})
		delete(params, name)
	}
	for name := range params {
		return "", fmt.Errorf("vmtest: ModuleParams names %s, which the kit does not have", name)
	}
	used := map[string]bool{}
	for _, pkg := range cfg.Packages {
		pkgDir, err := packageDir(pkg)
		if err != nil {
			return "", err
		}
		name := testBinaryName(pkgDir, used)
		host := filepath.Join(dir, name+".test")
		if err := buildTest(pkg, host); err != nil {
			return "", err
		}
		guest := "/bin/" + name + ".test"
		fs.hostFiles[guest] = host
		// The test runs in /pkg/<name>, holding a copy of its testdata.
		guestDir := "/pkg/" + name
		fs.dirs = append(fs.dirs, guestDir)
		if err := fs.addTree(filepath.Join(pkgDir, "testdata"), guestDir+"/testdata"); err != nil {
			return "", err
		}
		args := []string{"-test.v", "-test.run", cfg.Run}
		if cfg.Bench != "" {
			args = append(args, "-test.bench", cfg.Bench)
		}
		p.Runs = append(p.Runs, plan.Run{Name: name, Path: guest, Dir: guestDir, Args: append(args, cfg.Args...)})
	}
	for guest, pkg := range cfg.Binaries {
		host := filepath.Join(dir, "bin-"+strings.ReplaceAll(strings.Trim(guest, "/"), "/", "_"))
		if err := buildMain(pkg, host); err != nil {
			return "", err
		}
		fs.hostFiles[guest] = host
	}
	for guest, host := range cfg.HostFiles {
		st, err := os.Stat(host)
		if err != nil {
			return "", fmt.Errorf("vmtest: %w", err)
		}
		fs.hostFiles[guest] = host
		fs.hostModes[guest] = uint32(st.Mode().Perm())
	}
	for guest, b := range guestAccounts() {
		fs.files[guest] = []byte(b)
	}
	for guest, b := range cfg.Files {
		fs.files[guest] = b
	}
	pj, err := json.Marshal(&p)
	if err != nil {
		return "", fmt.Errorf("vmtest: plan: %w", err)
	}
	fs.files[plan.Path] = pj
	out := filepath.Join(dir, "initrd.cpio")
	return out, fs.write(out)
}

// addTree adds the regular files under host (if it exists) below guest.
func (fs *initramfs) addTree(host, guest string) error {
	err := filepath.WalkDir(host, func(p string, d iofs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(host, p)
		if err != nil {
			return err
		}
		fs.hostFiles[path.Join(guest, filepath.ToSlash(rel))] = p
		return nil
	})
	if err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("vmtest: testdata: %w", err)
	}
	return nil
}

func (fs *initramfs) write(out string) (err error) {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("vmtest: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("vmtest: %w", cerr)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	// Not gzipped: under TCG the kernel's gunzip costs more than copying
	// the larger archive (median /init at 3.3 s raw vs 5.0 s gzip, 6 runs
	// each, alternated, load 5-8 on 2 cores).
	c := newCPIO(bw)
	for _, d := range []string{"/bin", "/dev", "/proc", "/sys", "/tmp", "/run", "/modules", "/vmtest"} {
		c.Dir(d)
	}
	for _, d := range fs.dirs {
		c.Dir(d)
	}
	c.CharDev("/dev/console", 5, 1)
	for _, guest := range sortedKeys(fs.hostFiles) {
		b, err := os.ReadFile(fs.hostFiles[guest])
		if err != nil {
			return fmt.Errorf("vmtest: %w", err)
		}
		m, ok := fs.hostModes[guest]
		if !ok {
			m = mode(guest, 0o755)
		}
		c.File(guest, b, m)
	}
	for _, guest := range sortedKeys(fs.files) {
		c.File(guest, fs.files[guest], mode(guest, 0o644))
	}
	if err := c.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("vmtest: %w", err)
	}
	return nil
}

// guestAccounts are the guest's /etc/passwd and /etc/group unless
// Config.Files has its own: root, the daemon's user tiny-dfr, nobody, and
// the groups input and video (gids as on Debian; the guest has no udev, so
// tests chown device nodes themselves).
func guestAccounts() map[string]string {
	return map[string]string{
		"/etc/passwd": fmt.Sprintf("root:x:0:0:root:/root:/bin/sh\n"+
			"tiny-dfr:x:%d:%d:tiny-dfr Touch Bar daemon:/:/bin/false\n"+
			"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", GuestUserID, GuestUserID),
		"/etc/group": fmt.Sprintf("root:x:0:\nvideo:x:%d:\ninput:x:%d:\ntiny-dfr:x:%d:\nnogroup:x:65534:\n",
			GuestVideoGID, GuestInputGID, GuestUserID),
	}
}

// Ids in the guest's default /etc/passwd and /etc/group.
const (
	GuestUserID   = 990 // uid and gid of tiny-dfr
	GuestInputGID = 101
	GuestVideoGID = 44
)

// modName normalises a module name ('-' and '_' are the same).
func modName(s string) string { return strings.ReplaceAll(s, "-", "_") }

// mode is 0755 for /init and under /bin, else def.
func mode(guest string, def uint32) uint32 {
	if guest == "/init" || path.Dir(path.Clean(guest)) == "/bin" {
		return 0o755
	}
	if strings.HasPrefix(guest, "/modules/") {
		return 0o644
	}
	return def
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
