package input

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"tiny-dfr/internal/layouts"
)

// fakeAlarm records what the Bar does with its frame timer.
type fakeAlarm struct {
	armed         bool
	resets, stops int
}

func (a *fakeAlarm) Reset(time.Duration) { a.armed = true; a.resets++ }
func (a *fakeAlarm) Stop()               { a.armed = false; a.stops++ }

func newTestBar(kb Keyboard, a Alarm, frame time.Duration) (*Bar, *layouts.Layout) {
	lay := testLayout()
	var sw layouts.Switcher
	b := NewBar(NewTracker(kb), BarOptions{Now: func() time.Time { return testTime(0) }, Alarm: a, Frame: frame, WakeGap: time.Hour})
	b.SetView(View{Layout: lay, Shown: sw.Shown(), Base: BaseLayer(&sw)}, false)
	return b, lay
}

func woken(b *Bar) bool {
	select {
	case <-b.Wake():
		return true
	default:
		return false
	}
}

// A tap within a frame: the keys go out on the caller's goroutine, the
// frame timer is armed by the press and disarmed by the lift, and the loop
// is not woken (after the first touch, which the WakeGap lets through).
func TestBarTapWithinFrameWakesNobody(t *testing.T) {
	kb := newFakeKeyboard()
	a := &fakeAlarm{}
	b, lay := newTestBar(kb, a, 16*time.Millisecond)
	x, y := centre(lay, 0, 2)
	b.Touch([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}})
	woken(b) // the first touch ever: WakeGap passed since "never"
	b.Touch([]Touch{{Slot: 0, Phase: Up, X: x, Y: y}})
	if got := kb.take(); len(got) != 2 || !got[0].down || got[1].down {
		t.Fatalf("keys %v, want a press and a release", got)
	}
	if a.armed || a.resets != 1 || a.stops != 1 {
		t.Errorf("alarm armed=%v after %d resets, %d stops; want armed by the press, stopped by the lift", a.armed, a.resets, a.stops)
	}
	for range 5 {
		b.Touch([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}})
		b.Touch([]Touch{{Slot: 0, Phase: Up, X: x, Y: y}})
	}
	if woken(b) {
		t.Error("taps within a frame woke the loop")
	}
	if got := b.LastTouch(); !got.Equal(testTime(0)) {
		t.Errorf("LastTouch %v", got)
	}
}

// A held press stays armed until the loop takes the looks; the lift then
// arms the timer again (the release must be drawn).
func TestBarLooksDisarm(t *testing.T) {
	kb := newFakeKeyboard()
	a := &fakeAlarm{}
	b, lay := newTestBar(kb, a, 16*time.Millisecond)
	x, y := centre(lay, 0, 1)
	b.Touch([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}})
	if !a.armed {
		t.Fatal("a press did not arm the frame timer")
	}
	refs := b.Looks(nil)
	if len(refs) != 1 || refs[0] != (Ref{0, 1}) || a.armed {
		t.Fatalf("Looks = %v (alarm armed %v), want [{0 1}] and disarmed", refs, a.armed)
	}
	b.Touch([]Touch{{Slot: 0, Phase: Move, X: x, Y: y}})
	if a.armed {
		t.Error("a move that changes no look armed the timer")
	}
	b.Touch([]Touch{{Slot: 0, Phase: Up, X: x, Y: y}})
	if !a.armed {
		t.Error("the lift of a drawn press did not arm the timer")
	}
	if refs := b.Looks(nil); len(refs) != 0 {
		t.Errorf("Looks after the lift = %v", refs)
	}
}

// Without an alarm (or with Frame 0) a change of look wakes the loop at
// once; eager, every touch does.
func TestBarWakes(t *testing.T) {
	kb := newFakeKeyboard()
	b, lay := newTestBar(kb, nil, 16*time.Millisecond)
	woken(b)
	x, y := centre(lay, 0, 1)
	b.Touch([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}})
	if !woken(b) {
		t.Error("a press without an alarm did not wake the loop")
	}
	b.Looks(nil) // as the woken loop does
	b.Touch([]Touch{{Slot: 0, Phase: Move, X: x, Y: y}})
	if woken(b) {
		t.Error("a move changing nothing woke the loop")
	}
	v := View{Layout: lay}
	b.SetView(v, true)
	b.Touch([]Touch{{Slot: 0, Phase: Move, X: x, Y: y}})
	if !woken(b) {
		t.Error("an eager Bar did not wake the loop on a touch")
	}
}

// A new layout releases the keys at once (SetView), and Close releases
// them for good: later touches do nothing.
func TestBarSetViewAndClose(t *testing.T) {
	kb := newFakeKeyboard()
	b, lay := newTestBar(kb, &fakeAlarm{}, 16*time.Millisecond)
	x, y := centre(lay, 0, 3)
	b.Touch([]Touch{{Slot: 0, Phase: Down, X: x, Y: y}})
	kb.take()
	b.SetView(View{Layout: testLayout()}, false)
	if got := kb.take(); len(got) != 1 || got[0].down {
		t.Fatalf("keys after a new layout %v, want the release", got)
	}
	b.Touch([]Touch{{Slot: 1, Phase: Down, X: x, Y: y}})
	b.Close()
	b.Touch([]Touch{{Slot: 2, Phase: Down, X: x, Y: y}})
	b.SetView(View{Layout: lay}, false)
	if len(kb.down) != 0 || b.Held() != 0 {
		t.Errorf("keys down after Close: %v", kb.down)
	}
	if got := kb.take(); len(got) != 2 || !got[0].down || got[1].down {
		t.Errorf("keys %v, want the press before Close and its release", got)
	}
}

