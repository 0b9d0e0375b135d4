package daemon

import (
	"testing"
	"time"

	"tiny-dfr/internal/input"
	"tiny-dfr/internal/uevent"
)

func supplyEvent(name string, env map[string]string) uevent.Event {
	e := uevent.Event{Action: "change", Subsystem: "power_supply", DevPath: "/devices/platform/" + name + "/power_supply/" + name,
		Env: map[string]string{"POWER_SUPPLY_NAME": name}}
	for k, v := range env {
		e.Env[k] = v
	}
	return e
}

// Plugging or unplugging AC wakes the bar like a touch: a dim or dark bar
// lights up at the active level and the idle timers start again. A
// battery's capacity ticks do not wake it.
func TestACWakesBar(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(r *rig) { r.supplies = map[string]string{"macsmc-ac": "Mains", "macsmc-battery": "Battery"} })
	r.run(2 * time.Minute)
	if v := readBrightness(t, r.bl); v != 0 {
		t.Fatalf("idle: backlight %d, want 0", v)
	}
	r.takeDraws()
	// T2 (ACPI): the uevent names its type and state.
	r.c.onUevent(supplyEvent("ADP1", map[string]string{"POWER_SUPPLY_TYPE": "Mains", "POWER_SUPPLY_ONLINE": "1"}), r.now)
	if v := readBrightness(t, r.bl); v != 128 {
		t.Errorf("AC plugged in while dark: backlight %d, want 128", v)
	}
	r.expectDraws("all L0 (0,0)")
	if d := r.c.deadline(r.now); !d.Equal(r.now.Add(DefaultTiming().Dim)) {
		t.Errorf("next: %v after the plug, want the dim in %v", d.Sub(r.now), DefaultTiming().Dim)
	}
	r.run(DefaultTiming().Dim)
	if v := readBrightness(t, r.bl); v != 1 {
		t.Fatalf("dim: backlight %d, want 1", v)
	}
	// The same state again (a re-sent event) is no plug.
	r.c.onUevent(supplyEvent("ADP1", map[string]string{"POWER_SUPPLY_TYPE": "Mains", "POWER_SUPPLY_ONLINE": "1"}), r.now)
	if v := readBrightness(t, r.bl); v != 1 {
		t.Errorf("repeated AC state: backlight %d, want 1 (dim)", v)
	}
	// Battery uevents: capacity ticks, charging status.
	for _, e := range []uevent.Event{
		supplyEvent("BAT0", map[string]string{"POWER_SUPPLY_TYPE": "Battery", "POWER_SUPPLY_CAPACITY": "49", "POWER_SUPPLY_STATUS": "Charging"}),
		supplyEvent("macsmc-battery", map[string]string{"POWER_SUPPLY_CAPACITY": "48"}),
		{Action: "change", Subsystem: "power_supply"}, // after lost uevents
	} {
		r.c.onUevent(e, r.now)
		if v := readBrightness(t, r.bl); v != 1 {
			t.Errorf("%v: backlight %d, want 1 (dim)", e.Env, v)
		}
	}
	// Apple Silicon: the type comes from sysfs; unplugging wakes too.
	r.c.onUevent(supplyEvent("macsmc-ac", map[string]string{"POWER_SUPPLY_ONLINE": "0"}), r.now)
	if v := readBrightness(t, r.bl); v != 128 {
		t.Errorf("AC unplugged while dim: backlight %d, want 128", v)
	}
	// A tap right after is a normal one (the bar was not dark).
	r.touch(0, input.Down, 0)
	r.expectKeys("+59")
}
