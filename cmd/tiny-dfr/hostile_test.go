package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// fakeFCMatch answers like an fc-match that options steer: "--help" and
// "-v" before "--" print text that is no path; a pattern that is a path
// is answered with that path (as fontconfig's file= property would).
const fakeFCMatch = `#!/bin/sh
pat=""
while [ $# -gt 0 ]; do
	case "$1" in
	--) shift; pat="$1"; break ;;
	--help) echo "usage: fc-match [-sVh] [--format=FORMAT] [pattern]"; exit 0 ;;
	-v) echo "fontconfig version 2.14.1"; exit 0 ;;
	-*) ;;
	*) pat="$1" ;;
	esac
	shift
done
case "$pat" in
/*) printf %s "$pat" ;;
*) printf %s /nonexistent/fonts/Fake-Regular.ttf ;;
esac
`

// TestBinaryHostileIconsAndFonts runs the built binary's render and check
// on configs whose icons (found through an XDG icon theme) are a FIFO,
// /dev/zero, a directory, a symlink loop, a PNG over the pixel limit and
// an SVG over the size cap, or whose theme's index.theme is a FIFO; and
// whose FontTemplate steers fc-match. Each ends promptly, draws (a
// placeholder, the embedded font) and says why, at the config's line.
// The binary runs with 1 GiB of address space: reading /dev/zero as a
// font must not take the host down.
func TestBinaryHostileIconsAndFonts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "tiny-dfr")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "share")
	apps := filepath.Join(data, "icons", "hostile", "scalable", "apps")
	must(t, os.MkdirAll(apps, 0o755))
	must(t, os.WriteFile(filepath.Join(data, "icons", "hostile", "index.theme"), []byte(
		"[Icon Theme]\nName=hostile\nDirectories=scalable/apps\n\n[scalable/apps]\nSize=48\nType=Scalable\nMinSize=1\nMaxSize=1024\n"), 0o644))
	must(t, unix.Mkfifo(filepath.Join(apps, "hfifo.svg"), 0o644))
	must(t, os.Symlink("/dev/zero", filepath.Join(apps, "hzero.svg")))
	must(t, os.Mkdir(filepath.Join(apps, "hdir.svg"), 0o755))
	must(t, os.Symlink("hloop.svg", filepath.Join(apps, "hloop.svg")))
	var big bytes.Buffer
	must(t, png.Encode(&big, image.NewGray(image.Rect(0, 0, 4096, 4096))))
	must(t, os.WriteFile(filepath.Join(apps, "hbig.png"), big.Bytes(), 0o644))
	must(t, os.WriteFile(filepath.Join(apps, "hrects.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">`+
		strings.Repeat(`<rect width="24" height="24" fill="#fff"/>`, 100000)+`</svg>`), 0o644))
	fifoTheme := filepath.Join(data, "icons", "fifotheme")
	must(t, os.MkdirAll(fifoTheme, 0o755))
	must(t, unix.Mkfifo(filepath.Join(fifoTheme, "index.theme"), 0o644))
	fcdir := filepath.Join(dir, "bin")
	must(t, os.Mkdir(fcdir, 0o755))
	must(t, os.WriteFile(filepath.Join(fcdir, "fc-match"), []byte(fakeFCMatch), 0o755))

	icons := filepath.Join(dir, "icons.toml")
	must(t, os.WriteFile(icons, []byte(`PrimaryLayerKeys = [
  { Icon = "hfifo", Theme = "hostile", Action = "F1" },
  { Icon = "hzero", Theme = "hostile", Action = "F2" },
  { Icon = "hdir", Theme = "hostile", Action = "F3" },
  { Icon = "hloop", Theme = "hostile", Action = "F4" },
  { Icon = "hbig", Theme = "hostile", Action = "F5", IconWidth = 1024, IconHeight = 1024 },
  { Icon = "hrects", Theme = "hostile", Action = "F6" },
  { Icon = "hsome", Theme = "fifotheme", Action = "F7" },
  { Text = "ok", Action = "F8" },
]
`), 0o644))
	// A theme lookup may pass over what is no regular file without a
	// word (then the icon is "not found" at its line), or name it.
	cases := map[string]struct {
		conf string
		want []string // regexps, each to match a line of stderr
	}{
		"icons": {"", []string{
			`^` + regexp.QuoteMeta(icons) + `:2:3: warning: icon (` + regexp.QuoteMeta(apps) + `/hfifo.svg: .*FIFO|"hfifo": not found)`,
			`^` + regexp.QuoteMeta(icons) + `:3:3: warning: icon (` + regexp.QuoteMeta(apps) + `/hzero.svg: .*character device|"hzero": not found)`,
			`^` + regexp.QuoteMeta(icons) + `:4:3: warning: icon (` + regexp.QuoteMeta(apps) + `/hdir.svg: .*directory|"hdir": not found)`,
			`^` + regexp.QuoteMeta(icons) + `:5:3: warning: icon (` + regexp.QuoteMeta(apps) + `/hloop.svg: .*symbolic links|"hloop": not found)`,
			`^` + regexp.QuoteMeta(icons) + `:6:3: warning: icon ` + regexp.QuoteMeta(apps) + `/hbig.png: .*too large`,
			`^` + regexp.QuoteMeta(icons) + `:7:3: warning: icon ` + regexp.QuoteMeta(apps) + `/hrects.svg: .*cap`,
			`^` + regexp.QuoteMeta(icons) + `:8:3: warning: .*` + regexp.QuoteMeta(fifoTheme) + `/index.theme.*FIFO`,
		}},
		"font-help":  {`FontTemplate = "--help"`, []string{`:1:16: warning: font: .*"--help".*embedded`}},
		"font-v":     {`FontTemplate = "-v"`, []string{`:1:16: warning: font: .*"-v".*embedded`}},
		"font-zero":  {`FontTemplate = "/dev/zero"`, []string{`:1:16: warning: font: .*/dev/zero.*not a regular file.*embedded`}},
		"font-dir":   {`FontTemplate = "/"`, []string{`:1:16: warning: font: .*embedded`}},
		"font-empty": {`FontTemplate = "/nonexistent/x.ttf"`, []string{`:1:16: warning: font: .*embedded`}},
	}
	for name, c := range cases {
		path := icons
		if c.conf != "" {
			path = filepath.Join(dir, name+".toml")
			must(t, os.WriteFile(path, []byte(c.conf+"\nPrimaryLayerKeys = [ { Text = \"a\", Action = \"F1\" } ]\n"), 0o644))
		}
		for _, args := range [][]string{
			{"render", "--base-config", "", "--config", path, "-o", filepath.Join(dir, name+".png")},
			{"check", path},
		} {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", `ulimit -v 1048576; exec "$0" "$@"`, bin}, args...)...)
			cmd.Env = append(os.Environ(), "PATH="+fcdir+":"+os.Getenv("PATH"), "XDG_DATA_HOME="+data, "XDG_DATA_DIRS="+data)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			late := ctx.Err() != nil
			cancel()
			if late {
				t.Fatalf("%s %v: still running after a minute", name, args)
			}
			if err != nil {
				t.Errorf("%s %v: %v (want exit 0: a picture with placeholders, the embedded font), stderr %q", name, args, err, stderr.String())
			}
			for _, w := range c.want {
				if strings.HasPrefix(w, ":") { // at the line of the config
					w = `^` + regexp.QuoteMeta(path) + w
				}
				if !regexp.MustCompile(`(?m)` + w).MatchString(stderr.String()) {
					t.Errorf("%s %v: no line matching %q in stderr:\n%s", name, args, w, stderr.String())
				}
			}
		}
		if _, err := os.Stat(filepath.Join(dir, name+".png")); err != nil {
			t.Errorf("%s: no picture: %v", name, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
