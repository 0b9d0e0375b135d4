// Command tiny-dfr draws function keys on the Touch Bar of Apple Silicon
// and T2 MacBooks and turns touches into key presses. Without a subcommand it
// runs the daemon; `tiny-dfr help` lists the rest.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
