// Package clock formats the time for clock buttons: strftime formats in
// chrono's dialect, the day and month names of common locales, and the
// instant of the next tick.
package clock
