package assets

import (
	"embed"
	"io/fs"
	"sort"
	"strings"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

//go:embed icons/*.svg icons/LICENSE icons/README.md
var iconFS embed.FS

// IconsVersion names where the embedded icons come from.
const IconsVersion = "@material-design-icons/svg 0.14.15 (filled)"

// Icon returns the embedded SVG icon of that name (without ".svg").
func Icon(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, "/\\") {
		return nil, false
	}
	b, err := iconFS.ReadFile("icons/" + name + ".svg")
	if err != nil {
		return nil, false
	}
	return b, true
}

// IconNames lists the embedded icons, sorted.
func IconNames() []string {
	ents, _ := fs.ReadDir(iconFS, "icons")
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".svg"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// IconsLicense is the licence text of the embedded icons (Apache-2.0).
func IconsLicense() []byte {
	b, _ := iconFS.ReadFile("icons/LICENSE")
	return b
}

// Font returns the fallback font (Go Bold or Go Regular, BSD licence) as
// TrueType data.
func Font(bold bool) []byte {
	if bold {
		return gobold.TTF
	}
	return goregular.TTF
}
