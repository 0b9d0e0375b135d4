package input

import (
	"errors"
	"fmt"
	"image"
	"slices"
	"time"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/layouts"
)

// F1…F12 and the default media keys, as Linux key codes.
var (
	fCodes     = []uint16{59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88}
	mediaCodes = []uint16{224, 225, 248, 217, 229, 230, 165, 164, 163, 113, 114, 115}
)

func testConfig() *config.Config {
	c := &config.Config{}
	for i := range 12 {
		c.PrimaryLayerKeys = append(c.PrimaryLayerKeys, config.Button{Text: fmt.Sprintf("F%d", i+1), Codes: []uint16{fCodes[i]}, Stretch: 1})
		c.MediaLayerKeys = append(c.MediaLayerKeys, config.Button{Icon: "x", Codes: []uint16{mediaCodes[i]}, Stretch: 1})
	}
	return c
}

// testLayout is the default layout on a 2008×60 bar.
func testLayout() *layouts.Layout { return layouts.Build(testConfig(), 2008, 60) }

// centre is the touch position (fractions) of the middle of a button.
func centre(l *layouts.Layout, layer, b int) (float64, float64) {
	bt := l.Button(layer, b)
	return (float64(bt.Left) + bt.Width/2) / float64(l.Length), 0.5
}

type keyEvent struct {
	code uint16
	down bool
}

// fakeKeyboard records key events and checks that a key goes down only
// when up and up only when down.
type fakeKeyboard struct {
	log      []keyEvent
	down     map[uint16]bool
	calls    int
	fail     func() bool // when set and true, the call fails and sends nothing
	problems []string
}

func newFakeKeyboard() *fakeKeyboard { return &fakeKeyboard{down: map[uint16]bool{}} }

var errFake = errors.New("fake keyboard failure")

func (k *fakeKeyboard) Press(codes []uint16) error { return k.send(codes, true) }

func (k *fakeKeyboard) Release(codes []uint16) error { return k.send(codes, false) }

func (k *fakeKeyboard) send(codes []uint16, down bool) error {
	k.calls++
	if len(codes) == 0 {
		k.problems = append(k.problems, "empty call")
	}
	if k.fail != nil && k.fail() {
		return errFake
	}
	for _, c := range codes {
		if k.down[c] == down && k.fail == nil { // a flaky keyboard repeats on purpose
			k.problems = append(k.problems, fmt.Sprintf("key %d down=%v twice", c, down))
		}
		k.down[c] = down
		if !down {
			delete(k.down, c)
		}
		k.log = append(k.log, keyEvent{c, down})
	}
	return nil
}

func (k *fakeKeyboard) take() []keyEvent {
	l := slices.Clone(k.log)
	k.log = k.log[:0]
	return l
}

func testTime(ms int) time.Time {
	return time.Unix(1700000000, 0).Add(time.Duration(ms) * time.Millisecond)
}

func imagePt(x int) image.Point { return image.Pt(x, x/5) }
