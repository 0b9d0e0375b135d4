package clock

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The reference instant of chrono's documentation: Sunday 8 July 2001,
// 00:34:59.026490 at +09:30.
func ref() time.Time {
	return time.Date(2001, 7, 8, 0, 34, 59, 26_490_000, time.FixedZone("ACST", 9*3600+30*60))
}

func TestAppend(t *testing.T) {
	t.Parallel()
	newYear := time.Date(2021, 1, 1, 13, 5, 0, 0, time.UTC) // a Friday in ISO week 2020-W53
	for _, tc := range []struct {
		format string
		t      time.Time
		locale string
		want   string
	}{
		{"%Y %C %y", ref(), "", "2001 20 01"},
		{"%m %b %B %h", ref(), "", "07 Jul July Jul"},
		{"%d|%e|%a|%A|%w|%u", ref(), "", "08| 8|Sun|Sunday|0|7"},
		{"%U %W %G %g %V %j", ref(), "", "27 27 2001 01 27 189"},
		{"%U %W %G %g %V %j %u %w", newYear, "", "00 00 2020 20 53 001 5 5"},
		{"%D|%x|%F|%v", ref(), "", "07/08/01|07/08/01|2001-07-08| 8-Jul-2001"},
		{"%H|%k|%I|%l|%P|%p", ref(), "", "00| 0|12|12|am|AM"},
		{"%H|%k|%I|%l|%P|%p", newYear, "", "13|13|01| 1|pm|PM"},
		{"%M %S %f", ref(), "", "34 59 026490000"},
		{"%.f|%.3f|%.6f|%.9f|%3f|%6f|%9f", ref(), "", ".026490|.026|.026490|.026490000|026|026490|026490000"},
		{"[%.f]", newYear, "", "[]"},
		{"%.f", time.Date(2001, 1, 1, 0, 0, 0, 7, time.UTC), "", ".000000007"},
		{"%.f", time.Date(2001, 1, 1, 0, 0, 0, 5_000_000, time.UTC), "", ".005"},
		{"%T|%X|%r|%R", ref(), "", "00:34:59|00:34:59|12:34:59 AM|00:34"},
		{"%Z|%z|%:z|%::z|%:::z", ref(), "", "+09:30|+0930|+09:30|+09:30:00|+09"},
		{"%z %Z", time.Date(2001, 1, 1, 0, 0, 0, 0, time.FixedZone("X", -(3*3600+30*60))), "", "-0330 -03:30"},
		{"%c", ref(), "", "Sun Jul  8 00:34:59 2001"},
		{"%+", ref(), "", "2001-07-08T00:34:59.026490+09:30"},
		{"%s", ref(), "", "994518299"},
		{"%s", time.Date(1969, 12, 31, 23, 59, 0, 0, time.UTC), "", "-60"},
		{"a%tb%nc%%d", ref(), "", "a\tb\nc%d"},
		{"%-e|%_d|%0e|%-j|%_m|%-m|%-H|%_H|%0k|%-l|%-I|%_j", ref(), "", "8| 8|08|189| 7|7|0| 0|00|12|12|189"},
		{"%-d.%-m.%Y", time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC), "", "4.3.2025"},
		{"%Y|%C|%y", time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC), "", "+12345|123|45"},
		{"%Y|%C|%y", time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC), "", "-0005|-1|95"},
		{"%q", ref(), "", "3"},
		// Shorthands.
		{Format24hr, ref(), "", "00:34    Sun 8 Jul"},
		{Format12hr, ref(), "", "12:34 AM    Sun 8 Jul"},
		{Format12hr, newYear, "en_US", "1:05 PM    Fri 1 Jan"},
		{Format12hr, newYear, "en_GB", "1:05 pm    Fri 1 Jan"},
		{Format24hr, newYear, "en_IN", "13:05    Fri 1 Jan"},
		// Locales: glibc's names; no AM/PM where glibc has none.
		{"%A %-e. %B %Y (%a %b)", ref(), "de_DE", "Sonntag 8. Juli 2001 (So Jul)"},
		{"%b", time.Date(2001, 3, 1, 0, 0, 0, 0, time.UTC), "de_DE.UTF-8", "Mär"},
		{Format12hr, newYear, "de_DE", "1:05     Fr 1 Jan"},
		{"%a %-e %b|%A %B", ref(), "fr_FR", "dim. 8 juil.|dimanche juillet"},
		{"%a %b|%A %B", ref(), "es_ES", "dom jul|domingo julio"},
		{"%a %b|%A %B", ref(), "it_IT", "dom lug|domenica luglio"},
		{"%a %b|%A %B", ref(), "pt_BR", "dom jul|domingo julho"},
		{"%a %b|%A %B", ref(), "nl_NL", "zo jul|zondag juli"},
		{"%a %b|%A %B", ref(), "sv_SE", "sön jul|söndag juli"},
		{"%a %b|%A %B", ref(), "pl_PL", "nie lip|niedziela lipca"},
		{"%a %b|%A %B", ref(), "ru_RU", "Вс июл|Воскресенье июля"},
		{"%a %b|%A %B|%p", ref(), "ja_JP", "日  7月|日曜日 7月|午前"},
		{"%a %b|%A %B|%p|%P", newYear, "zh_CN", "五 1月|星期五 一月|下午|下午"},
		{"%a %b", ref(), "de_AT", "So Jul"},
		{"%B", time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), "de_AT", "Jänner"},
		{"%A", ref(), "de_LU", "Sonntag"},      // country missing: the language's main locale
		{"%A", ref(), "de", "Sonntag"},         // bare language
		{"%A %p", ref(), "xx_YY", "Sunday AM"}, // unknown: POSIX
		{"%A %p", ref(), "C", "Sunday AM"},
	} {
		f, err := Parse(tc.format)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.format, err)
			continue
		}
		got := string(f.Append(nil, tc.t, LookupLocale(tc.locale)))
		if got != tc.want {
			t.Errorf("%q at %v in %q = %q, want %q", tc.format, tc.t, tc.locale, got, tc.want)
		}
	}
}

