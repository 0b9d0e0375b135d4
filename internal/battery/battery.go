package battery

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// DefaultRoot is where the kernel lists power supplies.
const DefaultRoot = "/sys/class/power_supply"

// ErrNoBattery is returned when no power supply of type Battery exists.
var ErrNoBattery = errors.New("battery: no power supply of type Battery")

// State is the charge of the battery as the bar shows it.
type State struct {
	Present  bool // false: no battery (the bar shows "Battery N/A")
	Percent  int  // 0–100
	Charging bool
	Full     bool
}

// Find returns the directory of the first power supply (in name order) under
// root whose type is Battery.
func Find(root string) (string, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", ErrNoBattery
		}
		return "", fmt.Errorf("battery: %w", err)
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		dir := filepath.Join(root, n)
		if t, err := readString(dir, "type"); err == nil && t == "Battery" {
			return dir, nil
		}
	}
	return "", ErrNoBattery
}

// Read finds the battery under root and reads its state. Without a battery it
// returns a State with Present false and ErrNoBattery.
//
// Percent is charge_now/charge_full when both exist (T2 Macs), else
// energy_now/energy_full, else capacity (Apple Silicon); with none of them
// it is 100.
func Read(root string) (State, error) {
	dir, err := Find(root)
	if err != nil {
		return State{}, err
	}
	return ReadDir(dir)
}

// ReadDir reads the state of the power supply in dir.
func ReadDir(dir string) (State, error) {
	st := State{Present: true, Percent: 100}
	if p, ok := ratio(dir, "charge_now", "charge_full"); ok {
		st.Percent = p
	} else if p, ok := ratio(dir, "energy_now", "energy_full"); ok {
		st.Percent = p
	} else if c, err := readInt(dir, "capacity"); err == nil {
		st.Percent = clamp(int(c))
	}
	status, err := readString(dir, "status")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return st, fmt.Errorf("battery: %w", err)
	}
	switch status {
	case "Charging":
		st.Charging = true
	case "Full":
		st.Full = true
	}
	return st, nil
}

func ratio(dir, now, full string) (int, bool) {
	n, err1 := readInt(dir, now)
	f, err2 := readInt(dir, full)
	if err1 != nil || err2 != nil || f <= 0 {
		return 0, false
	}
	return clamp(int(n * 100 / f)), true
}

func clamp(p int) int { return max(0, min(100, p)) }

func readString(dir, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func readInt(dir, name string) (int64, error) {
	s, err := readString(dir, name)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

// SupplyType reads the type of the power supply name under root: "Mains"
// (an AC adapter), "Battery", "USB"…
func SupplyType(root, name string) (string, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsRune(name, '/') {
		return "", fmt.Errorf("battery: bad power supply name %q", name)
	}
	t, err := readString(filepath.Join(root, name), "type")
	if err != nil {
		return "", fmt.Errorf("battery: %w", err)
	}
	return t, nil
}
