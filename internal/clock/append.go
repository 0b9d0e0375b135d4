package clock

import (
	"strconv"
	"time"
)

// Append appends t formatted by f to dst, with loc's names (nil: POSIX).
// It does not allocate once dst has room.
func (f *Format) Append(dst []byte, t time.Time, loc *Locale) []byte {
	if loc == nil {
		loc = posix
	}
	return appendItems(dst, f.items, t, loc)
}

// posix is the locale of a nil *Locale; Append only reads it.
var posix = POSIX()

func appendItems(dst []byte, items []item, t time.Time, loc *Locale) []byte {
	for i := range items {
		it := &items[i]
		switch it.op {
		case opLocaleDate:
			dst = appendItems(dst, layoutOr(loc.date, posix.date), t, loc)
		case opLocaleTime:
			dst = appendItems(dst, layoutOr(loc.time, posix.time), t, loc)
		case opLocaleDateTime:
			dst = appendItems(dst, layoutOr(loc.dateTime, posix.dateTime), t, loc)
		case opLocaleTimeAMPM:
			dst = appendItems(dst, layoutOr(loc.timeAMPM, posix.timeAMPM), t, loc)
		case opShortStandaloneMonth:
			dst = append(dst, loc.ShortStandaloneMonths[t.Month()-1]...)
		case opLongStandaloneMonth:
			dst = append(dst, loc.StandaloneMonths[t.Month()-1]...)
		case opLiteral:
			dst = append(dst, it.lit...)
		case opShortMonth:
			dst = append(dst, loc.ShortMonths[t.Month()-1]...)
		case opLongMonth:
			dst = append(dst, loc.Months[t.Month()-1]...)
		case opShortWeekday:
			dst = append(dst, loc.ShortDays[t.Weekday()]...)
		case opLongWeekday:
			dst = append(dst, loc.Days[t.Weekday()]...)
		case opUpperAmPm:
			dst = append(dst, ampm(t, loc)...)
		case opLowerAmPm:
			dst = appendLower(dst, ampm(t, loc))
		case opFracAuto:
			ns := t.Nanosecond()
			switch {
			case ns == 0:
			case ns%1_000_000 == 0:
				dst = appendPadded(append(dst, '.'), int64(ns/1_000_000), padZero, 3)
			case ns%1_000 == 0:
				dst = appendPadded(append(dst, '.'), int64(ns/1_000), padZero, 6)
			default:
				dst = appendPadded(append(dst, '.'), int64(ns), padZero, 9)
			}
		case opFrac3:
			dst = appendPadded(append(dst, '.'), int64(t.Nanosecond()/1_000_000), padZero, 3)
		case opFrac6:
			dst = appendPadded(append(dst, '.'), int64(t.Nanosecond()/1_000), padZero, 6)
		case opFrac9:
			dst = appendPadded(append(dst, '.'), int64(t.Nanosecond()), padZero, 9)
		case opFrac3NoDot:
			dst = appendPadded(dst, int64(t.Nanosecond()/1_000_000), padZero, 3)
		case opFrac6NoDot:
			dst = appendPadded(dst, int64(t.Nanosecond()/1_000), padZero, 6)
		case opFrac9NoDot:
			dst = appendPadded(dst, int64(t.Nanosecond()), padZero, 9)
		case opOffset, opOffsetColon, opOffsetColon2, opOffsetColon3:
			dst = appendOffset(dst, t, it.op)
		default:
			dst = appendNumber(dst, it, t)
		}
	}
	return dst
}

// layoutOr is l, or def for a Locale FindLocale did not make. Compiled
// layouts hold no layout items, so appendItems recurses once at most.
func layoutOr(l, def []item) []item {
	if l == nil {
		return def
	}
	return l
}

func ampm(t time.Time, loc *Locale) string {
	if t.Hour() < 12 {
		return loc.AM
	}
	return loc.PM
}