func TestAppendNilLocaleIsPOSIX(t *testing.T) {
	t.Parallel()
	f, _ := Parse("%a %B %p")
	if got := string(f.Append([]byte("x "), ref(), nil)); got != "x Sun July AM" {
		t.Errorf("got %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format string
		offset int
	}{
		{"%", 0},
		{"abc%", 3},
		{"%H:%Q", 3},
		{"%-", 0},
		{"%-a", 0},  // padding on a name
		{"%_D", 0},  // padding on a composite
		{"%0%", 0},  // padding on a literal
		{"%#z", 0},  // parsing only
		{"%.4f", 0}, // only 3, 6, 9
		{"%.x", 0},
		{"x%5f", 1},
		{"%:x", 0},
		{"%é", 0},
		{"%%%", 2},
		{"ok %H %E", 6},
		// Over MaxFormatLen: at the first byte past it.
		{strings.Repeat("%S", MaxFormatLen/2+1), MaxFormatLen},
		{strings.Repeat("x", MaxFormatLen+1), MaxFormatLen},
	} {
		_, err := Parse(tc.format)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("Parse(%q) = %v, want a *FormatError", tc.format, err)
			continue
		}
		if fe.Offset != tc.offset {
			t.Errorf("Parse(%q) offset %d, want %d (%v)", tc.format, fe.Offset, tc.offset, err)
		}
	}
	if _, err := Parse(strings.Repeat("%S", MaxFormatLen/2)); err != nil {
		t.Errorf("a format of MaxFormatLen bytes: %v", err)
	}
	if f := MustParse("%Q"); string(f.Append(nil, ref(), nil)) == "" {
		t.Error("MustParse of a bad format prints nothing")
	}
}

func TestResolution(t *testing.T) {
	t.Parallel()
	for format, want := range map[string]time.Duration{
		"%H:%M":    time.Minute,
		Format24hr: time.Minute,
		Format12hr: time.Minute,
		"%a %e":    time.Minute,
		"%T":       time.Second,
		"%X":       time.Second,
		"%r":       time.Second,
		"%c":       time.Second,
		"%+":       time.Second,
		"%S":       time.Second,
		"%s":       time.Second,
		"%.3f":     time.Second,
		"%f":       time.Second,
		"%-S":      time.Second,
		"":         time.Minute,
	} {
		f, err := Parse(format)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Resolution(); got != want {
			t.Errorf("Resolution(%q) = %v, want %v", format, got, want)
		}
	}
}

