package config

//go:generate go run ./internal/gen -in keynames.txt -out keynames_table.go

import "strings"

// KeyCode returns the Linux key code of an Action name. Names are
// case-sensitive and spelled as in keynames.txt ("F1", "WWW", "Sysrq").
func KeyCode(name string) (uint16, bool) { return keyCode(name) }

// KeyName returns the Action name of a Linux key code, or "" when the code
// has none (it is ≥ 768).
func KeyName(code uint16) string { return keyName(code) }

// Key is one Action name and its Linux key code.
type Key struct {
	Name string
	Code uint16
}

// KeyNames returns every Action name with its code, in code order (a new
// slice each call), for `tiny-dfr keys`.
func KeyNames() []Key {
	names := keyNameStrings()
	out := make([]Key, len(names))
	for i, n := range names {
		c, _ := keyCode(n)
		out[i] = Key{Name: n, Code: c}
	}
	return out
}

func keyNameStrings() []string {
	return strings.Split(strings.TrimSuffix(keyNameList, "\n"), "\n")
}

// keyAliases maps names people write (X keysyms, other tools' spellings),
// normalised by normKey, to the name they most likely mean.
func keyAlias(norm string) string {
	switch norm {
	case "super", "superl", "lsuper", "meta", "metal", "lmeta", "win", "winl", "lwin", "windows", "cmd", "command", "logo", "gui":
		return "LeftMeta"
	case "superr", "rsuper", "metar", "rmeta", "winr", "rwin":
		return "RightMeta"
	case "ctrl", "control", "ctrll", "controll", "lctrl":
		return "LeftCtrl"
	case "ctrlr", "controlr", "rctrl":
		return "RightCtrl"
	case "alt", "altl", "lalt", "option":
		return "LeftAlt"
	case "altr", "ralt", "altgr":
		return "RightAlt"
	case "shift", "shiftl", "lshift":
		return "LeftShift"
	case "shiftr", "rshift":
		return "RightShift"
	case "escape":
		return "Esc"
	case "return":
		return "Enter"
	case "del":
		return "Delete"
	case "prtsc", "prntscr", "printscreen", "prtscr", "screenshot":
		return "Sysrq"
	case "volumemute", "audiomute":
		return "Mute"
	case "audioplay", "play/pause", "playpause", "mediaplaypause":
		return "PlayPause"
	case "audionext", "medianext", "next":
		return "NextSong"
	case "audioprev", "mediaprev", "previous", "prev":
		return "PreviousSong"
	case "audioraisevolume", "volup":
		return "VolumeUp"
	case "audiolowervolume", "voldown":
		return "VolumeDown"
	case "monbrightnessup":
		return "BrightnessUp"
	case "monbrightnessdown":
		return "BrightnessDown"
	case "kbdbrightnessup":
		return "IllumUp"
	case "kbdbrightnessdown":
		return "IllumDown"
	case "audiomicmute":
		return "MicMute"
	}
	return ""
}

// normKey lower-cases a name and drops separators and the KEY_/XF86 prefixes.
func normKey(s string) string {
	s = strings.ToLower(s)
	for _, p := range []string{"key_", "btn_", "xf86"} {
		s = strings.TrimPrefix(s, p)
	}
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(s)
}

// SuggestKey returns the known name closest to an unknown one ("f1" → "F1",
// "super_l" → "LeftMeta", "VolumUp" → "VolumeUp"), or "" when nothing is
// close enough to be a likely typo.
func SuggestKey(name string) string {
	if _, ok := keyCode(name); ok {
		return name
	}
	norm := normKey(name)
	if norm == "" || len(norm) > 64 {
		// Key names have at most 21 letters and a suggestion is at most
		// len/3 edits away: nothing is close to a longer name, and
		// comparing it with every key name would be slow.
		return ""
	}
	if a := keyAlias(norm); a != "" {
		return a
	}
	best, bestDist := "", len(norm)/3+1
	for _, k := range keyNameStrings() {
		kn := normKey(k)
		if kn == norm {
			return k
		}
		if strings.HasPrefix(k, "Unknown") || strings.HasPrefix(k, "Reserved") {
			continue
		}
		if d := editDistance(norm, kn, bestDist); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or max when it is at
// least max (the search stops early).
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d >= max || -d >= max {
		return max
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= max {
			return max
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], max)
}
