package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

const localesDir = "/usr/share/i18n/locales"

// TestCommittedTableIsCurrent regenerates the table from the installed
// locale sources and compares it with the committed file: run
// `go generate ./internal/clock` when it fails. Without the sources it
// skips, and fails under CI=true (.ci/run installs Debian's locales).
func TestCommittedTableIsCurrent(t *testing.T) {
	if _, err := os.Stat(filepath.Join(localesDir, "de_DE")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs Debian's locales package: %v", err)
		}
		t.Skipf("no glibc locale sources: %v", err)
	}
	want, err := Generate(localesDir, "/usr/share/i18n/SUPPORTED")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../locales_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("locales_table.go is stale: run go generate ./internal/clock")
	}
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The syntax of glibc's sources as the real files use it.
func TestParseSyntax(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "xx_XX", `comment_char %
escape_char /
% a comment "with a quote
LC_TIME
abday /
        "<U0041>a"; %first  /
        "b";"c";"d";"e";"f";"g"
day "1";"2";"3";"4";"5";"6";"7"
abmon "1";"2";"3";"4";"5";"6";"7";"8";"9";"10";"11";"12"
mon "<U00E9>1";"2";"3";"4";"5";"6";"7";"8";"9";"10";"11";/
    "12"
alt_mon "n1";"n2";"n3";"n4";"n5";"n6";"n7";"n8";"n9";"n10";"n11";"n12"
am_pm "";""
d_fmt "%d//%m//%Y"
t_fmt "%OH:%OM %Ey /
%Z"
d_t_fmt "%^a %c"
END LC_TIME
`)
	write(t, dir, "yy_YY", "LC_TIME\ncopy \"xx_XX\"\nam_pm \"am\";\"pm\"\nEND LC_TIME\n")
	ld := &loader{dir: dir, cache: map[string]*lcTime{}, busy: map[string]bool{}}
	x, err := ld.load("xx_XX")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Aa", "b", "c", "d", "e", "f", "g"}; !reflect.DeepEqual(x.abday, want) {
		t.Errorf("abday %q", x.abday)
	}
	if x.mon[0] != "é1" || x.mon[11] != "12" || x.altMon[0] != "n1" || x.abAltMon != nil {
		t.Errorf("mon %q alt %q", x.mon, x.altMon)
	}
	if x.dFmt != "%d/%m/%Y" || x.tFmt != "%H:%M %y %Z" || x.dtFmt != "%a %c" {
		t.Errorf("formats %q %q %q", x.dFmt, x.tFmt, x.dtFmt)
	}
	y, err := ld.load("yy_YY")
	if err != nil {
		t.Fatal(err)
	}
	if y.amPm[0] != "am" || y.day[6] != "7" {
		t.Errorf("copy: %q %q", y.amPm, y.day)
	}
	write(t, dir, "zz_ZZ", "LC_TIME\ncopy \"zz_ZZ\"\nEND LC_TIME\n")
	if _, err := ld.load("zz_ZZ"); err == nil {
		t.Error("copy cycle: no error")
	}
	write(t, dir, "bad", "LC_TIME\nabday <Sunday>\nEND LC_TIME\n")
	if _, err := ld.load("bad"); err == nil {
		t.Error("symbolic name: no error")
	}
	if _, err := dialect("%Q"); err == nil {
		t.Error("unknown specifier: no error")
	}
	if got, _ := dialect("%Ob %OB %Oe"); got != "%Ob %OB %e" {
		t.Errorf("dialect %q", got)
	}
}
