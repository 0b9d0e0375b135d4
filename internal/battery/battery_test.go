package battery

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func writeSupply(t *testing.T, root, name string, files map[string]string) {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range files {
		if err := os.WriteFile(filepath.Join(dir, k), []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  State
	}{
		{"apple silicon", map[string]string{"type": "Battery", "capacity": "57", "status": "Discharging"},
			State{Present: true, Percent: 57}},
		{"t2 charge", map[string]string{"type": "Battery", "charge_now": "2500000", "charge_full": "5000000", "capacity": "10", "status": "Charging"},
			State{Present: true, Percent: 50, Charging: true}},
		{"t2 energy", map[string]string{"type": "Battery", "energy_now": "30000000", "energy_full": "40000000", "status": "Full"},
			State{Present: true, Percent: 75, Full: true}},
		{"zero full falls back", map[string]string{"type": "Battery", "charge_now": "1", "charge_full": "0", "capacity": "42"},
			State{Present: true, Percent: 42}},
		{"nothing readable", map[string]string{"type": "Battery"},
			State{Present: true, Percent: 100}},
		{"over 100 clamped", map[string]string{"type": "Battery", "charge_now": "5100", "charge_full": "5000"},
			State{Present: true, Percent: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			writeSupply(t, root, "ADP1", map[string]string{"type": "Mains", "online": "1"})
			writeSupply(t, root, "BAT0", tt.files)
			got, err := Read(root)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Read = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNoBattery(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeSupply(t, root, "AC", map[string]string{"type": "Mains"})
	st, err := Read(root)
	if !errors.Is(err, ErrNoBattery) || st.Present {
		t.Errorf("Read = %+v, %v; want not present, ErrNoBattery", st, err)
	}
	if _, err := Read(filepath.Join(root, "missing")); !errors.Is(err, ErrNoBattery) {
		t.Errorf("missing root: %v, want ErrNoBattery", err)
	}
}

func TestFindFirstBatteryByName(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeSupply(t, root, "macsmc-battery", map[string]string{"type": "Battery", "capacity": "80"})
	writeSupply(t, root, "BAT1", map[string]string{"type": "Battery", "capacity": "20"})
	dir, err := Find(root)
	if err != nil || filepath.Base(dir) != "BAT1" {
		t.Errorf("Find = %q, %v; want BAT1", dir, err)
	}
}

func TestSupplyType(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeSupply(t, root, "macsmc-ac", map[string]string{"type": "Mains", "online": "1"})
	writeSupply(t, root, "macsmc-battery", map[string]string{"type": "Battery"})
	for name, want := range map[string]string{"macsmc-ac": "Mains", "macsmc-battery": "Battery"} {
		if got, err := SupplyType(root, name); err != nil || got != want {
			t.Errorf("SupplyType(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, bad := range []string{"", "..", "../etc", "nope"} {
		if got, err := SupplyType(root, bad); err == nil {
			t.Errorf("SupplyType(%q) = %q, want an error", bad, got)
		}
	}
}
