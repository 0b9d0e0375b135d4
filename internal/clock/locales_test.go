package clock

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// glibcCases were printed by glibc 2.36 itself (localedef, then
// LOCPATH=… LC_ALL=xx_YY.UTF-8 TZ=UTC date -d @994606499 +format), %Z
// aside: glibc prints the zone's name ("UTC"), the chrono dialect the
// offset. TestGlibcDate reruns them when TINY_DFR_GLIBC_LOCALES=1.
var glibcCases = []struct{ locale, want string }{
	{"hu_HU", "vasárnap v|július júl|július júl||2001-07-08|15:34:59|2001. júl. 8., vasárnap, 15:34:59 UTC|15:34:59"},
	{"el_GR", "Κυριακή Κυρ|Ιουλίου Ιουλ|Ιούλιος Ιούλ|μμ|08/07/2001|03:34:59 μμ|Κυρ 08 Ιουλ 2001 03:34:59 μμ UTC|03:34:59 μμ"},
	{"ro_RO", "duminică Du|iulie iul|iulie iul||08.07.2001|15:34:59|Du 08 iul 2001 15:34:59 +0000|03:34:59 "},
	{"he_IL", "ראשון א'|יולי יול|יולי יול|PM|08/07/01|15:34:59|15:34:59 2001 יול 08 א'|03:34:59 pm"},
	{"pl_PL", "niedziela nie|lipca lip|lipiec lip||08.07.2001|15:34:59|nie, 8 lip 2001, 15:34:59|03:34:59 "},
	{"ja_JP", "日曜日 日|7月  7月|7月  7月|午後|2001年07月08日|15時34分59秒|2001年07月08日 15時34分59秒|午後03時34分59秒"},
}

const glibcFormat = "%A %a|%B %b|%OB %Ob|%p|%x|%X|%c|%r"

func glibcInstant() time.Time { return time.Unix(994606499, 0).UTC() }

func TestLocalesMatchGlibc(t *testing.T) {
	t.Parallel()
	f := MustParse(glibcFormat)
	for _, tc := range glibcCases {
		l, ok := FindLocale(tc.locale + ".UTF-8")
		if !ok || l.Name != tc.locale {
			t.Errorf("FindLocale(%s.UTF-8) = %s, %v", tc.locale, l.Name, ok)
		}
		want := strings.ReplaceAll(tc.want, "UTC", "+00:00")
		if got := string(f.Append(nil, glibcInstant(), l)); got != want {
			t.Errorf("%s:\n got %q\nwant %q", tc.locale, got, want)
		}
	}
}

// Greek, Polish, Russian, Czech and Ukrainian have a genitive %B (after a
// day number) and a nominative %OB; Hungarian has one form.
func TestGenitiveMonths(t *testing.T) {
	t.Parallel()
	f := MustParse("%-d %B|%OB|%b|%Ob")
	for _, tc := range []struct{ locale, want string }{
		{"el_GR", "8 Ιουλίου|Ιούλιος|Ιουλ|Ιούλ"},
		{"pl_PL", "8 lipca|lipiec|lip|lip"},
		{"ru_RU", "8 июля|Июль|июл|июл"},
		{"cs_CZ", "8 července|červenec|čec|čec"},
		{"uk_UA", "8 липня|липень|лип|лип"},
		{"hu_HU", "8 július|július|júl|júl"},
		{"C", "8 July|July|Jul|Jul"},
	} {
		if got := string(f.Append(nil, glibcInstant(), LookupLocale(tc.locale))); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.locale, got, tc.want)
		}
	}
}

