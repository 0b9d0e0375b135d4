package drm

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

func TestInspect(t *testing.T) {
	t.Parallel()
	gpu := &fakeCard{modes: []modeInfo{mode(1920, 1080, 0), mode(2560, 1600, modeTypePreferred)}}
	off := portrait(60, 2008)
	off.disconnected = true
	denied := portrait(60, 2170)
	denied.fail = map[uint]error{0: unix.EACCES}
	bar := portrait(60, 2008)
	k := newFakeKernel(t, map[string]*fakeCard{"card0": gpu, "card1": off, "card2": denied, "card3": bar})
	cards, err := inspect(k.dir, k.sys())
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 4 {
		t.Fatalf("%d cards, want 4", len(cards))
	}
	g := cards[0]
	if g.Card != k.dir+"/card0" || g.Err != nil || g.TouchBar() || len(g.Connectors) != 1 {
		t.Fatalf("card0: %+v", g)
	}
	if c := g.Connectors[0]; !c.Connected || len(c.Modes) != 2 || c.Preferred != 1 || c.Modes[1].Width != 2560 || c.Modes[1].Name != "2560x1600" || c.Type == "" {
		t.Errorf("card0 connector %+v", c)
	}
	if cards[1].TouchBar() || cards[1].Connectors[0].Connected {
		t.Errorf("a disconnected strip counted: %+v", cards[1])
	}
	if !errors.Is(cards[2].Err, unix.EACCES) {
		t.Errorf("card2 error %v, want EACCES", cards[2].Err)
	}
	if !cards[3].TouchBar() || cards[3].Connectors[0].Modes[0].Height != 2008 {
		t.Errorf("card3 not the Touch Bar: %+v", cards[3])
	}
	for name, c := range k.cards {
		if c.opened != 0 || len(c.held()) > 0 {
			t.Errorf("%s left open (%d fds, %v)", name, c.opened, c.held())
		}
		if len(c.setCRTCs) > 0 || len(c.commits) > 0 {
			t.Errorf("%s: a mode was set", name)
		}
	}
}
