package config

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// corpusDir is the repository's copy of the real-world config corpus
// (shared/realworld-configs: the configs and SOURCES.md with the verdicts).
const corpusDir = "testdata/realworld"

// sharedCorpus finds shared/realworld-configs by walking up from the
// test's working directory, or returns "" (it is not part of the
// repository: the tests use the copy in corpusDir).
func sharedCorpus(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; {
		p := filepath.Join(dir, "shared", "realworld-configs")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// verdicts reads SOURCES.md: in every table whose last column is a
// verdict, the first cell names a file and the last starts with its verdict.
func verdicts(t *testing.T, dir string) map[string]string {
	t.Helper()
	fh, err := os.Open(filepath.Join(dir, "SOURCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	fileCell := regexp.MustCompile("^`([^`]+\\.toml)`$")
	out := map[string]string{}
	inVerdictTable := false
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") {
			inVerdictTable = false
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		last := cells[len(cells)-1]
		if strings.HasPrefix(last, "verdict") {
			inVerdictTable = true
			continue
		}
		m := fileCell.FindStringSubmatch(cells[0])
		if !inVerdictTable || m == nil || len(cells) < 2 {
			continue
		}
		if _, dup := out[m[1]]; !dup {
			out[m[1]] = strings.Fields(last)[0]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRealWorldConfigs(t *testing.T) {
	t.Parallel()
	dir := corpusDir
	vs := verdicts(t, dir)
	files, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 || len(vs) != len(files) {
		t.Fatalf("%d files, %d verdicts in SOURCES.md", len(files), len(vs))
	}
	for _, path := range files {
		name := filepath.Base(path)
		verdict, ok := vs[name]
		if !ok {
			t.Errorf("%s: no verdict in SOURCES.md", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			diags := Check(name, data)
			var errs []Diagnostic
			for _, d := range diags {
				if d.Severity == Error {
					errs = append(errs, d)
				}
			}
			switch verdict {
			case "UPSTREAM-OK":
				for _, e := range errs {
					t.Errorf("upstream accepts this file, we say: %v", e)
				}
			case "UPSTREAM-REJECTS", "TOML-INVALID":
				if len(errs) == 0 {
					t.Errorf("%s, but no error", verdict)
				}
				for _, e := range errs {
					if e.Pos.Line <= 0 || e.Pos.Col <= 0 {
						t.Errorf("error without a position: %v", e)
					}
					if verdict == "TOML-INVALID" && e.Kind != KindSyntax {
						t.Errorf("TOML-INVALID but error of kind %v: %v", e.Kind, e)
					}
				}
			default:
				t.Fatalf("unknown verdict %q", verdict)
			}
			for _, d := range diags {
				if !insideFile(data, d.Pos) {
					t.Errorf("position outside the file: %v", d)
				}
			}
		})
	}
}

// TestRealWorldCorpusCopy notices a copy that fell behind the shared
// corpus, where that is present: every shared config must be in the copy,
// byte for byte, with the same verdict. (The copy may hold more.)
func TestRealWorldCorpusCopy(t *testing.T) {
	t.Parallel()
	shared := sharedCorpus(t)
	if shared == "" {
		t.Skip("no shared/realworld-configs above the package: the copy in " + corpusDir + " is used alone")
	}
	files, err := filepath.Glob(filepath.Join(shared, "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	sharedVerdicts, ours := verdicts(t, shared), verdicts(t, corpusDir)
	for _, p := range files {
		name := filepath.Base(p)
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil || !bytes.Equal(got, want) || ours[name] != sharedVerdicts[name] {
			t.Errorf("%s: the copy differs from %s (%v); refresh it: cp -a %s/. internal/config/%s/",
				name, shared, err, shared, corpusDir)
		}
	}
}

// insideFile reports whether p is a place in data: a line that exists and
// a column at most one past its end.
func insideFile(data []byte, p Pos) bool {
	lines := strings.Split(string(data), "\n")
	if p.Line < 1 || p.Line > len(lines) || p.Col < 1 {
		return false
	}
	return p.Col <= len(lines[p.Line-1])+1
}
