package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"tiny-dfr/internal/session"
)

// runSession is the session companion (tiny-dfr-session.service, run as
// the desktop user): it runs the commands and widgets of the daemon's
// config in the user's session.
func runSession(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("session", "session [-socket PATH]", stderr)
	socket := fs.String("socket", session.DefaultDir+"/"+session.SocketName,
		"the daemon's socket (another path also accepts a daemon not running as root)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c := session.Companion{
		Socket:    *socket,
		Log:       slog.New(slog.NewTextHandler(stderr, nil)),
		Desktop:   os.Getenv("XDG_CURRENT_DESKTOP"),
		AnyServer: *socket != session.DefaultDir+"/"+session.SocketName,
	}
	return c.Run(ctx)
}
