package layouts

import "time"

// Switcher decides which layer is shown from the Fn key. Fn held shows the
// other layer; with DoublePress > 0 two Fn presses that start within that
// time swap the layers until the next double press or Reset. The second
// press of a double press is taken by the swap: it does not also flip the
// layer while held.
type Switcher struct {
	MediaDefault bool
	DoublePress  time.Duration

	swapped  bool
	fnDown   bool
	consumed bool      // the current Fn press was the second of a double press
	lastDown time.Time // start of the last Fn press that can begin a double press
	armed    bool      // lastDown is valid
}

// Shown is the index of the layer on screen.
func (s *Switcher) Shown() int {
	media := s.MediaDefault != s.swapped
	if s.fnDown && !s.consumed {
		media = !media
	}
	if media {
		return Media
	}
	return Primary
}

// Fn records a press (down) or release of Fn at time at, and reports whether
// the shown layer changed.
func (s *Switcher) Fn(down bool, at time.Time) bool {
	before := s.Shown()
	switch {
	case down && !s.fnDown:
		s.fnDown = true
		if s.DoublePress > 0 && s.armed && at.Sub(s.lastDown) <= s.DoublePress && at.Sub(s.lastDown) >= 0 {
			s.swapped = !s.swapped
			s.consumed = true
			s.armed = false
		} else {
			s.lastDown, s.armed = at, true
		}
	case !down && s.fnDown:
		s.fnDown = false
		s.consumed = false
	}
	return s.Shown() != before
}

// Reset forgets a swap and any held Fn, as a reload does.
func (s *Switcher) Reset() {
	*s = Switcher{MediaDefault: s.MediaDefault, DoublePress: s.DoublePress}
}
