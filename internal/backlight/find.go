package backlight

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultRoot is where the kernel lists backlight devices.
const DefaultRoot = "/sys/class/backlight"

// ErrNotFound means no backlight under the root has a wanted name.
var ErrNotFound = errors.New("backlight: no matching device")

// TouchBarNames are name fragments of Touch Bar backlights: Apple Silicon
// (display-pipe, 228600000.dsi.0) and T2 (appletb_backlight).
func TouchBarNames() []string {
	return []string{"display-pipe", "228600000.dsi.0", "appletb_backlight"}
}

// DisplayNames are name fragments of main display backlights.
func DisplayNames() []string {
	return []string{"apple-panel-bl", "gmux_backlight", "intel_backlight", "acpi_video0"}
}

// Find returns the directory of the first device under root (in name order)
// whose name contains one of names.
func Find(root string, names []string) (string, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%w in %s", ErrNotFound, root)
	}
	if err != nil {
		return "", fmt.Errorf("backlight: %w", err)
	}
	for _, e := range entries {
		for _, n := range names {
			if strings.Contains(e.Name(), n) {
				return filepath.Join(root, e.Name()), nil
			}
		}
	}
	return "", fmt.Errorf("%w in %s (%s)", ErrNotFound, root, strings.Join(names, ", "))
}
