package doctor

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tiny-dfr/internal/uinput"
)

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeSystem makes /dev, /sys and / of a T2 MacBook: a digitizer, an Fn
// keyboard, a mouse, the Touch Bar and keyboard backlights, a card node
// that is not a DRM device, the service user, and a user config with an
// error.
func fakeSystem(t *testing.T) Options {
	d := t.TempDir()
	o := Options{Version: "9.8.7", Dev: d + "/dev", Sys: d + "/sys", Root: d + "/root",
		BaseConfig: d + "/usr/share/tiny-dfr/config.toml", UserConfig: d + "/etc/tiny-dfr/config.toml"}
	dev := func(node, name, ev, key, abs, sw string) {
		write(t, o.Dev+"/input/"+node, "")
		base := o.Sys + "/class/input/" + node + "/device/"
		for f, v := range map[string]string{"name": name, "capabilities/ev": ev, "capabilities/key": key, "capabilities/abs": abs, "capabilities/sw": sw,
			"id/bustype": "0003", "id/vendor": "05ac", "id/product": "8302", "id/version": "0100"} {
			write(t, base+f, v+"\n")
		}
	}
	dev("event3", uinput.DigitizerT2, "b", "400 0 0 0 0 0", "663800000000003", "0")
	dev("event4", "Apple Internal Keyboard / Trackpad", "120013", "10000 0 0 0 0 0 0 fffffffffffffffe", "0", "0")
	dev("event12", "Logitech USB Optical Mouse", "17", "70000 0 0 0 0", "0", "0")
	write(t, o.Dev+"/dri/card0", "") // not a DRM node: the ioctl fails
	write(t, o.Sys+"/class/backlight/appletb_backlight/brightness", "128\n")
	write(t, o.Sys+"/class/backlight/appletb_backlight/max_brightness", "255\n")
	write(t, o.Sys+"/class/leds/apple::kbd_backlight/brightness", "3\n")
	write(t, o.Sys+"/class/leds/apple::kbd_backlight/max_brightness", "255\n")
	write(t, o.Sys+"/class/leds/input3::capslock/brightness", "0\n")
	write(t, o.Root+"/etc/passwd", "root:x:0:0::/root:/bin/sh\ntiny-dfr:x:990:990::/:/bin/false\n")
	write(t, o.Root+"/etc/group", "root:x:0:\nvideo:x:44:\ninput:x:101:\ntiny-dfr:x:990:\n")
	write(t, o.UserConfig, "PrimaryLayerKeys = [ { Text = \"x\", Action = \"NoSuchKey\" } ]\n")
	return o
}

func TestReport(t *testing.T) {
	o := fakeSystem(t)
	var b bytes.Buffer
	if err := Write(&b, o); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	t.Log("\n" + out)
	var sections []string
	for _, l := range strings.Split(out, "\n") {
		if s, ok := strings.CutPrefix(l, "== "); ok {
			sections = append(sections, s)
		}
	}
	want := []string{"tiny-dfr doctor", "DRM cards", "input devices", "backlights (" + o.Sys + "/class/backlight)", "keyboard backlight", "configs", "service user", "what the"}
	if len(sections) != len(want) {
		t.Fatalf("sections %q", sections)
	}
	for i := range want {
		if !strings.HasPrefix(sections[i], want[i]) {
			t.Errorf("section %d %q, want %q", i, sections[i], want[i])
		}
	}
	for _, re := range []string{
		`(?m)^version: 9\.8\.7$`,
		`(?m)^uinput: .*modprobe uinput`,
		`(?m)^` + regexp.QuoteMeta(o.Dev+"/dri/card0") + `: .*inappropriate ioctl`,
		`(?m)^event3 "` + regexp.QuoteMeta(uinput.DigitizerT2) + `" id 0003:05ac:8302:0100 caps \[KEY ABS multitouch\]: followed as digitizer; this user can open it$`,
		`(?m)^event4 "Apple Internal Keyboard / Trackpad" .*KEY_FN.*followed as Fn key, activity`,
		`(?m)^event12 "Logitech USB Optical Mouse" .*followed as activity`,
		`(?m)^appletb_backlight: brightness 128/255  ← Touch Bar$`,
		`(?m)^apple::kbd_backlight: brightness 3/255  ← keyboard backlight$`,
		`(?m)^base .*: not present$`,
		`(?m)^user .*config\.toml: has errors, not used:$`,
		`(?m)^  .*config\.toml:1:\d+: .*NoSuchKey`,
		`(?m)^tiny-dfr: uid 990 gid 990 groups \[101 44\]`,
		`(?m)^display: none`,
		`(?m)^digitizer: ` + regexp.QuoteMeta(o.Dev+"/input/event3") + ` "` + regexp.QuoteMeta(uinput.DigitizerT2) + `"$`,
		`(?m)^Touch Bar backlight: ` + regexp.QuoteMeta(o.Sys+"/class/backlight/appletb_backlight") + `$`,
		`(?m)^keyboard backlight slider: ` + regexp.QuoteMeta(o.Sys+"/class/leds/apple::kbd_backlight") + `$`,
		`(?m)^config: the built-in default \(the user file has errors`,
		`(?m)^runs as: tiny-dfr \(uid 990\)`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no line matching %s", re)
		}
	}
	if strings.Contains(out, "capslock") {
		t.Error("an LED that is not a keyboard backlight listed")
	}
}

// Nothing there at all: every section says so, and nothing fails.
func TestReportEmptySystem(t *testing.T) {
	d := t.TempDir()
	var b bytes.Buffer
	if err := Write(&b, Options{Dev: d + "/dev", Sys: d + "/sys", Root: d, BaseConfig: d + "/b.toml", UserConfig: d + "/u.toml"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"display: none", "digitizer: none: taps would do nothing", "Touch Bar backlight: none", "config: the built-in default", "runs as: nobody found"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("EPIPE") }

func TestReportWriteError(t *testing.T) {
	if err := Write(failWriter{}, fakeSystem(t)); err == nil {
		t.Error("a failed write not reported")
	}
}
