package config

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pathological returns inputs under the 1 MiB cap that cost the most per
// byte without limits, by name.
func pathological() map[string][]byte {
	const cap = maxFileSize - 64
	fill := func(head string, line func(i int) string, tail string) []byte {
		var b strings.Builder
		b.WriteString(head)
		for i := 0; ; i++ {
			l := line(i)
			if b.Len()+len(l)+len(tail) > cap {
				break
			}
			b.WriteString(l)
		}
		b.WriteString(tail)
		return []byte(b.String())
	}
	return map[string][]byte{
		// 90k distinct unknown top-level keys.
		"unknown-keys": fill("", func(i int) string { return fmt.Sprintf("k%05d = 1\n", i) }, ""),
		// 90k unknown fields in one button table.
		"unknown-fields": fill("[[PrimaryLayerKeys]]\nText = \"a\"\n", func(i int) string { return fmt.Sprintf("f%05d = 1\n", i) }, ""),
		// One dotted key of ~500k parts.
		"dotted-key": fill("", func(int) string { return "a." }, "a = 1\n"),
		// A dotted table header of ~500k parts.
		"dotted-table": fill("[", func(int) string { return "a." }, "a]\n"),
		// A Time format of ~500k specifiers.
		"time-format": fill("PrimaryLayerKeys = [ { Time = \"", func(int) string { return "%S" }, "\" } ]\n"),
		// One label of ~1 MB.
		"long-text": fill("PrimaryLayerKeys = [ { Text = \"", func(int) string { return "x" }, "\" } ]\n"),
		// ~100k buttons in one layer.
		"many-buttons": fill("PrimaryLayerKeys = [\n", func(int) string { return "{ Text = \"a\" },\n" }, "]\n"),
		// ~50k [[PrimaryLayerKeys]] tables.
		"many-tables": fill("", func(int) string { return "[[PrimaryLayerKeys]]\nText = \"a\"\n" }, ""),
		// One Action of ~100k key names.
		"long-action": fill("PrimaryLayerKeys = [ { Action = [", func(int) string { return "\"A\"," }, "\"A\"] } ]\n"),
		// Nested arrays as deep as the file allows (the TOML parser stops
		// at 10000).
		"deep-arrays": fill("x = ", func(int) string { return "[" }, "]\n"),
		// ~250k array elements in an unknown key.
		"long-array": fill("x = [", func(int) string { return "1," }, "1]\n"),
	}
}

// BenchmarkLoadPathological is the time Load takes on each pathological
// input (read and parse; each is refused or warned about). Before the
// limits (parse only, under load): unknown-keys 15–23 s, unknown-fields
// 19–22 s, dotted-key 0.9–1.9 s and 684 MB, long-action-names 2.4–4 s and
// 5.3 GB allocated; now each is under 15 ms.
// longNames returns inputs within the limits whose names were slow to
// suggest a correction for: a 1 MB unknown key (120 ms), 1024 Action names
// of 900 bytes (4 s, each compared with every key name).
func longNames() map[string][]byte {
	var b strings.Builder
	b.WriteString("PrimaryLayerKeys = [")
	for range maxButtons {
		b.WriteString("{ Action = [")
		for range maxActionKeys {
			b.WriteString(`"` + strings.Repeat("Q", 900) + `",`)
		}
		b.WriteString("] },")
	}
	b.WriteString("]\n")
	return map[string][]byte{
		"long-key":          []byte(strings.Repeat("Q", maxFileSize-64) + " = 1\n"),
		"long-action-names": []byte(b.String()),
	}
}

func BenchmarkLoadPathological(b *testing.B) {
	inputs := pathological()
	maps.Copy(inputs, longNames())
	dir := b.TempDir()
	for _, name := range slices.Sorted(maps.Keys(inputs)) {
		path := filepath.Join(dir, name+".toml")
		if err := os.WriteFile(path, inputs[name], 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(inputs[name])))
			for b.Loop() {
				if _, diags := Load("", path); len(diags) == 0 {
					b.Fatal("no diagnostic")
				}
			}
		})
	}
}

// BenchmarkParseAtLimits is the worst a file within the limits costs:
// the TOML library's duplicate-key tracking is quadratic in the keys.
func BenchmarkParseAtLimits(b *testing.B) {
	for name, data := range map[string][]byte{
		"keys":     []byte(lines(maxEntries, func(i int) string { return fmt.Sprintf("k%05d = 1", i) })),
		"fields":   []byte("[[PrimaryLayerKeys]]\n" + lines(maxEntries-1, func(i int) string { return fmt.Sprintf("f%05d = 1", i) })),
		"elements": []byte("x = [" + strings.Repeat("1,", maxElements-1) + "1]\n"),
		"buttons":  []byte("PrimaryLayerKeys = [ " + buttons(maxButtons) + " ]\n"),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, diags := Parse("p.toml", data); HasErrors(diags) {
					b.Fatal(diags[0])
				}
			}
		})
	}
}