// TestEveryLocale checks every generated locale: names are non-empty valid
// UTF-8 (AM/PM valid, possibly empty), the layouts parse as they are, and
// %c %x %X %r print something.
func TestEveryLocale(t *testing.T) {
	t.Parallel()
	names := LocaleNames()
	if len(names) < 300 {
		t.Fatalf("%d locale names, want every glibc locale", len(names))
	}
	f := MustParse("%c|%x|%X|%r")
	for _, n := range names {
		l, ok := FindLocale(n)
		if !ok {
			t.Errorf("FindLocale(%q) fails", n)
			continue
		}
		var all []string
		all = append(all, l.ShortDays[:]...)
		all = append(all, l.Days[:]...)
		all = append(all, l.ShortMonths[:]...)
		all = append(all, l.Months[:]...)
		all = append(all, l.ShortStandaloneMonths[:]...)
		all = append(all, l.StandaloneMonths[:]...)
		for i, s := range all {
			if s == "" || !utf8.ValidString(s) {
				t.Errorf("%s: name %d is %q", n, i, s)
			}
		}
		if !utf8.ValidString(l.AM) || !utf8.ValidString(l.PM) {
			t.Errorf("%s: AM/PM %q %q", n, l.AM, l.PM)
		}
		for _, layout := range []string{l.DateFormat, l.TimeFormat, l.DateTimeFormat, l.TimeAMPMFormat} {
			if _, err := Parse(layout); err != nil {
				t.Errorf("%s: layout %q: %v", n, layout, err)
			}
		}
		out := string(f.Append(nil, glibcInstant(), l))
		for i, part := range strings.Split(out, "|") {
			if strings.TrimSpace(part) == "" || !utf8.ValidString(part) {
				t.Errorf("%s: %c prints %q", n, "cxXr"[i], part)
			}
		}
	}
}

func TestFindLocaleGlibcNames(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"hu_HU.UTF-8":       "hu_HU",
		"hu":                "hu_HU",
		"el":                "el_GR",
		"he":                "he_IL",
		"sr_RS@latin":       "sr_RS@latin",
		"sr_RS.UTF-8@latin": "sr_RS@latin",
		"sr@latin":          "sr_RS@latin",
		"sr_ME@latin":       "sr_ME",
		"sr":                "sr_RS",
		"de_DE@euro":        "de_DE",
		"ca_ES@valencia":    "ca_ES", // the same LC_TIME
		"C.UTF-8":           "POSIX",
		"ar":                "ar_EG",
		"en":                "en_US",
		"eo":                "eo",
		"DE_DE":             "de_DE",
	} {
		l, ok := FindLocale(name)
		if !ok || l.Name != want {
			t.Errorf("FindLocale(%q) = %s, %v; want %s", name, l.Name, ok, want)
		}
	}
	if sr, lat := LookupLocale("sr_RS"), LookupLocale("sr_RS@latin"); sr.Days[0] == lat.Days[0] {
		t.Errorf("sr_RS and sr_RS@latin share %q", sr.Days[0])
	}
}

// TestGlibcDate compiles the locales with localedef and compares date(1)'s
// output; it takes seconds per locale, so it runs only when asked.
func TestGlibcDate(t *testing.T) {
	if os.Getenv("TINY_DFR_GLIBC_LOCALES") != "1" {
		t.Skip("set TINY_DFR_GLIBC_LOCALES=1 to compare with glibc's own output")
	}
	if _, err := exec.LookPath("localedef"); err != nil {
		t.Skip("no localedef")
	}
	dir := t.TempDir()
	for _, tc := range glibcCases {
		out := filepath.Join(dir, tc.locale+".UTF-8")
		if b, err := exec.Command("localedef", "-i", tc.locale, "-f", "UTF-8", out).CombinedOutput(); err != nil {
			if _, serr := os.Stat(out); serr != nil {
				t.Fatalf("localedef %s: %v\n%s", tc.locale, err, b)
			}
		}
		cmd := exec.Command("date", "-d", "@994606499", "+"+glibcFormat)
		cmd.Env = append(os.Environ(), "LOCPATH="+dir, "LC_ALL="+tc.locale+".UTF-8", "TZ=UTC")
		b, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSuffix(string(b), "\n"); got != tc.want {
			t.Errorf("glibc %s:\n got %q\nwant %q", tc.locale, got, tc.want)
		}
	}
}

// BenchmarkAppendLocaleDateTime is a tick of %c in a locale whose layout
// holds another (%r in en_US's d_t_fmt).
func BenchmarkAppendLocaleDateTime(b *testing.B) {
	f := MustParse("%c")
	buf := make([]byte, 0, 128)
	loc := LookupLocale("en_US")
	now := glibcInstant()
	b.ReportAllocs()
	for b.Loop() {
		buf = f.Append(buf[:0], now, loc)
	}
}
