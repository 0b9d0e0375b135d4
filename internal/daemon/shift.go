package daemon

import (
	"image"
	"math/rand/v2"
	"time"
)

// Pixel shift keeps the picture from burning in.
//
// Reading of the spec ("x range 22 px (±11), y range 4 px (±2), random start
// and random x↔y phase; every 10 s it moves 1 px, animated in 20 steps of
// 200 ms; at each end it waits 50 s and reverses"): each axis is a slow
// triangle wave. Every Step (10 s) an axis moves 1 px in its direction; on
// reaching ±limit it stays there Dwell (50 s), then turns round. Both axes
// start at a random position and direction; the y axis runs Step·u (u
// uniform in [0, 1)) out of phase with x, so they rarely move together.
// Pixels are whole: a 1 px move animated in 20 sub-steps would show exactly
// one change, so the loop redraws once per move, at the moment the animated
// picture would cross the half-pixel, and never wakes for the 19 sub-steps
// that draw nothing. While the bar is dark nothing moves and nothing wakes.
type shifter struct {
	pos, dir, lim [2]int
	next          [2]time.Time
	step, dwell   time.Duration
}

// Pixel shift ranges (±).
const (
	shiftX = 11
	shiftY = 2
)

func newShifter(now time.Time, r *rand.Rand, step, dwell time.Duration) *shifter {
	s := &shifter{lim: [2]int{shiftX, shiftY}, step: step, dwell: dwell}
	for a := range 2 {
		s.pos[a] = r.IntN(2*s.lim[a]+1) - s.lim[a]
		s.dir[a] = 1
		if r.IntN(2) == 0 {
			s.dir[a] = -1
		}
	}
	s.next[0] = now.Add(step)
	s.next[1] = now.Add(step + time.Duration(r.Int64N(int64(step))))
	return s
}

// Offset is the current shift.
func (s *shifter) Offset() image.Point { return image.Pt(s.pos[0], s.pos[1]) }

// Deadline is when the next move is due.
func (s *shifter) Deadline() time.Time {
	if s.next[1].Before(s.next[0]) {
		return s.next[1]
	}
	return s.next[0]
}

// Advance makes the moves that are due at now and reports whether the
// offset changed. Moves missed while the bar was dark are not caught up.
func (s *shifter) Advance(now time.Time) bool {
	moved := false
	for a := range 2 {
		if now.Before(s.next[a]) {
			continue
		}
		p := s.pos[a] + s.dir[a]
		if p > s.lim[a] || p < -s.lim[a] {
			// At an end after the dwell: turn round and move.
			s.dir[a] = -s.dir[a]
			p = s.pos[a] + s.dir[a]
		}
		s.pos[a] = p
		moved = true
		s.next[a] = now.Add(s.step)
		if p == s.lim[a] || p == -s.lim[a] {
			s.next[a] = now.Add(s.dwell)
		}
	}
	return moved
}

// Resume reschedules after the bar was dark: the next moves are one step
// (or what remains of it) away, never in the past.
func (s *shifter) Resume(now time.Time) {
	for a := range 2 {
		if s.next[a].Before(now) {
			s.next[a] = now.Add(s.step)
		}
	}
}
