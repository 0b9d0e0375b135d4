package input

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"tiny-dfr/internal/layouts"
)

// propertySeed is INPUT_SEED when set (to replay a failure), else random.
func propertySeed(t *testing.T) uint64 {
	if s := os.Getenv("INPUT_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("INPUT_SEED: %v", err)
		}
		return v
	}
	return rand.Uint64()
}

// world is the daemon's side of a random run: layout, Fn switcher, sleep,
// shift, and which fingers are down.
type world struct {
	rng     *rand.Rand
	layout  *layouts.Layout
	sw      layouts.Switcher
	now     time.Time
	asleep  bool
	shift   int
	fingers map[int]bool
}

func (w *world) view() View {
	return View{Layout: w.layout, Shown: w.sw.Shown(), Base: BaseLayer(&w.sw), Asleep: w.asleep, Shift: imagePt(w.shift)}
}

// step does one random thing and returns the touches of the frame.
func (w *world) step() []Touch {
	w.now = w.now.Add(time.Duration(w.rng.IntN(400)) * time.Millisecond)
	pos := func() (float64, float64) { return w.rng.Float64()*1.1 - 0.05, w.rng.Float64() }
	var ts []Touch
	switch op := w.rng.IntN(14); {
	case op < 4: // down
		s := w.rng.IntN(4)
		if !w.fingers[s] {
			x, y := pos()
			ts = append(ts, Touch{Slot: s, Phase: Down, X: x, Y: y})
			w.fingers[s] = true
		}
	case op < 8: // move a finger, small or large
		for s := range w.fingers {
			x, y := pos()
			ts = append(ts, Touch{Slot: s, Phase: Move, X: x, Y: y})
			break
		}
	case op < 10: // up
		for s := range w.fingers {
			ts = append(ts, Touch{Slot: s, Phase: Up})
			delete(w.fingers, s)
			break
		}
	case op == 10: // cancel (SYN_DROPPED) or removal: every finger
		for s := range w.fingers {
			ts = append(ts, Touch{Slot: s, Phase: Cancel})
		}
		clear(w.fingers)
	case op == 11: // reload: F-keys, or layer, group and slider buttons
		w.layout = testLayout()
		if w.rng.IntN(2) == 0 {
			w.layout = layersLayout()
		}
		w.sw.Reset()
	case op == 12: // Fn press or release, sometimes a quick double press
		w.sw.Fn(w.rng.IntN(2) == 0, w.now)
		if w.rng.IntN(3) == 0 {
			w.sw.Fn(false, w.now.Add(50*time.Millisecond))
			w.sw.Fn(true, w.now.Add(100*time.Millisecond))
		}
	default: // bar sleeps or wakes, pixel shift moves
		w.asleep = w.rng.IntN(3) == 0
		w.shift = w.rng.IntN(23) - 11
	}
	return ts
}

func runProperty(t *testing.T, flaky bool) {
	seed := propertySeed(t)
	rng := rand.New(rand.NewPCG(seed, 0))
	for run := range 300 {
		kb := newFakeKeyboard()
		if flaky {
			kb.fail = func() bool { return rng.IntN(5) == 0 }
		}
		tr := NewTracker(kb)
		lay := testLayout()
		if run%2 == 1 {
			lay = layersLayout()
		}
		w := &world{rng: rng, layout: lay, sw: layouts.Switcher{DoublePress: 300 * time.Millisecond},
			now: testTime(0), fingers: map[int]bool{}}
		for i := range 200 {
			ts := w.step()
			tr.Handle(ts, w.view())
			// The loop applies the layer, group and × touches, then gives
			// the Tracker the new view (syncBar), sometimes a touch later.
			acts := tr.TakeActions(nil)
			for _, a := range acts {
				w.sw.Act(a.Action, w.now)
			}
			if len(acts) > 0 && rng.IntN(2) == 0 {
				tr.Handle(nil, w.view())
			}
			if !flaky && tr.Held() != len(kb.down) {
				t.Fatalf("seed %d run %d step %d: tracker holds %d keys, keyboard has %d down", seed, run, i, tr.Held(), len(kb.down))
			}
			if len(kb.down) > tr.Held()+tr.Pending() {
				t.Fatalf("seed %d run %d step %d: keyboard has %d keys down (%v), tracker knows %d", seed, run, i, len(kb.down), kb.down, tr.Held())
			}
			if len(w.fingers) == 0 && (tr.Held() != 0 || len(kb.down) > tr.Pending()) {
				t.Fatalf("seed %d run %d step %d: no finger down but %d keys held (%v)", seed, run, i, tr.Held(), kb.down)
			}
			if len(kb.problems) > 0 {
				t.Fatalf("seed %d run %d step %d: %v", seed, run, i, kb.problems)
			}
		}
		kb.fail = nil // the keyboard works again: everything must come up
		tr.ReleaseAll()
		if tr.Held() != 0 || tr.Pending() != 0 || len(kb.down) != 0 {
			t.Fatalf("seed %d run %d: keys held after ReleaseAll: %v", seed, run, kb.down)
		}
		if !flaky {
			// Every key down is followed by exactly one key up.
			open := map[uint16]int{}
			for _, e := range kb.log {
				if e.down {
					open[e.code]++
				} else {
					open[e.code]--
				}
				if open[e.code] < 0 || open[e.code] > 1 {
					t.Fatalf("seed %d run %d: key %d unbalanced in %v", seed, run, e.code, kb.log)
				}
			}
		}
	}
}

func TestPropertyNoStuckKey(t *testing.T) {
	t.Parallel()
	runProperty(t, false)
}

func TestPropertyNoStuckKeyFlakyKeyboard(t *testing.T) {
	t.Parallel()
	runProperty(t, true)
}
