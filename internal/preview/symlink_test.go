package preview

import (
	"context"
	"image"
	"io"
	"os"
	"path/filepath"
	"testing"

	"tiny-dfr/internal/layouts"
	"tiny-dfr/internal/wayland/swaytest"
)

// TestPreviewFollowsSymlinkedConfig: a config that is a symlink (dotfile
// managers, NixOS) is followed when the link is re-pointed, and an edit of
// the new target is shown.
func TestPreviewFollowsSymlinkedConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a compositor")
	}
	s := startSway(t)
	a := filepath.Join(s.Dir, "dotfiles", "a.toml")
	b := filepath.Join(s.Dir, "dotfiles", "b.toml")
	os.MkdirAll(filepath.Dir(a), 0o755)
	writeFile(t, a, config1)
	writeFile(t, b, config2)
	link := filepath.Join(s.Dir, "config.toml")
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	env := map[string]string{"WAYLAND_DISPLAY": filepath.Base(s.Socket), "XDG_RUNTIME_DIR": s.Runtime}
	opts := Options{Config: link, Length: 2008, Scale: 1, BatteryRoot: s.Dir, Getenv: func(k string) string { return env[k] }}
	go func() { done <- Run(ctx, opts, io.Discard, io.Discard) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var rect image.Rectangle
	swaytest.Eventually(s.t, "the preview window", func() (err error) { rect, err = s.windowRect(); return err })
	shows := func(what string) {
		t.Helper()
		want := expected(t, link, 2008, layouts.Primary, -1)
		swaytest.Eventually(s.t, what, func() error {
			shot, err := s.screenshot(rect)
			if err != nil {
				return err
			}
			return diff(shot, image.Point{}, want, image.Rectangle{})
		})
	}
	shows("the link's target A")
	tmp := link + ".new"
	if err := os.Symlink(b, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
	shows("B after the link was re-pointed")
	writeFile(t, b, config1)
	shows("an edit of the new target B")
}
