package layouts

import "time"

// MaxGroups is how many groups can be open on top of each other; opening
// one more replaces the top one. (Validation refuses groups that open
// themselves, so a real config never gets near it.)
const MaxGroups = 32

// Switcher decides which layer is shown. It is a pure state machine: it
// starts no goroutine and reads no clock; the caller passes the time of
// each event.
//
//   - Fn held shows the other of primary and media; with DoublePress > 0
//     two Fn presses that start within that time swap them until the next
//     double press or Reset. The second press of a double press is taken
//     by the swap: it does not also flip the layer while held.
//   - A layer button (LayerAction) shows its layer until the same button
//     is touched again or Fn is pressed: both return to the base layer.
//   - A group button (GroupAction) opens its layer on top of what is
//     shown; groups stack. Close (the group's ×) returns to the group
//     below, or to what was shown before the first. Fn closes every
//     group, and so does GroupTimeout without a touch (Deadline, Expire,
//     Touch).
//
// A Fn press that closes groups or leaves a chosen layer does only that:
// it is not also a momentary flip or half of a double press.
type Switcher struct {
	MediaDefault bool
	DoublePress  time.Duration
	GroupTimeout time.Duration // 0: groups stay open

	swapped  bool
	fnDown   bool
	consumed bool      // the current Fn press was the second of a double press (or closed a layer)
	lastDown time.Time // start of the last Fn press that can begin a double press
	armed    bool      // lastDown is valid

	app    int  // the focused app's layer (SetApp)
	hasApp bool // app is valid

	chosen    int  // the layer a layer button shows
	hasChosen bool // chosen is valid
	stack     [MaxGroups]int
	depth     int       // open groups: stack[:depth]
	touched   time.Time // the last touch while a group is open
}

// Shown is the index of the layer on screen.
func (s *Switcher) Shown() int {
	if s.depth > 0 {
		return s.stack[s.depth-1]
	}
	if s.hasChosen {
		return s.chosen
	}
	media := s.MediaDefault != s.swapped
	if s.fnDown && !s.consumed {
		media = !media
	} else if s.hasApp {
		return s.app
	}
	if media {
		return Media
	}
	return Primary
}

// Base is the layer shown with Fn released, no layer button's layer and no
// group: primary or media. It changes only when a double Fn press swaps
// them (or on Reset).
func (s *Switcher) Base() int {
	if s.MediaDefault != s.swapped {
		return Media
	}
	return Primary
}

// SetApp makes layer the resting layer while an app listed for it is
// focused (ok false: no such app, the normal base layer again). Fn held
// still shows the layer it shows without an app (the other of Base);
// layer buttons and groups show over it. Base does not change: fingers
// keep their buttons, as on a layer button's switch. It reports whether
// the shown layer changed.
func (s *Switcher) SetApp(layer int, ok bool) bool {
	before := s.Shown()
	s.app, s.hasApp = layer, ok
	if !ok {
		s.app = 0
	}
	return s.Shown() != before
}

// App is the focused app's layer set by SetApp (ok false: none).
func (s *Switcher) App() (layer int, ok bool) { return s.app, s.hasApp }

// Groups is the number of open groups.
func (s *Switcher) Groups() int { return s.depth }

// Fn records a press (down) or release of Fn at time at, and reports whether
// the shown layer changed.
func (s *Switcher) Fn(down bool, at time.Time) bool {
	before := s.Shown()
	switch {
	case down && !s.fnDown:
		s.fnDown = true
		if s.depth > 0 || s.hasChosen {
			// Back to the base layer; this press does nothing else.
			s.depth, s.hasChosen = 0, false
			s.consumed, s.armed = true, false
			break
		}
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

// Layer records a touch of a button showing layer i: it shows i (closing
// any group), or, when i is already the chosen layer with no group over
// it, returns to the base layer. It reports whether the shown layer
// changed.
func (s *Switcher) Layer(i int, at time.Time) bool {
	before := s.Shown()
	if s.depth == 0 && s.hasChosen && s.chosen == i {
		s.hasChosen = false
	} else {
		s.depth = 0
		s.chosen, s.hasChosen = i, true
	}
	if s.fnDown {
		s.consumed = true // releasing Fn keeps the chosen layer
	}
	return s.Shown() != before
}

// Group opens layer i as a group over what is shown at time at. A group
// already open is brought back to the top (the groups over it close).
func (s *Switcher) Group(i int, at time.Time) bool {
	before := s.Shown()
	s.touched = at
	for k := 0; k < s.depth; k++ {
		if s.stack[k] == i {
			s.depth = k + 1
			return s.Shown() != before
		}
	}
	if s.depth == MaxGroups {
		s.depth--
	}
	s.stack[s.depth] = i
	s.depth++
	if s.fnDown {
		s.consumed = true
	}
	return s.Shown() != before
}

// Close closes the group on top (its × was touched): the group below, or
// what was shown before the first group, shows. With no group open it
// leaves a chosen layer. It reports whether the shown layer changed.
func (s *Switcher) Close(at time.Time) bool {
	before := s.Shown()
	switch {
	case s.depth > 0:
		s.depth--
		s.touched = at
	case s.hasChosen:
		s.hasChosen = false
	}
	return s.Shown() != before
}

// Touch records a touch at time at: GroupTimeout counts from the last one.
func (s *Switcher) Touch(at time.Time) { s.touched = at }

// Deadline is when open groups close without another touch; ok is false
// when no group is open or GroupTimeout is 0.
func (s *Switcher) Deadline() (t time.Time, ok bool) {
	if s.depth == 0 || s.GroupTimeout <= 0 {
		return time.Time{}, false
	}
	return s.touched.Add(s.GroupTimeout), true
}

// Expire closes every group when at is at or past Deadline, and reports
// whether the shown layer changed.
func (s *Switcher) Expire(at time.Time) bool {
	d, ok := s.Deadline()
	if !ok || at.Before(d) {
		return false
	}
	before := s.Shown()
	s.depth = 0
	return s.Shown() != before
}

// Act applies a button's action touched at time at (LayerAction,
// GroupAction, CloseAction; others change nothing) and reports whether
// the shown layer changed.
func (s *Switcher) Act(a Action, at time.Time) bool {
	switch a := a.(type) {
	case LayerAction:
		return s.Layer(a.Layer, at)
	case GroupAction:
		return s.Group(a.Layer, at)
	case CloseAction:
		return s.Close(at)
	}
	return false
}

// Reset forgets a swap, any held Fn, a chosen layer and open groups, as a
// reload does.
func (s *Switcher) Reset() {
	*s = Switcher{MediaDefault: s.MediaDefault, DoublePress: s.DoublePress, GroupTimeout: s.GroupTimeout}
}
