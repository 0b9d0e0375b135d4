package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestCommittedTableIsCurrent regenerates the table in memory and compares it
// with the committed file: run `go generate ./internal/config` when it fails.
func TestCommittedTableIsCurrent(t *testing.T) {
	src, err := os.ReadFile("../../keynames.txt")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(src, "keynames.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../keynames_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("keynames_table.go is stale: run go generate ./internal/config")
	}
}

func TestParseRejects(t *testing.T) {
	for _, src := range []string{
		"A 1\nA 2\n",  // duplicate name
		"A 1\nB 1\n",  // duplicate code
		"A 768\n",     // out of range
		"A\n",         // missing code
		"A one\n",     // not a number
		"A 1 extra\n", // extra field
	} {
		if _, err := Generate([]byte(src), "x"); err == nil {
			t.Errorf("Generate(%q) = nil error", src)
		}
	}
	got, err := Generate([]byte("# c\nA 1\n\nB 2\n"), "x")
	if err != nil || !strings.Contains(string(got), "DO NOT EDIT") {
		t.Fatalf("Generate = %q, %v", got, err)
	}
}
