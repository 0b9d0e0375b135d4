package render

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"tiny-dfr/internal/safefile"
)

// defaultDataDirs is the XDG data search path: $XDG_DATA_HOME (or
// ~/.local/share) first, then $XDG_DATA_DIRS (or /usr/local/share:/usr/share).
func defaultDataDirs() []string {
	var dirs []string
	if h := os.Getenv("XDG_DATA_HOME"); h != "" {
		dirs = append(dirs, h)
	} else if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local/share"))
	}
	d := os.Getenv("XDG_DATA_DIRS")
	if d == "" {
		d = "/usr/local/share:/usr/share"
	}
	for _, p := range strings.Split(d, ":") {
		if p != "" {
			dirs = append(dirs, p)
		}
	}
	return dirs
}

// themeDir is one directory of an icon theme as index.theme describes it.
type themeDir struct {
	path            string
	size, min, max  int
	scalable, sized bool
}

// Limits on icon themes: hicolor's index.theme, the largest here, is
// 55 KiB with 649 directories; a theme inherits from one or two others.
const (
	maxThemeIndexBytes = 512 << 10
	maxThemeDirs       = 4096 // directories of one theme
	maxThemes          = 32   // themes visited for one icon, hicolor included
	// maxThemeLookups bounds the files looked for, for one icon: Papirus
	// (133 directories), breeze and hicolor (649) in three data
	// directories make about 6000.
	maxThemeLookups = 1 << 16
)

// themeInfo is what an icon theme's index.theme says.
type themeInfo struct {
	dirs     []themeDir
	inherits []string
	found    bool     // an index.theme was read
	warn     []string // index.theme files that exist but could not be read
}

// theme reads theme's index.theme once per layout build.
func (l *iconLoader) theme(dataDirs []string, name string) *themeInfo {
	if t, ok := l.themes[name]; ok {
		return t
	}
	t := themeIndex(dataDirs, name)
	if l.themes == nil {
		l.themes = map[string]*themeInfo{}
	}
	l.themes[name] = t
	return t
}

// themeIndex reads icons/THEME/index.theme in the first data dir that has
// it: the theme's directories and the themes it inherits from. An
// index.theme that is not a regular file of at most maxThemeIndexBytes is
// skipped with a warning.
func themeIndex(dataDirs []string, theme string) *themeInfo {
	t := &themeInfo{}
	for _, base := range dataDirs {
		p := filepath.Join(base, "icons", theme, "index.theme")
		data, err := safefile.ReadFile(p, maxThemeIndexBytes)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			continue
		}
		if err != nil {
			t.warn = append(t.warn, "icon theme "+err.Error())
			continue
		}
		t.found = true
		t.dirs, t.inherits = parseThemeIndex(data)
		return t
	}
	return t
}

// parseThemeIndex reads an index.theme: the theme's directories (at most
// maxThemeDirs) and the themes it inherits from (at most maxThemes).
func parseThemeIndex(data []byte) (dirs []themeDir, inherits []string) {
	sections := parseINI(data)
	main := sections["Icon Theme"]
	for t := range strings.SplitSeq(main["Inherits"], ",") {
		if t = strings.TrimSpace(t); t != "" && len(inherits) < maxThemes {
			inherits = append(inherits, t)
		}
	}
	for d := range strings.SplitSeq(main["Directories"], ",") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if len(dirs) == maxThemeDirs {
			break
		}
		s := sections[d]
		td := themeDir{path: d}
		td.size, _ = strconv.Atoi(s["Size"])
		td.min, td.max = td.size, td.size
		if v, err := strconv.Atoi(s["MinSize"]); err == nil {
			td.min = v
		}
		if v, err := strconv.Atoi(s["MaxSize"]); err == nil {
			td.max = v
		}
		td.scalable = s["Type"] == "Scalable" || strings.Contains(d, "scalable")
		td.sized = td.size > 0
		dirs = append(dirs, td)
	}
	return dirs, inherits
}