func TestNext(t *testing.T) {
	t.Parallel()
	ist := time.FixedZone("IST", 5*3600+30*60)
	for _, tc := range []struct {
		now  time.Time
		res  time.Duration
		want time.Time
	}{
		{time.Date(2024, 1, 1, 12, 34, 56, 500, time.UTC), time.Minute, time.Date(2024, 1, 1, 12, 35, 0, 0, time.UTC)},
		{time.Date(2024, 1, 1, 12, 35, 0, 0, time.UTC), time.Minute, time.Date(2024, 1, 1, 12, 36, 0, 0, time.UTC)},
		{time.Date(2024, 1, 1, 23, 59, 59, 999_999_999, time.UTC), time.Minute, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
		{time.Date(2024, 1, 1, 12, 34, 56, 500, time.UTC), time.Second, time.Date(2024, 1, 1, 12, 34, 57, 0, time.UTC)},
		{time.Date(2024, 1, 1, 12, 34, 57, 0, time.UTC), time.Second, time.Date(2024, 1, 1, 12, 34, 58, 0, time.UTC)},
		{time.Date(2024, 1, 1, 12, 34, 57, 0, time.UTC), 0, time.Date(2024, 1, 1, 12, 34, 58, 0, time.UTC)},
		{time.Date(2024, 1, 1, 12, 34, 10, 0, ist), time.Minute, time.Date(2024, 1, 1, 12, 35, 0, 0, ist)},
	} {
		got := Next(tc.now, tc.res)
		if !got.Equal(tc.want) {
			t.Errorf("Next(%v, %v) = %v, want %v", tc.now, tc.res, got, tc.want)
		}
	}
}

func TestFindLocale(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]struct {
		locale string
		ok     bool
	}{
		"":            {"POSIX", true},
		"C":           {"POSIX", true},
		"POSIX":       {"POSIX", true},
		"en_IN":       {"en_IN", true},
		"de_DE.UTF-8": {"de_DE", true},
		"de_DE@euro":  {"de_DE", true},
		"fr_LU":       {"fr_LU", true},
		"fr_JP":       {"fr_FR", true},
		"pt":          {"pt_BR", true},
		"xx_YY":       {"POSIX", false},
		"klingon":     {"POSIX", false},
	} {
		l, ok := FindLocale(name)
		if l.Name != want.locale || ok != want.ok {
			t.Errorf("FindLocale(%q) = %s, %v; want %s, %v", name, l.Name, ok, want.locale, want.ok)
		}
	}
}

func TestAppendDoesNotAllocate(t *testing.T) {
	for _, loc := range []*Locale{nil, LookupLocale("ja_JP")} {
		f, err := Parse("%A %-e %B %Y %H:%M:%S%.f %p %P %z %s " + Format12hr)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 0, 256)
		now := ref()
		if n := testing.AllocsPerRun(100, func() { buf = f.Append(buf[:0], now, loc) }); n != 0 {
			t.Errorf("Append allocates %v times per call (locale %v)", n, loc)
		}
	}
}

func BenchmarkAppend24hr(b *testing.B) {
	f, _ := Parse(Format24hr)
	buf := make([]byte, 0, 64)
	loc := LookupLocale("de_DE")
	now := ref()
	b.ReportAllocs()
	for b.Loop() {
		buf = f.Append(buf[:0], now, loc)
	}
}

// BenchmarkAppendLongest is the cost of one tick of the longest format a
// config may hold (64 × %S, redrawn every second).
func BenchmarkAppendLongest(b *testing.B) {
	f, err := Parse(strings.Repeat("%S", MaxFormatLen/2))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 2*MaxFormatLen)
	now := ref()
	b.ReportAllocs()
	for b.Loop() {
		buf = f.Append(buf[:0], now, nil)
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	for value, want := range map[string]string{
		"24hr":  "00:34    Sun 8 Jul",
		"12hr":  "12:34 AM    Sun 8 Jul",
		"%H:%M": "00:34",
		"24HR":  "24HR",
	} {
		f, err := ParseConfig(value)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(f.Append(nil, ref(), nil)); got != want {
			t.Errorf("ParseConfig(%q) prints %q, want %q", value, got, want)
		}
	}
}
