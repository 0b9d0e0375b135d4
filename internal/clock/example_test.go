package clock_test

import (
	"fmt"
	"time"

	"tiny-dfr/internal/clock"
)

func ExampleFormat_Append() {
	f, err := clock.Parse(clock.Format12hr)
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2025, 6, 4, 15, 7, 30, 0, time.UTC)
	fmt.Printf("%q\n", f.Append(nil, now, clock.LookupLocale("en_US")))
	fmt.Printf("%q\n", f.Append(nil, now, clock.LookupLocale("de_DE")))
	fmt.Println(f.Resolution(), clock.Next(now, f.Resolution()).Format(time.TimeOnly))
	// Output:
	// "3:07 PM    Wed 4 Jun"
	// "3:07     Mi 4 Jun"
	// 1m0s 15:08:00
}
