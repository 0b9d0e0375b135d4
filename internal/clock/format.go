package clock

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// The shorthands a config's Time field may hold instead of a format.
const (
	Format24hr = "%H:%M    %a %-e %b"
	Format12hr = "%-l:%M %p    %a %-e %b"
)

// MaxFormatLen is the longest format Parse accepts, in bytes: a clock
// label is a few words, and the cost of a tick grows with the format
// (100k "%S" took 2.5 s to draw, every second).
const MaxFormatLen = 128

// FormatError is a format that does not parse; Offset is the byte offset
// of the bad specifier's '%' in the format (for a format over
// MaxFormatLen, of its first byte past the limit).
type FormatError struct {
	Offset int
	Msg    string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("time format: %s at byte %d", e.Msg, e.Offset)
}

// op is one kind of output item.
type op uint8

const (
	opLiteral op = iota
	// numeric items
	opYear
	opYearDiv100
	opYearMod100
	opQuarter
	opMonth
	opDay
	opWeekdayFromSun
	opWeekdayFromMon
	opWeekFromSun
	opWeekFromMon
	opIsoYear
	opIsoYearMod100
	opIsoWeek
	opOrdinal
	opHour
	opHour12
	opMinute
	opSecond
	opNanosecond
	opTimestamp
	// text items
	opShortMonth
	opLongMonth
	opShortWeekday
	opLongWeekday
	opUpperAmPm
	opLowerAmPm
	opFracAuto // %.f
	opFrac3    // %.3f
	opFrac6
	opFrac9
	opFrac3NoDot // %3f
	opFrac6NoDot
	opFrac9NoDot
	opOffset               // %z   +0930
	opOffsetColon          // %:z  +09:30 (also %Z)
	opOffsetColon2         // %::z +09:30:00
	opOffsetColon3         // %:::z +09
	opShortStandaloneMonth // %Ob %Oh
	opLongStandaloneMonth  // %OB
	// the locale's layouts, expanded at Append
	opLocaleDate     // %x
	opLocaleTime     // %X
	opLocaleDateTime // %c
	opLocaleTimeAMPM // %r
)

// Padding of a numeric item.
const (
	padNone  = 0
	padZero  = '0'
	padSpace = ' '
)

type item struct {
	op    op
	pad   byte
	width uint8
	lit   string
}

// Format is a parsed strftime format (chrono dialect).
type Format struct {
	items []item
	res   time.Duration
}

// Parse parses a strftime format in chrono's dialect: %Y %C %y %q %m %b %B
// %h %d %e %a %A %w %u %U %W %G %g %V %j %D %x %F %v %H %k %I %l %P %p %M
// %S %f %.f %.3f %.6f %.9f %3f %6f %9f %R %T %X %r %c %+ %Z %z %:z %::z
// %:::z %s %t %n %%, with the padding modifiers - (none), _ (spaces) and
// 0 (zeros) on numeric specifiers. %x %X %c %r print the locale's layouts
// (glibc's d_fmt, t_fmt, d_t_fmt, t_fmt_ampm), as chrono's
// format_localized does; POSIX's are chrono's English ones. %B and %b
// print glibc's month names (the genitive in locales with two forms), and
// glibc's %OB and %Ob (%Oh) the nominative (Locale.StandaloneMonths). %Z
// prints the offset like %:z, as chrono does.
//
// A format longer than MaxFormatLen bytes is refused.
func Parse(format string) (*Format, error) {
	if len(format) > MaxFormatLen {
		return nil, &FormatError{Offset: MaxFormatLen, Msg: fmt.Sprintf("longer than %d bytes", MaxFormatLen)}
	}
	f := &Format{res: time.Minute}
	for i := 0; i < len(format); {
		if format[i] != '%' {
			j := i
			for j < len(format) && format[j] != '%' {
				j++
			}
			f.items = append(f.items, item{op: opLiteral, lit: format[i:j]})
			i = j
			continue
		}
		n, err := f.spec(format, i)
		if err != nil {
			return nil, err
		}
		i += n
	}
	for _, it := range f.items {
		switch it.op {
		case opSecond, opNanosecond, opTimestamp, opFracAuto, opLocaleTime, opLocaleDateTime, opLocaleTimeAMPM, opFrac3, opFrac6, opFrac9,
			opFrac3NoDot, opFrac6NoDot, opFrac9NoDot:
			f.res = time.Second
		}
	}
	return f, nil
}