// parseINI reads a freedesktop .ini-like file into sections of keys. A
// line over bufio's 64 KiB token ends the reading.
func parseINI(data []byte) map[string]map[string]string {
	out := map[string]map[string]string{}
	cur := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#':
		case line[0] == '[' && line[len(line)-1] == ']':
			cur = map[string]string{}
			out[line[1:len(line)-1]] = cur
		default:
			if k, v, ok := strings.Cut(line, "="); ok {
				cur[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

// xdgIconCandidates lists the files that may hold icon name in theme (its
// parents, then hicolor), best first: for each theme, scalable SVGs and
// files of exactly size, then SVGs and PNGs of any size; finally pixmaps.
// Files that are not regular (a FIFO or a directory named like an icon)
// are passed over; index.theme files that cannot be read are reported in
// warn, once per layout build.
func (l *iconLoader) xdgIconCandidates(dataDirs []string, theme, name string, size int) (out, warn []string) {
	seen := map[string]bool{}
	queue := []string{theme}
	visited, looked := 0, 0
themes:
	for len(queue) > 0 || !seen["hicolor"] {
		var t string
		if len(queue) == 0 || visited == maxThemes-1 && !seen["hicolor"] {
			t, queue = "hicolor", nil
		} else {
			t, queue = queue[0], queue[1:]
		}
		if seen[t] || t == "" || t == "." || t == ".." || strings.ContainsAny(t, "/\\\x00") {
			seen[t] = true
			continue
		}
		seen[t] = true
		visited++
		info := l.theme(dataDirs, t)
		if len(info.warn) > 0 {
			warn = append(warn, info.warn...)
			info.warn = nil
		}
		dirs := info.dirs
		if !info.found {
			dirs = nil
		}
		if visited < maxThemes {
			queue = append(queue, info.inherits...)
		}
		type cand struct {
			rank int
			path string
		}
		var cs []cand
		for _, base := range dataDirs {
			root := filepath.Join(base, "icons", t)
			ds := dirs
			if ds == nil {
				ds = globThemeDirs(root)
			}
			for _, d := range ds {
				match := d.scalable && size >= d.min && size <= d.max || d.sized && d.size == size
				for _, ext := range []string{".svg", ".png"} {
					p := filepath.Join(root, d.path, name+ext)
					rank := 4
					switch {
					case ext == ".svg" && match:
						rank = 0
					case ext == ".png" && match:
						rank = 1
					case ext == ".svg":
						rank = 2
					}
					cs = append(cs, cand{rank, p})
				}
			}
		}
		for rank := 0; rank <= 4; rank++ {
			for _, c := range cs {
				if c.rank == rank && !seen["file:"+c.path] {
					seen["file:"+c.path] = true
					if looked++; looked > maxThemeLookups {
						warn = append(warn, fmt.Sprintf("icon theme %s: looking for %s stopped after %d files", theme, name, maxThemeLookups))
						break themes
					}
					if st, err := os.Stat(c.path); err == nil && st.Mode().IsRegular() {
						out = append(out, c.path)
					}
				}
			}
		}
	}
	for _, base := range dataDirs {
		for _, ext := range []string{".svg", ".png"} {
			p := filepath.Join(base, "pixmaps", name+ext)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				out = append(out, p)
			}
		}
	}
	return out, warn
}

// globThemeDirs finds a theme's directories when it has no index.theme.
func globThemeDirs(root string) []themeDir {
	var ds []themeDir
	for _, pat := range []string{"*/*", "*"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		for _, p := range m {
			if len(ds) == maxThemeDirs {
				return ds
			}
			st, err := os.Stat(p)
			if err != nil || !st.IsDir() {
				continue
			}
			rel, _ := filepath.Rel(root, p)
			td := themeDir{path: rel, scalable: strings.Contains(rel, "scalable"), min: 1, max: 1 << 20}
			for part := range strings.SplitSeq(rel, "/") {
				if w, _, ok := strings.Cut(part, "x"); ok {
					if n, err := strconv.Atoi(w); err == nil {
						td.size, td.sized = n, true
					}
				}
			}
			ds = append(ds, td)
		}
	}
	return ds
}
