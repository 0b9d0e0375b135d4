// Package alarm is a one-shot timer on a timerfd (CLOCK_MONOTONIC) that may
// be set and stopped from any goroutine without waking the process.
//
// A stopped Go timer can still cost a wake-up: the runtime sleeps until the
// time of the first timer of its heap, and a deleted one stays there until
// that wake-up (or until a quarter of the heap is deleted timers). The
// daemon arms a timer on every touch that changes a button's look and stops
// it when the look changes back before the frame: with a Go timer, every tap
// within a frame woke the process once more, a frame later, for nothing. A
// timerfd that is disarmed never fires; setting it is a raw system call, so
// the runtime's monitor thread stays asleep too.
package alarm
