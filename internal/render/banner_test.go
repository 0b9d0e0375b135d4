package render

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// redAndWhite counts dark-red-ish background and white pixels of a frame.
func redAndWhite(f *Frame) (red, white int) {
	for row := 0; row < f.Height; row++ {
		for col := 0; col < f.BarHeight; col++ {
			c := f.At(col, row)
			switch {
			case c.R > 0x40 && c.G < 0x20 && c.B < 0x20:
				red++
			case c.R > 0xf0 && c.G > 0xf0 && c.B > 0xf0:
				white++
			}
		}
	}
	return red, white
}

func TestCrash(t *testing.T) {
	t.Parallel()
	f := Crash(2008, 60, "drm: card gone")
	if f.Height != 2008 || f.BarHeight != 60 {
		t.Fatalf("frame %dx%d", f.Width, f.Height)
	}
	red, white := redAndWhite(f)
	if red < 2008*60/2 || white < 200 {
		t.Errorf("crash picture: %d red, %d white pixels", red, white)
	}
	long := Crash(2008, 60, strings.Repeat("very long reason ", 40))
	if _, w := redAndWhite(long); w < 200 {
		t.Error("long reason not drawn")
	}
	// The margin at the right end stays clear of text even for long reasons.
	for row := 2008 - 10; row < 2008; row++ {
		for col := 0; col < 60; col++ {
			if c := long.At(col, row); c.G > 0x20 {
				t.Fatalf("text reaches the end of the bar at row %d", row)
			}
		}
	}
	Crash(0, 0, "")
	Crash(10, 2, "tiny")
}

func TestBanner(t *testing.T) {
	r := newTestRenderer(t, defaultConfig(), 2008, 60, true)
	f := r.DrawAll(&State{Banner: "config.toml:1:1: bad"})
	red, white := redAndWhite(f)
	if red < 2008*60/2 || white < 100 || len(f.Damage) != 1 {
		t.Errorf("banner: %d red, %d white, damage %v", red, white, f.Damage)
	}
	if f := r.DrawButtons(&State{Banner: "x"}, 0, 1); len(f.Damage) != 0 {
		t.Errorf("buttons under a banner damaged %v", f.Damage)
	}
	if n := testing.AllocsPerRun(20, func() { r.DrawAll(&State{Banner: "config.toml:1:1: bad"}) }); n != 0 {
		t.Errorf("redrawing the same banner allocates %v times", n)
	}
	f = r.DrawAll(&State{})
	if red, _ := redAndWhite(f); red != 0 {
		t.Error("banner left behind")
	}
}

// fitText keeps the longest prefix that fits with its ellipsis, as cutting
// one rune at a time does.
func TestFitText(t *testing.T) {
	t.Parallel()
	face := EmbeddedFont(true).face(LabelSize)
	slow := func(text string, avail int) string {
		if textWidth(face, text) <= avail {
			return text
		}
		for len(text) > 0 {
			_, n := utf8.DecodeLastRuneInString(text)
			text = strings.TrimRight(text[:len(text)-n], " ")
			if textWidth(face, text+"…") <= avail {
				return text + "…"
			}
		}
		return ""
	}
	msg := "config.toml:12:3: unknown key name \"KEY_FOO\" — éàü 日本 (did you mean \"KEY_F10\"?)"
	for _, avail := range []int{-5, 0, 10, 40, 200, 555, 1976, 5000} {
		if got, want := fitText(face, msg, avail), slow(msg, avail); got != want {
			t.Errorf("avail %d: %q, want %q", avail, got, want)
		}
	}
	long := strings.Repeat("a long message ", 2000)
	got := fitText(face, long, 1976)
	if !strings.HasSuffix(got, "…") || textWidth(face, got) > 1976 || len(got) < 50 {
		t.Errorf("long message cut to %q", got)
	}
}

// BenchmarkBannerLong lays out a banner for a message far longer than the bar.
func BenchmarkBannerLong(b *testing.B) {
	f := EmbeddedFont(true)
	msg := strings.Repeat("a long message ", 300)
	for b.Loop() {
		bannerLayout(2008, 60, msg, f)
	}
}
