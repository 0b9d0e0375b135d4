// Command mkkit prepares the guest kernel kit for internal/vmtest: it
// downloads the current Debian bookworm kernel package, extracts vmlinux and
// the needed modules into $TINYDFR_KIT (default ~/.cache/tiny-dfr/kit).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"tiny-dfr/internal/vmtest/kit"
)

func main() {
	dir := flag.String("dir", kit.DefaultDir(), "kit directory to (re)create")
	pkg := flag.String("package", "", "kernel package (default: what linux-image-amd64 depends on)")
	roots := flag.String("modules", strings.Join(kit.DefaultRoots(), ","), "modules to include, comma-separated (dependencies are added)")
	force := flag.Bool("force", false, "rebuild even if a kit of the current kernel package exists")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *dir, *pkg, strings.Split(*roots, ","), *force); err != nil {
		fmt.Fprintln(os.Stderr, "mkkit:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir, pkg string, roots []string, force bool) error {
	p := &kit.Preparer{Roots: roots, Log: os.Stderr, Package: pkg}
	if !force {
		if k, err := kit.Open(dir); err == nil && sameRoots(k, roots) {
			want, err := p.Current(ctx)
			if err != nil {
				fmt.Fprintf(os.Stderr, "mkkit: keeping the kit in %s (%s): %v\n", dir, k.Package, err)
				return nil
			}
			if want == k.Package {
				fmt.Fprintf(os.Stderr, "kit in %s is current (%s)\n", dir, k.Package)
				return nil
			}
		}
	}
	_, err := p.Prepare(ctx, dir)
	return err
}

// sameRoots reports whether every requested module is in the kit.
func sameRoots(k *kit.Kit, roots []string) bool {
	have := map[string]bool{}
	for _, m := range k.Modules {
		have[strings.ReplaceAll(strings.TrimSuffix(m, ".ko"), "-", "_")] = true
	}
	for _, r := range roots {
		if !have[strings.ReplaceAll(r, "-", "_")] {
			return false
		}
	}
	return true
}
