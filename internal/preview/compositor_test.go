package preview

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"tiny-dfr/internal/wayland/swaytest"
)

// sway is the headless sway of a test (swaytest), with the preview's
// window to find and shoot.
type sway struct {
	*swaytest.Sway
	t *testing.T
}

// ciFail skips locally, fails under CI=true.
func ciFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// The headless output: wide enough for a 2170 px bar at scale 2.
const outputW, outputH = 4400, 400

// swayConfig floats the preview at the top left with no border, so its
// rect is its buffer.
func swayConfig() string {
	return fmt.Sprintf(`default_border none
default_floating_border none
output HEADLESS-1 resolution %dx%d position 0 0
for_window [app_id="tiny-dfr-preview"] floating enable, move position 0 0
`, outputW, outputH)
}

func startSway(t *testing.T) *sway {
	t.Helper()
	for _, bin := range []string{"sway", "swaymsg", "grim"} {
		if _, err := exec.LookPath(bin); err != nil {
			ciFail(t, "%s not installed (Debian packages: sway grim; see .ci/setup-wayland)", bin)
		}
	}
	return &sway{Sway: swaytest.StartConfig(t, swayConfig()), t: t}
}

// windowRect finds the preview window in sway's tree.
func (s *sway) windowRect() (image.Rectangle, error) {
	out, err := s.Command("swaymsg", "-r", "-t", "get_tree").Output()
	if err != nil {
		return image.Rectangle{}, err
	}
	var find func(m map[string]any) (image.Rectangle, bool)
	find = func(m map[string]any) (image.Rectangle, bool) {
		if m["app_id"] == AppID {
			r := m["rect"].(map[string]any)
			x, y := int(r["x"].(float64)), int(r["y"].(float64))
			return image.Rect(x, y, x+int(r["width"].(float64)), y+int(r["height"].(float64))), true
		}
		for _, k := range []string{"nodes", "floating_nodes"} {
			kids, _ := m[k].([]any)
			for _, c := range kids {
				if cm, ok := c.(map[string]any); ok {
					if r, ok := find(cm); ok {
						return r, true
					}
				}
			}
		}
		return image.Rectangle{}, false
	}
	var tree map[string]any
	if err := json.Unmarshal(out, &tree); err != nil {
		return image.Rectangle{}, err
	}
	if r, ok := find(tree); ok {
		return r, nil
	}
	return image.Rectangle{}, errors.New("no preview window")
}

// screenshot grabs r of the output.
func (s *sway) screenshot(r image.Rectangle) (image.Image, error) {
	geom := fmt.Sprintf("%d,%d %dx%d", r.Min.X, r.Min.Y, r.Dx(), r.Dy())
	var stderr bytes.Buffer
	cmd := s.Command("grim", "-g", geom, "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("grim: %w: %s", err, stderr.String())
	}
	return png.Decode(bytes.NewReader(out))
}

// lines collects a process's output lines on a channel.
func lines(r io.Reader) <-chan string {
	c := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			c <- sc.Text()
		}
		close(c)
	}()
	return c
}

func expectLine(t *testing.T, c <-chan string, want string) {
	t.Helper()
	select {
	case got, ok := <-c:
		if !ok {
			t.Fatalf("preview exited; want %q", want)
		}
		if got != want {
			t.Fatalf("preview printed %q, want %q", got, want)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("preview printed nothing; want %q", want)
	}
}

// diff compares got (a screenshot) at offset with want, RGB only, except
// inside skip, and describes the first mismatch.
func diff(got image.Image, off image.Point, want *image.RGBA, skip image.Rectangle) error {
	n := 0
	var first string
	b := want.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if image.Pt(x, y).In(skip) {
				continue
			}
			r1, g1, b1, _ := got.At(x+off.X, y+off.Y).RGBA()
			w := want.RGBAAt(x, y)
			if uint8(r1>>8) != w.R || uint8(g1>>8) != w.G || uint8(b1>>8) != w.B {
				if n == 0 {
					first = fmt.Sprintf("(%d,%d) is %02x%02x%02x, want %02x%02x%02x", x, y, r1>>8, g1>>8, b1>>8, w.R, w.G, w.B)
				}
				n++
			}
		}
	}
	if n > 0 {
		return fmt.Errorf("%d pixels differ; first %s", n, first)
	}
	return nil
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil { // as editors do
		t.Fatal(err)
	}
}

// buildTinyDFR builds the real command, whose preview and render
// subcommands the test runs.
func buildTinyDFR(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "tiny-dfr")
	cmd := exec.Command("go", "build", "-o", bin, "tiny-dfr/cmd/tiny-dfr")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
