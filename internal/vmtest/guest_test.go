package vmtest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestAsk(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	in := strings.NewReader("noise\r\nVMTEST REPLY ok 64x2008\r\nVMTEST REPLY next\n")
	got, err := ask(&out, in, "screendump now")
	if err != nil || got != "ok 64x2008" {
		t.Errorf("ask = %q, %v", got, err)
	}
	if out.String() != "VMTEST ASK screendump now\n" {
		t.Errorf("wrote %q", out.String())
	}
	rest, _ := io.ReadAll(in)
	if string(rest) != "VMTEST REPLY next\n" {
		t.Errorf("ask consumed past its reply; left %q", rest)
	}
}

func TestAskErrors(t *testing.T) {
	if _, err := ask(io.Discard, strings.NewReader(""), "x"); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("ask on empty input: %v, want ErrUnexpectedEOF", err)
	}
	if _, err := ask(io.Discard, strings.NewReader("VMTEST REPLY x\n"), "two\nlines"); err == nil {
		t.Error("ask accepted a two-line request")
	}
	t.Setenv("TINYDFR_GUEST", "")
	if _, err := AskHost("x"); !errors.Is(err, ErrNotGuest) {
		t.Errorf("AskHost outside the guest: %v, want ErrNotGuest", err)
	}
}
