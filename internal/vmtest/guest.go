package vmtest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"tiny-dfr/internal/vmtest/plan"
)

// InGuest reports whether this process runs inside the vmtest guest
// (TINYDFR_GUEST=1, set by the guest's /init).
func InGuest() bool { return os.Getenv("TINYDFR_GUEST") == "1" }

// GuestOnly skips t unless it runs inside the guest. Guest tests are named
// TestVM… and started on the host by a test calling Run.
func GuestOnly(t testing.TB) {
	t.Helper()
	if !InGuest() {
		t.Skip("runs inside the QEMU guest (vmtest.Run)")
	}
}

// HostOnly skips t inside the guest and in -short mode: t boots a guest
// (Run) to run its TestVM… half there.
func HostOnly(t testing.TB) {
	t.Helper()
	if InGuest() {
		t.Skip("host side")
	}
	if testing.Short() {
		t.Skip("boots a QEMU guest (-short)")
	}
}

// ErrNotGuest is returned by AskHost outside the guest.
var ErrNotGuest = errors.New("vmtest: not in the guest")

// AskHost prints "VMTEST ASK <request>" on the console and returns the
// host's answer, read from stdin as "VMTEST REPLY <answer>" (the host side
// is Config.OnAsk). Not safe for concurrent use; child processes of the
// guest test must not read its stdin, or they may take the reply.
func AskHost(request string) (string, error) {
	if !InGuest() {
		return "", ErrNotGuest
	}
	return ask(os.Stdout, os.Stdin, request)
}

func ask(w io.Writer, r io.Reader, request string) (string, error) {
	if strings.ContainsAny(request, "\r\n") {
		return "", fmt.Errorf("vmtest: ask %q: request must be one line", request)
	}
	if _, err := fmt.Fprintf(w, "%s %s\n", plan.Ask, request); err != nil {
		return "", fmt.Errorf("vmtest: ask %q: %w", request, err)
	}
	for {
		line, err := readLine(r)
		if err != nil {
			return "", fmt.Errorf("vmtest: ask %q: %w", request, err)
		}
		if rest, ok := strings.CutPrefix(line, plan.Reply); ok {
			return strings.TrimPrefix(rest, " "), nil
		}
	}
}

// readLine reads up to '\n' one byte at a time, so nothing after the line
// is consumed from the console.
func readLine(r io.Reader) (string, error) {
	var sb strings.Builder
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				return strings.TrimRight(sb.String(), "\r"), nil
			}
			sb.WriteByte(b[0])
		}
		if err != nil {
			if err == io.EOF && sb.Len() == 0 {
				return "", io.ErrUnexpectedEOF
			}
			if err == io.EOF {
				return sb.String(), nil
			}
			return "", err
		}
	}
}