// MustParse is Parse for formats known to be valid; a bad one gives a
// format that prints the parse error, never a panic.
func MustParse(format string) *Format {
	f, err := Parse(format)
	if err != nil {
		return &Format{items: []item{{op: opLiteral, lit: err.Error()}}, res: time.Minute}
	}
	return f
}

func num(o op, pad byte, width uint8) item { return item{op: o, pad: pad, width: width} }
func lit(s string) item                    { return item{op: opLiteral, lit: s} }
func text(o op) item                       { return item{op: o} }

// spec parses the specifier at format[at] == '%' and returns its length.
func (f *Format) spec(format string, at int) (int, error) {
	bad := func(msg string) (int, error) { return 0, &FormatError{Offset: at, Msg: msg} }
	i := at + 1
	if i >= len(format) {
		return bad("lone % at the end")
	}
	var padOverride byte
	hasPad := false
	switch format[i] {
	case '-':
		padOverride, hasPad = padNone, true
	case '_':
		padOverride, hasPad = padSpace, true
	case '0':
		padOverride, hasPad = padZero, true
	case '#':
		return bad("%#z is for parsing only")
	}
	if hasPad {
		i++
		if i >= len(format) {
			return bad("padding modifier without a specifier")
		}
	}
	c := format[i]
	i++
	var items []item
	switch c {
	case 'Y':
		items = []item{num(opYear, padZero, 4)}
	case 'C':
		items = []item{num(opYearDiv100, padZero, 2)}
	case 'y':
		items = []item{num(opYearMod100, padZero, 2)}
	case 'q':
		items = []item{num(opQuarter, padNone, 1)}
	case 'm':
		items = []item{num(opMonth, padZero, 2)}
	case 'b', 'h':
		items = []item{text(opShortMonth)}
	case 'B':
		items = []item{text(opLongMonth)}
	case 'd':
		items = []item{num(opDay, padZero, 2)}
	case 'e':
		items = []item{num(opDay, padSpace, 2)}
	case 'a':
		items = []item{text(opShortWeekday)}
	case 'A':
		items = []item{text(opLongWeekday)}
	case 'w':
		items = []item{num(opWeekdayFromSun, padNone, 1)}
	case 'u':
		items = []item{num(opWeekdayFromMon, padNone, 1)}
	case 'U':
		items = []item{num(opWeekFromSun, padZero, 2)}
	case 'W':
		items = []item{num(opWeekFromMon, padZero, 2)}
	case 'G':
		items = []item{num(opIsoYear, padZero, 4)}
	case 'g':
		items = []item{num(opIsoYearMod100, padZero, 2)}
	case 'V':
		items = []item{num(opIsoWeek, padZero, 2)}
	case 'j':
		items = []item{num(opOrdinal, padZero, 3)}
	case 'D':
		items = []item{num(opMonth, padZero, 2), lit("/"), num(opDay, padZero, 2), lit("/"), num(opYearMod100, padZero, 2)}
	case 'x':
		items = []item{text(opLocaleDate)}
	case 'F':
		items = []item{num(opYear, padZero, 4), lit("-"), num(opMonth, padZero, 2), lit("-"), num(opDay, padZero, 2)}
	case 'v':
		items = []item{num(opDay, padSpace, 2), lit("-"), text(opShortMonth), lit("-"), num(opYear, padZero, 4)}
	case 'H':
		items = []item{num(opHour, padZero, 2)}
	case 'k':
		items = []item{num(opHour, padSpace, 2)}
	case 'I':
		items = []item{num(opHour12, padZero, 2)}
	case 'l':
		items = []item{num(opHour12, padSpace, 2)}
	case 'P':
		items = []item{text(opLowerAmPm)}
	case 'p':
		items = []item{text(opUpperAmPm)}
	case 'M':
		items = []item{num(opMinute, padZero, 2)}
	case 'S':
		items = []item{num(opSecond, padZero, 2)}
	case 'f':
		items = []item{num(opNanosecond, padZero, 9)}
	case 'R':
		items = []item{num(opHour, padZero, 2), lit(":"), num(opMinute, padZero, 2)}
	case 'X':
		items = []item{text(opLocaleTime)}
	case 'T':
		items = []item{num(opHour, padZero, 2), lit(":"), num(opMinute, padZero, 2), lit(":"), num(opSecond, padZero, 2)}
	case 'r':
		items = []item{text(opLocaleTimeAMPM)}
	case 'c':
		items = []item{text(opLocaleDateTime)}
	case 'O':
		switch {
		case hasPrefix(format[i:], "B"):
			items, i = []item{text(opLongStandaloneMonth)}, i+1
		case hasPrefix(format[i:], "b"), hasPrefix(format[i:], "h"):
			items, i = []item{text(opShortStandaloneMonth)}, i+1
		default:
			return bad("unknown specifier %O (only %OB, %Ob and %Oh)")
		}
	case '+':
		items = []item{num(opYear, padZero, 4), lit("-"), num(opMonth, padZero, 2), lit("-"), num(opDay, padZero, 2), lit("T"),
			num(opHour, padZero, 2), lit(":"), num(opMinute, padZero, 2), lit(":"), num(opSecond, padZero, 2), text(opFracAuto), text(opOffsetColon)}
	case 'Z':
		items = []item{text(opOffsetColon)}
	case 'z':
		items = []item{text(opOffset)}
	case ':':
		switch {
		case hasPrefix(format[i:], "::z"):
			items, i = []item{text(opOffsetColon3)}, i+3
		case hasPrefix(format[i:], ":z"):
			items, i = []item{text(opOffsetColon2)}, i+2
		case hasPrefix(format[i:], "z"):
			items, i = []item{text(opOffsetColon)}, i+1
		default:
			return bad("unknown specifier %:")
		}
	case '.':
		switch {
		case hasPrefix(format[i:], "f"):
			items, i = []item{text(opFracAuto)}, i+1
		case hasPrefix(format[i:], "3f"):
			items, i = []item{text(opFrac3)}, i+2
		case hasPrefix(format[i:], "6f"):
			items, i = []item{text(opFrac6)}, i+2
		case hasPrefix(format[i:], "9f"):
			items, i = []item{text(opFrac9)}, i+2
		default:
			return bad("unknown specifier %.")
		}
	case '3', '6', '9':
		if !hasPrefix(format[i:], "f") {
			return bad("unknown specifier %" + string(c))
		}
		i++
		items = []item{text(fracNoDot(c))}
	case 's':
		items = []item{num(opTimestamp, padNone, 1)}
	case 't':
		items = []item{lit("\t")}
	case 'n':
		items = []item{lit("\n")}
	case '%':
		items = []item{lit("%")}
	default:
		r, _ := utf8.DecodeRuneInString(format[i-1:])
		return bad(fmt.Sprintf("unknown specifier %%%c", r))
	}
	if hasPad {
		if len(items) != 1 || items[0].op == opLiteral || items[0].op >= opShortMonth {
			return bad("padding modifier on a specifier that is not a single number")
		}
		items[0].pad = padOverride
	}
	f.items = append(f.items, items...)
	return i - at, nil
}

func fracNoDot(c byte) op {
	switch c {
	case '3':
		return opFrac3NoDot
	case '6':
		return opFrac6NoDot
	}
	return opFrac9NoDot
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// Resolution is how often the formatted text changes: time.Second when the
// format shows seconds (or finer), else time.Minute.
func (f *Format) Resolution() time.Duration { return f.res }

// Next returns the next multiple of res strictly after now (res ≤ 0 counts
// as a second): when a clock showing res-sized steps must be redrawn.
func Next(now time.Time, res time.Duration) time.Time {
	if res <= 0 {
		res = time.Second
	}
	return now.Truncate(res).Add(res)
}

// ParseConfig parses the Time field of a button: "24hr", "12hr" or a
// strftime format.
func ParseConfig(value string) (*Format, error) {
	switch value {
	case "24hr":
		value = Format24hr
	case "12hr":
		value = Format12hr
	}
	return Parse(value)
}
