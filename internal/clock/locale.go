package clock

//go:generate go run ./internal/localegen -out locales_table.go

import (
	"sort"
	"strings"
)

// Locale holds what a format prints for %a %A %b %B %Ob %OB %p %P and the
// layouts of %x %X %c %r.
//
// Months and ShortMonths are glibc's mon and abmon, what %B and %b print
// in glibc and chrono: in locales with two forms (Greek, Polish, Russian,
// Ukrainian, Czech…) that is the genitive, the form a month takes after a
// day number ("8 lipca"). StandaloneMonths and ShortStandaloneMonths are
// glibc's alt_mon and ab_alt_mon, the nominative ("lipiec"), printed by
// %OB and %Ob as in glibc; a locale with one form has the same names in
// both.
type Locale struct {
	Name                  string
	ShortDays             [7]string // Sunday first
	Days                  [7]string
	ShortMonths           [12]string // January first
	Months                [12]string
	ShortStandaloneMonths [12]string
	StandaloneMonths      [12]string
	AM, PM                string
	// The locale's layouts for %x, %X, %c and %r (glibc's d_fmt, t_fmt,
	// d_t_fmt and t_fmt_ampm) in the dialect Parse reads. FindLocale
	// compiles them; a Locale made otherwise prints POSIX's layouts.
	DateFormat, TimeFormat, DateTimeFormat, TimeAMPMFormat string

	date, time, dateTime, timeAMPM []item
}

// The POSIX layouts, which are chrono's without a locale.
const (
	posixDate     = "%m/%d/%y"
	posixTime     = "%H:%M:%S"
	posixDateTime = "%a %b %e %H:%M:%S %Y"
	posixTimeAMPM = "%I:%M:%S %p"
)

// POSIX returns the C/POSIX locale: English names, AM/PM.
func POSIX() *Locale {
	l := &Locale{Name: "POSIX",
		ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		AM:          "AM", PM: "PM",
		DateFormat: posixDate, TimeFormat: posixTime, DateTimeFormat: posixDateTime, TimeAMPMFormat: posixTimeAMPM}
	l.ShortStandaloneMonths, l.StandaloneMonths = l.ShortMonths, l.Months
	l.compile()
	return l
}

// FindLocale looks a locale up by its POSIX name: every locale of glibc's
// localedata ("de_DE", "de_DE.UTF-8", "de_DE@euro", "sr_RS@latin",
// "sr_RS.UTF-8@latin", "el_GR"). A country it lacks falls back to the
// language's main one ("de_JP" → de_DE), as does a bare language ("de",
// "sr@latin"). Unknown names give POSIX and false; "", "C" and "POSIX"
// (with any codeset) give POSIX and true.
func FindLocale(name string) (*Locale, bool) {
	base, mod, hasMod := strings.Cut(name, "@")
	base, _, _ = strings.Cut(base, ".")
	switch base {
	case "", "C", "POSIX":
		return POSIX(), true
	}
	lang, _, _ := strings.Cut(base, "_")
	lang = strings.ToLower(lang)
	var tries []string
	if hasMod {
		tries = append(tries, base+"@"+mod)
	}
	tries = append(tries, base)
	if hasMod {
		tries = append(tries, lang+"@"+mod)
	}
	tries = append(tries, lang)
	for _, n := range tries {
		if i := findEntry(n); i >= 0 {
			return makeLocale(i), true
		}
	}
	return POSIX(), false
}

// LookupLocale is FindLocale without the flag: unknown names give POSIX.
func LookupLocale(name string) *Locale {
	l, _ := FindLocale(name)
	return l
}

// LocaleNames lists the names FindLocale knows (locales and language
// aliases), sorted.
func LocaleNames() []string {
	out := make([]string, len(localeEntries))
	for i := range out {
		out[i] = entryName(i)
	}
	return out
}

func entryName(i int) string {
	start := 0
	if i > 0 {
		start = int(localeNameEnd[i-1])
	}
	return localeNames[start:localeNameEnd[i]]
}

func findEntry(name string) int {
	i := sort.Search(len(localeEntries), func(i int) bool { return entryName(i) >= name })
	if i < len(localeEntries) && entryName(i) == name {
		return i
	}
	return -1
}

func tableString(id uint16) string {
	start := 0
	if id > 0 {
		start = int(localeStringEnd[id-1])
	}
	return localeStrings[start:localeStringEnd[id]]
}

func makeLocale(entry int) *Locale {
	rec := &localeRecords[localeEntries[entry][0]]
	l := &Locale{Name: entryName(int(localeEntries[entry][1]))}
	for i := range 7 {
		l.ShortDays[i] = tableString(localeLists[int(rec[fAbDay])+i])
		l.Days[i] = tableString(localeLists[int(rec[fDay])+i])
	}
	for i := range 12 {
		l.ShortMonths[i] = tableString(localeLists[int(rec[fAbMon])+i])
		l.Months[i] = tableString(localeLists[int(rec[fMon])+i])
		l.ShortStandaloneMonths[i] = tableString(localeLists[int(rec[fAbAltMon])+i])
		l.StandaloneMonths[i] = tableString(localeLists[int(rec[fAltMon])+i])
	}
	l.AM, l.PM = tableString(rec[fAM]), tableString(rec[fPM])
	l.DateFormat, l.TimeFormat = tableString(rec[fDFmt]), tableString(rec[fTFmt])
	l.DateTimeFormat, l.TimeAMPMFormat = tableString(rec[fDTFmt]), tableString(rec[fTFmtAmPm])
	l.compile()
	return l
}

// compile parses the layouts, expanding the locale's own %x %X %c %r in
// them (en_US's %c holds %r, el_GR's %X is %r); a layout that does not
// parse, or refers to itself, gives POSIX's.
func (l *Locale) compile() {
	l.date = l.layout(l.DateFormat, posixDate, 0)
	l.time = l.layout(l.TimeFormat, posixTime, 0)
	l.dateTime = l.layout(l.DateTimeFormat, posixDateTime, 0)
	l.timeAMPM = l.layout(l.TimeAMPMFormat, posixTimeAMPM, 0)
}

func (l *Locale) layout(format, fallback string, depth int) []item {
	f, err := Parse(format)
	if err != nil || depth > 2 {
		f = MustParse(fallback)
		depth = 3 // POSIX layouts refer to nothing
	}
	var out []item
	for _, it := range f.items {
		var sub []item
		switch it.op {
		case opLocaleDate:
			sub = l.layout(l.DateFormat, posixDate, depth+1)
		case opLocaleTime:
			sub = l.layout(l.TimeFormat, posixTime, depth+1)
		case opLocaleDateTime:
			sub = l.layout(l.DateTimeFormat, posixDateTime, depth+1)
		case opLocaleTimeAMPM:
			sub = l.layout(l.TimeAMPMFormat, posixTimeAMPM, depth+1)
		default:
			out = append(out, it)
			continue
		}
		out = append(out, sub...)
	}
	return out
}