// appendLower appends s lower-cased (ASCII letters only; other scripts have
// no case to change in AM/PM strings).
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func appendNumber(dst []byte, it *item, t time.Time) []byte {
	var v int64
	switch it.op {
	case opYear:
		v = int64(t.Year())
	case opYearDiv100:
		v = floorDiv(int64(t.Year()), 100)
	case opYearMod100:
		v = floorMod(int64(t.Year()), 100)
	case opQuarter:
		v = int64(t.Month()-1)/3 + 1
	case opMonth:
		v = int64(t.Month())
	case opDay:
		v = int64(t.Day())
	case opWeekdayFromSun:
		v = int64(t.Weekday())
	case opWeekdayFromMon:
		v = int64(t.Weekday()+6)%7 + 1
	case opWeekFromSun:
		v = int64(t.YearDay()-int(t.Weekday())+6) / 7
	case opWeekFromMon:
		v = int64(t.YearDay()-int(t.Weekday()+6)%7+6) / 7
	case opIsoYear:
		y, _ := t.ISOWeek()
		v = int64(y)
	case opIsoYearMod100:
		y, _ := t.ISOWeek()
		v = floorMod(int64(y), 100)
	case opIsoWeek:
		_, w := t.ISOWeek()
		v = int64(w)
	case opOrdinal:
		v = int64(t.YearDay())
	case opHour:
		v = int64(t.Hour())
	case opHour12:
		v = int64(t.Hour() % 12)
		if v == 0 {
			v = 12
		}
	case opMinute:
		v = int64(t.Minute())
	case opSecond:
		v = int64(t.Second())
	case opNanosecond:
		v = int64(t.Nanosecond())
	case opTimestamp:
		v = t.Unix()
	}
	if (it.op == opYear || it.op == opIsoYear) && (v < 0 || v > 9999) {
		// Years outside 0–9999 carry an explicit sign, as in ISO 8601.
		sign := byte('+')
		if v < 0 {
			sign = '-'
		}
		return appendSigned(dst, v, sign, it.pad, int(it.width)+1)
	}
	if v < 0 {
		return appendSigned(dst, v, '-', it.pad, int(it.width))
	}
	return appendPadded(dst, v, it.pad, int(it.width))
}

// appendPadded appends v ≥ 0 padded to width with pad (padNone: no padding).
func appendPadded(dst []byte, v int64, pad byte, width int) []byte {
	var buf [20]byte
	digits := strconv.AppendInt(buf[:0], v, 10)
	if pad != padNone {
		for n := len(digits); n < width; n++ {
			dst = append(dst, pad)
		}
	}
	return append(dst, digits...)
}

// appendSigned appends v with a sign, the width counting the sign: zeros go
// after the sign, spaces before it.
func appendSigned(dst []byte, v int64, sign byte, pad byte, width int) []byte {
	var buf [20]byte
	if v < 0 {
		v = -v // |v| of a year or timestamp never overflows
	}
	digits := strconv.AppendInt(buf[:0], v, 10)
	fill := 0
	if pad != padNone {
		fill = width - 1 - len(digits)
	}
	if pad == padSpace {
		for ; fill > 0; fill-- {
			dst = append(dst, ' ')
		}
	}
	dst = append(dst, sign)
	for ; fill > 0; fill-- {
		dst = append(dst, '0')
	}
	return append(dst, digits...)
}

func appendOffset(dst []byte, t time.Time, o op) []byte {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	h, m, s := off/3600, off/60%60, off%60
	dst = appendPadded(append(dst, sign), int64(h), padZero, 2)
	switch o {
	case opOffset:
		dst = appendPadded(dst, int64(m), padZero, 2)
	case opOffsetColon:
		dst = appendPadded(append(dst, ':'), int64(m), padZero, 2)
	case opOffsetColon2:
		dst = appendPadded(append(dst, ':'), int64(m), padZero, 2)
		dst = appendPadded(append(dst, ':'), int64(s), padZero, 2)
	}
	return dst
}
