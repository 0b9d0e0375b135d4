package daemon

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestShifterPath(t *testing.T) {
	t.Parallel()
	const step, dwell = 10 * time.Second, 50 * time.Second
	for seed := range uint64(20) {
		now := time.Unix(1e9, 0)
		s := newShifter(now, rand.New(rand.NewPCG(seed, 7)), step, dwell)
		prev := s.Offset()
		var seen [2]map[int]bool
		seen[0], seen[1] = map[int]bool{}, map[int]bool{}
		for range 500 {
			d := s.Deadline()
			if !d.After(now) {
				t.Fatalf("seed %d: deadline %v not after now %v", seed, d, now)
			}
			// Each axis waits one step between moves, or the dwell at an end.
			for a := range 2 {
				if gap := s.next[a].Sub(now); gap > dwell {
					t.Fatalf("seed %d axis %d: next move in %v", seed, a, gap)
				}
			}
			now = d
			if !s.Advance(now) {
				t.Fatalf("seed %d: nothing moved at the deadline", seed)
			}
			o := s.Offset()
			if o.X < -11 || o.X > 11 || o.Y < -2 || o.Y > 2 {
				t.Fatalf("seed %d: offset %v out of range", seed, o)
			}
			if dx, dy := abs(o.X-prev.X), abs(o.Y-prev.Y); dx > 1 || dy > 1 {
				t.Fatalf("seed %d: jumped from %v to %v", seed, prev, o)
			}
			seen[0][o.X], seen[1][o.Y] = true, true
			prev = o
		}
		if len(seen[0]) != 23 || len(seen[1]) != 5 {
			t.Errorf("seed %d: visited %d x and %d y positions, want 23 and 5", seed, len(seen[0]), len(seen[1]))
		}
	}
}

func TestShifterDwellsAtEnds(t *testing.T) {
	t.Parallel()
	now := time.Unix(1e9, 0)
	s := newShifter(now, rand.New(rand.NewPCG(3, 3)), 10*time.Second, 50*time.Second)
	s.pos[0], s.dir[0], s.next[0] = 10, 1, now
	s.next[1] = now.Add(time.Hour) // keep y still
	s.Advance(now)
	if s.pos[0] != 11 || s.next[0] != now.Add(50*time.Second) {
		t.Fatalf("at the end: pos %d, next in %v", s.pos[0], s.next[0].Sub(now))
	}
	now = s.next[0]
	s.Advance(now)
	if s.pos[0] != 10 || s.next[0] != now.Add(10*time.Second) {
		t.Errorf("after the dwell: pos %d, next in %v; want 10 and 10 s", s.pos[0], s.next[0].Sub(now))
	}
}

func TestShifterRandomStart(t *testing.T) {
	t.Parallel()
	starts := map[[2]int]bool{}
	for seed := range uint64(30) {
		s := newShifter(time.Unix(0, 0), rand.New(rand.NewPCG(seed, seed)), 10*time.Second, 50*time.Second)
		starts[[2]int{s.pos[0], s.pos[1]}] = true
	}
	if len(starts) < 10 {
		t.Errorf("30 seeds gave %d distinct starts", len(starts))
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
