package clock

import (
	"errors"
	"testing"
	"time"
)

func FuzzFormat(f *testing.F) {
	for _, s := range []string{Format24hr, Format12hr, "%+ %c %::z %.f %-Y %_s", "%", "%-", "%:::", "%.9", "x%é"} {
		f.Add(s, int64(994518299), int32(26490000), "de_DE")
	}
	f.Fuzz(func(t *testing.T, format string, sec int64, nsec int32, locale string) {
		fm, err := Parse(format)
		if err != nil {
			var fe *FormatError
			if errors.As(err, &fe) && len(format) > MaxFormatLen && fe.Offset == MaxFormatLen {
				return // too long: refused at the first byte past the limit
			}
			if !errors.As(err, &fe) || fe.Offset < 0 || fe.Offset >= len(format) || format[fe.Offset] != '%' {
				t.Fatalf("Parse(%q): bad error %v", format, err)
			}
			return
		}
		tm := time.Unix(sec%(1<<40), int64(nsec)).In(time.FixedZone("", int(sec%50400)))
		loc := LookupLocale(locale)
		out := fm.Append(nil, tm, loc)
		if again := fm.Append(out[:0:0], tm, loc); string(again) != string(out) {
			t.Fatalf("%q: %q then %q", format, out, again)
		}
		if next := Next(tm, fm.Resolution()); !next.After(tm) {
			t.Fatalf("Next(%v) = %v", tm, next)
		}
	})
}