// The keys of a touch frame cost no allocation.
func TestBarTouchAllocs(t *testing.T) { // not parallel: AllocsPerRun
	b, lay := newTestBar(nopKeys{}, &fakeAlarm{}, 16*time.Millisecond)
	x, y := centre(lay, 0, 1)
	down := []Touch{{Slot: 0, Phase: Down, X: x, Y: y}}
	up := []Touch{{Slot: 0, Phase: Up, X: x, Y: y}}
	if n := testing.AllocsPerRun(100, func() { b.Touch(down); b.Touch(up); b.Looks(nil) }); n != 0 {
		t.Errorf("%v allocations per tap", n)
	}
}

type nopKeys struct{}

func (nopKeys) Press([]uint16) error   { return nil }
func (nopKeys) Release([]uint16) error { return nil }

// lockedKeyboard is a fakeKeyboard for several goroutines.
type lockedKeyboard struct {
	mu sync.Mutex
	k  *fakeKeyboard
}

func (l *lockedKeyboard) Press(c []uint16) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.k.Press(c)
}

func (l *lockedKeyboard) Release(c []uint16) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.k.Release(c)
}

// The no-stuck-key property with the touches on reader goroutines and the
// view changed by the loop meanwhile (reloads, layer swaps, sleep, shift,
// digitizer loss): each key down has exactly one key up, and after the
// fingers lift and Close nothing is down. Run with -race to check the
// locking too.
func TestBarConcurrentNoStuckKey(t *testing.T) {
	t.Parallel()
	seed := propertySeed(t)
	for run := range 20 {
		kb := &lockedKeyboard{k: newFakeKeyboard()}
		b := NewBar(NewTracker(kb), BarOptions{Alarm: &lockedAlarm{}, Frame: time.Millisecond, WakeGap: time.Millisecond})
		lay := testLayout()
		b.SetView(View{Layout: lay}, false)
		var wg sync.WaitGroup
		for r := range 2 { // two digitizers, slots apart
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(seed, uint64(run*2+r)))
				down := map[int]bool{}
				for range 400 {
					s := r*8 + rng.IntN(4)
					x, y := rng.Float64()*1.1-0.05, rng.Float64()
					switch op := rng.IntN(4); {
					case !down[s]:
						b.Touch([]Touch{{Slot: s, Phase: Down, X: x, Y: y}})
						down[s] = true
					case op < 2:
						b.Touch([]Touch{{Slot: s, Phase: Move, X: x, Y: y}})
					default:
						b.Touch([]Touch{{Slot: s, Phase: Up, X: x, Y: y}})
						delete(down, s)
					}
				}
				for s := range down {
					b.Touch([]Touch{{Slot: s, Phase: Up}})
				}
			}()
		}
		rng := rand.New(rand.NewPCG(seed, uint64(1000+run)))
		stop := make(chan struct{})
		loopDone := make(chan struct{})
		go func() { // the loop
			defer close(loopDone)
			sw := layouts.Switcher{}
			for {
				select {
				case <-stop:
					return
				default:
				}
				switch rng.IntN(6) {
				case 0:
					lay = testLayout()
				case 1:
					sw.Fn(rng.IntN(2) == 0, time.Now())
				case 2:
					b.ReleaseAll()
				case 3:
					b.Looks(nil)
				}
				b.SetView(View{Layout: lay, Shown: sw.Shown(), Base: BaseLayer(&sw), Asleep: rng.IntN(4) == 0, Shift: imagePt(rng.IntN(9) - 4)}, rng.IntN(2) == 0)
				woken(b)
			}
		}()
		wg.Wait()
		close(stop)
		<-loopDone
		kb.mu.Lock()
		if b.Held() != 0 || len(kb.k.down) != 0 {
			t.Fatalf("seed %d run %d: every finger lifted, keys down %v", seed, run, kb.k.down)
		}
		kb.mu.Unlock()
		b.Close()
		kb.mu.Lock()
		open := map[uint16]int{}
		for _, e := range kb.k.log {
			if e.down {
				open[e.code]++
			} else {
				open[e.code]--
			}
			if open[e.code] < 0 || open[e.code] > 1 {
				t.Fatalf("seed %d run %d: key %d unbalanced", seed, run, e.code)
			}
		}
		if len(kb.k.problems) > 0 {
			t.Fatalf("seed %d run %d: %v", seed, run, kb.k.problems)
		}
		kb.mu.Unlock()
	}
}

// lockedAlarm is an Alarm for several goroutines (the Bar calls it under
// its lock; the race detector checks that).
type lockedAlarm struct{ armed bool }

func (a *lockedAlarm) Reset(time.Duration) { a.armed = true }
func (a *lockedAlarm) Stop()               { a.armed = false }
