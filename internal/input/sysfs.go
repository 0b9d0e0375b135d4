package input

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"tiny-dfr/internal/evdev"
	"tiny-dfr/internal/safefile"
)

// DefaultSysDir is where the kernel describes input devices without
// opening them: <SysDir>/eventN/device/{name,capabilities/…}.
const DefaultSysDir = "/sys/class/input"

// sysAttrMax caps one sysfs attribute read (sysfs serves at most a page).
const sysAttrMax = 4096

// sysInfo describes event node name (e.g. "event3") from sysfs: its name
// and capability bitmaps, as much as classify needs. It works for nodes
// we may not open.
func sysInfo(sysDir, name string) (evdev.Info, error) {
	base := sysDir + "/" + name + "/device/"
	var in evdev.Info
	b, err := safefile.ReadFile(base+"name", sysAttrMax)
	if err != nil {
		return in, err
	}
	in.Name = strings.TrimSuffix(string(b), "\n")
	for _, q := range []struct {
		attr string
		n    int
		dst  *evdev.Bits
	}{{"ev", evdev.EvMax + 1, &in.EV}, {"key", evdev.KeyCnt, &in.Key}, {"abs", evdev.AbsCnt, &in.Abs}, {"sw", evdev.SwCnt, &in.Sw}} {
		b, err := safefile.ReadFile(base+"capabilities/"+q.attr, sysAttrMax)
		if errors.Is(err, safefile.ErrNotRegular) || (err != nil && q.attr != "sw") {
			return in, err
		}
		if err != nil { // very old kernels have no sw attribute
			*q.dst = make(evdev.Bits, (q.n+63)/64*8)
			continue
		}
		if *q.dst, err = parseSysBits(string(b), q.n); err != nil {
			return in, fmt.Errorf("%s: %w", base+"capabilities/"+q.attr, err)
		}
	}
	return in, nil
}

// parseSysBits reads a sysfs capability bitmap: hexadecimal words of 64
// bits (the kernel's unsigned long on amd64 and arm64), most significant
// first, separated by spaces. Bits at n and above are dropped.
func parseSysBits(s string, n int) (evdev.Bits, error) {
	b := make(evdev.Bits, (n+63)/64*8)
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil, errors.New("empty bitmap")
	}
	for i := range words {
		w, err := strconv.ParseUint(words[len(words)-1-i], 16, 64)
		if err != nil {
			return nil, fmt.Errorf("bitmap word %q: %w", words[len(words)-1-i], err)
		}
		for bit := 0; w != 0 && bit < 64; bit, w = bit+1, w>>1 {
			if c := i*64 + bit; w&1 != 0 && c < n {
				b[c/8] |= 1 << (c % 8)
			}
		}
	}
	return b, nil
}
