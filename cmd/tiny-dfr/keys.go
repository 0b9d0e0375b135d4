package main

import (
	"context"
	"fmt"
	"io"

	"tiny-dfr/internal/config"
)

func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("keys", "keys", stderr)
	all := fs.Bool("all", false, "also list the Unknown*/Reserved* placeholder names")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, k := range config.KeyNames() {
		if !*all && isPlaceholder(k.Name) {
			continue
		}
		fmt.Fprintf(stdout, "%-24s %d\n", k.Name, k.Code)
	}
	return nil
}

func isPlaceholder(name string) bool {
	for _, p := range []string{"Unknown", "Reserved"} {
		if len(name) > len(p) && name[:len(p)] == p {
			return true
		}
	}
	return false
}
