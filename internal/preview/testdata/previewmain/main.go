// Command previewmain runs preview.Run like `tiny-dfr preview` does, for
// the compositor test (which must not depend on how cmd/tiny-dfr is wired).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"tiny-dfr/internal/preview"
)

func main() {
	var o preview.Options
	flag.StringVar(&o.Config, "config", "/etc/tiny-dfr/config.toml", "user config file")
	flag.StringVar(&o.Base, "base-config", "", "base config file")
	flag.IntVar(&o.Length, "length", 2008, "bar length")
	flag.IntVar(&o.Scale, "scale", 1, "zoom")
	flag.StringVar(&o.BatteryRoot, "battery-root", "", "power supply dir")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := preview.Run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, preview.ErrNoDisplay) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
