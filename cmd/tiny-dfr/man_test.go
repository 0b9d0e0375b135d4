package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tiny-dfr/internal/config"
)

// readPage reads a rendered man page from man/ with \- read as -.
func readPage(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "man", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), `\-`, "-")
}

// manSections splits a page into its .SS subsections by title.
func manSections(page string) map[string]string {
	out := map[string]string{}
	title := ""
	for _, line := range strings.Split(page, "\n") {
		if t, ok := strings.CutPrefix(line, ".SS "); ok {
			title = strings.Trim(t, `"`)
			continue
		}
		if strings.HasPrefix(line, ".SH ") {
			title = ""
		}
		if title != "" {
			out[title] += line + "\n"
		}
	}
	return out
}

var flagLine = regexp.MustCompile(`(?m)^  -([A-Za-z0-9-]+)`)

// commandFlags lists the flags of a command as its --help prints them.
func commandFlags(t *testing.T, name string) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{name, "--help"}, &stdout, &stderr); code != 0 {
		t.Fatalf("%s --help: exit %d\n%s", name, code, stderr.String())
	}
	var flags []string
	for _, m := range flagLine.FindAllStringSubmatch(stderr.String(), -1) {
		flags = append(flags, m[1])
	}
	if len(flags) == 0 {
		t.Fatalf("%s --help lists no flags:\n%s", name, stderr.String())
	}
	return flags
}

// TestManPageCommands: tiny-dfr(1) documents every command, and every flag
// of each in the command's own OPTIONS subsection (walked from the flag
// sets themselves, through --help).
func TestManPageCommands(t *testing.T) {
	page := readPage(t, "tiny-dfr.1")
	sections := manSections(page)
	commandsSection := page[strings.Index(page, ".SH COMMANDS"):strings.Index(page, ".SH OPTIONS")]
	for _, c := range append(commands(), command{name: "help"}, command{name: "version"}) {
		if !strings.Contains(commandsSection, ".TP\n\\fB"+c.name+"\\fP\n") {
			t.Errorf("tiny-dfr.1: command %q has no entry under COMMANDS", c.name)
		}
		if c.run == nil {
			continue
		}
		sec, ok := sections[c.name]
		if !ok {
			t.Errorf("tiny-dfr.1: no OPTIONS subsection %q (### %s in man/tiny-dfr.1.md)", c.name, c.name)
			continue
		}
		for _, f := range commandFlags(t, c.name) {
			if !strings.Contains(sec, `\fB--`+f+`\fP`) && !strings.Contains(sec, `\fB-`+f+`\fP`) {
				t.Errorf("tiny-dfr.1: flag -%s of %s is not documented in its subsection (man/tiny-dfr.1.md, ### %s)", f, c.name, c.name)
			}
		}
	}
	for _, f := range []string{"--help", "--version"} {
		if !strings.Contains(sections["Global"], `\fB`+f+`\fP`) {
			t.Errorf("tiny-dfr.1: %s not documented", f)
		}
	}
	// The default paths the binary was built with (in a test: the
	// defaults the Makefile also uses for PREFIX=/usr).
	for _, p := range []string{config.BasePath, config.UserPath} {
		if !strings.Contains(page, p) {
			t.Errorf("tiny-dfr.1 does not name %s", p)
		}
	}
}

// TestManPageConfig: tiny-dfr.toml(5) documents every key the config
// package reads (its lists are checked against the decoder by
// config.TestSchemaMatchesDecoder), every slider kind and battery mode,
// and its example is a config without a single diagnostic.
func TestManPageConfig(t *testing.T) {
	page := readPage(t, "tiny-dfr.toml.5")
	section := func(name string) string {
		i := strings.Index(page, ".SH "+name)
		if i < 0 {
			t.Fatalf("tiny-dfr.toml.5: no section %s", name)
		}
		rest := page[i+4:]
		if j := strings.Index(rest, ".SH "); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	check := func(sec string, keys []string, what string) {
		text := section(sec)
		for _, k := range keys {
			if !strings.Contains(text, `\fB`+k+`\fP =`) && !strings.Contains(text, `\fB[`+k+`]\fP`) && !strings.Contains(text, `\fB[[`+k+`]]\fP`) {
				t.Errorf("tiny-dfr.toml.5: %s %q is not documented under %s", what, k, sec)
			}
		}
	}
	check("TOP-LEVEL KEYS", config.TopLevelKeys(), "key")
	check("TOP-LEVEL KEYS", config.ExtensionKeys(), "key")
	check("TOP-LEVEL KEYS", config.DeprecatedKeys(), "key")
	check("BUTTONS", config.ButtonFields(), "button field")
	check("BUTTONS", config.ExtensionButtonFields(), "button field")
	check("LAYERS", config.LayerFields(), "[[Layer]] field")
	check("STYLE", config.StyleKeys(), "[Style] key")
	buttons := section("BUTTONS")
	for _, v := range append(config.SliderKinds(), config.BatteryPercentage, config.BatteryIcon, config.BatteryBoth) {
		if !strings.Contains(buttons, `"`+v+`"`) {
			t.Errorf("tiny-dfr.toml.5: value %q not documented under BUTTONS", v)
		}
	}
	ex := section("EXAMPLES")
	i, j := strings.Index(ex, ".EX\n"), strings.Index(ex, ".EE\n")
	if i < 0 || j < i {
		t.Fatal("tiny-dfr.toml.5: no example under EXAMPLES")
	}
	example := strings.ReplaceAll(ex[i+4:j], `\\`, `\`)
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range checkFile(path) {
		t.Errorf("tiny-dfr.toml.5's example: %v", d)
	}
}

// TestManPagesRender: both pages render with groff -ww without a warning.
func TestManPagesRender(t *testing.T) {
	for _, name := range []string{"tiny-dfr.1", "tiny-dfr.toml.5"} {
		groffClean(t, filepath.Join("..", "..", "man", name))
	}
}

// groffClean runs groff -ww -z -man on a page: no output allowed. Without
// groff it skips, and fails under CI=true (.ci/run installs groff).
func groffClean(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("groff"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("groff is not installed (CI=true)")
		}
		t.Skip("groff is not installed")
	}
	out, err := exec.Command("groff", "-ww", "-z", "-man", path).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("groff -ww -z -man %s: %v\n%s", path, err, out)
	}
}
