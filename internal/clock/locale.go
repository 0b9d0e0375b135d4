package clock

import "strings"

// Locale holds the names a format prints for %a %A %b %B %p %P.
type Locale struct {
	Name        string
	ShortDays   [7]string // Sunday first
	Days        [7]string
	ShortMonths [12]string // January first
	Months      [12]string
	AM, PM      string
}

// POSIX returns the C/POSIX locale: English names, AM/PM.
func POSIX() *Locale {
	return &Locale{Name: "POSIX",
		ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		AM:          "AM", PM: "PM"}
}

// FindLocale looks a locale up by its POSIX name ("de_DE", "de_DE.UTF-8",
// "de_DE@euro", "de"). A country it lacks falls back to the language's main
// one ("de_LU" → de_DE). Unknown names give POSIX and false; "", "C" and
// "POSIX" give POSIX and true.
func FindLocale(name string) (*Locale, bool) {
	n := name
	if i := strings.IndexAny(n, ".@"); i >= 0 {
		n = n[:i]
	}
	switch n {
	case "", "C", "POSIX":
		return POSIX(), true
	}
	if l := findExact(n); l != nil {
		return l, true
	}
	lang, _, _ := strings.Cut(n, "_")
	if l := findExact(languageDefault(strings.ToLower(lang))); l != nil {
		return l, true
	}
	return POSIX(), false
}

// LookupLocale is FindLocale without the flag: unknown names give POSIX.
func LookupLocale(name string) *Locale {
	l, _ := FindLocale(name)
	return l
}
