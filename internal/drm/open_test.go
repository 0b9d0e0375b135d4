package drm

import (
	"errors"
	"io/fs"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func TestOpenAtomic(t *testing.T) {
	t.Parallel()
	c := portrait(60, 2008)
	k := newFakeKernel(t, map[string]*fakeCard{"card0": c})
	d, err := Open(k.options())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if l, h := d.Size(); l != 2008 || h != 60 {
		t.Errorf("Size() = %d, %d; want 2008, 60", l, h)
	}
	if m := d.Mode(); m.Width != 60 || m.Height != 2008 || m.Refresh != 60 || m.Name != "60x2008" {
		t.Errorf("Mode() = %+v", m)
	}
	if d.Card() != k.dir+"/card0" {
		t.Errorf("Card() = %q", d.Card())
	}
	if !d.Atomic() || len(c.commits) != 1 || len(c.setCRTCs) != 0 {
		t.Fatalf("atomic %v, %d commits, %d setcrtcs; want one atomic commit", d.Atomic(), len(c.commits), len(c.setCRTCs))
	}
	cm := c.commits[0]
	if cm.flags != modeAtomicAllowModeset {
		t.Errorf("commit flags %#x, want ALLOW_MODESET", cm.flags)
	}
	p := fakePropID
	want := map[uint32]map[uint32]uint64{
		fakeConnector: {p("CRTC_ID"): fakeCRTC},
		fakeCRTC:      {p("MODE_ID"): cm.objs[fakeCRTC][p("MODE_ID")], p("ACTIVE"): 1},
		fakePlane: {p("FB_ID"): fakeFB, p("CRTC_ID"): fakeCRTC, p("SRC_X"): 0, p("SRC_Y"): 0,
			p("SRC_W"): 60 << 16, p("SRC_H"): 2008 << 16, p("CRTC_X"): 0, p("CRTC_Y"): 0, p("CRTC_W"): 60, p("CRTC_H"): 2008},
	}
	if len(cm.objs) != len(want) {
		t.Errorf("commit objects %v, want %v", cm.objs, want)
	}
	for obj, props := range want {
		for id, v := range props {
			if got, ok := cm.objs[obj][id]; !ok || got != v {
				t.Errorf("commit object %d property %d = %d (set %v), want %d", obj, id, got, ok, v)
			}
		}
	}
	if cm.objs[fakeCRTC][p("MODE_ID")] == 0 {
		t.Error("commit without a MODE_ID blob")
	}
	if len(c.blobs) != 0 {
		t.Errorf("mode blob not destroyed after the commit: %v", c.blobs)
	}
	if d.width != 64 || d.height != 2008 || d.pitch != 256 || len(d.buf) != 256*2008 {
		t.Errorf("buffer %dx%d pitch %d, %d bytes; want 64x2008 pitch 256", d.width, d.height, d.pitch, len(d.buf))
	}
}

func TestOpenLegacyFallback(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]*fakeCard{
		"atomic refused": {modes: []modeInfo{mode(60, 2170, modeTypePreferred)}, fail: map[uint]error{ioctlModeAtomic: unix.EINVAL}},
		"no atomic cap":  {modes: []modeInfo{mode(60, 2170, modeTypePreferred)}, noAtomic: true},
		"no plane props": {modes: []modeInfo{mode(60, 2170, modeTypePreferred)}, fail: map[uint]error{ioctlModeObjGetProps: unix.EINVAL}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			k := newFakeKernel(t, map[string]*fakeCard{"card0": c})
			d, err := Open(k.options())
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if d.Atomic() || len(c.setCRTCs) != 1 {
				t.Fatalf("atomic %v, %d setcrtcs; want the legacy path", d.Atomic(), len(c.setCRTCs))
			}
			s := c.setCRTCs[0]
			if s.crtc_id != fakeCRTC || s.fb_id != fakeFB || s.mode_valid != 1 || s.mode.hdisplay != 60 || s.mode.vdisplay != 2170 {
				t.Errorf("setcrtc crtc %d fb %d valid %d mode %dx%d", s.crtc_id, s.fb_id, s.mode_valid, s.mode.hdisplay, s.mode.vdisplay)
			}
			if len(c.blobs) != 0 {
				t.Errorf("mode blob left behind: %v", c.blobs)
			}
		})
	}
}

func TestOpenPicksMode(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		modes []modeInfo
		ok    bool
	}{
		"preferred portrait":      {[]modeInfo{mode(1024, 768, 0), mode(60, 2008, modeTypePreferred)}, true},
		"first portrait":          {[]modeInfo{mode(60, 2008, 0), mode(1024, 768, 0)}, true},
		"preferred landscape":     {[]modeInfo{mode(60, 2008, 0), mode(1024, 768, modeTypePreferred)}, false},
		"ratio just below 30":     {[]modeInfo{mode(60, 1799, modeTypePreferred)}, false},
		"ratio 30":                {[]modeInfo{mode(60, 1800, modeTypePreferred)}, true},
		"no modes":                {nil, false},
		"zero width (never a /0)": {[]modeInfo{mode(0, 2008, modeTypePreferred)}, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := &fakeCard{modes: tc.modes}
			k := newFakeKernel(t, map[string]*fakeCard{"card0": c})
			d, err := Open(k.options())
			if tc.ok != (err == nil) {
				t.Fatalf("Open: %v, want success %v", err, tc.ok)
			}
			if err != nil {
				if !errors.Is(err, ErrNotTouchBar) {
					t.Errorf("error %v is not ErrNotTouchBar", err)
				}
				return
			}
			defer d.Close()
			if _, h := d.Size(); h != 60 {
				t.Errorf("bar height %d, want 60", h)
			}
		})
	}
}

func TestOpenSkipsCards(t *testing.T) {
	t.Parallel()
	gpu := portrait(1920, 1080)
	busy := portrait(60, 2008)
	busy.busy = true
	off := portrait(60, 2008)
	off.disconnected = true
	bar := portrait(60, 2170)
	k := newFakeKernel(t, map[string]*fakeCard{"card0": gpu, "card1": busy, "card2": off, "card10": bar, "renderD128": portrait(60, 2008)})
	d, err := Open(k.options())
	if err != nil {
		t.Fatal(err)
	}
	if d.Card() != k.dir+"/card10" {
		t.Errorf("opened %s, want card10", d.Card())
	}
	for name, c := range map[string]*fakeCard{"card0": gpu, "card1": busy, "card2": off} {
		if h := c.held(); len(h) > 0 {
			t.Errorf("skipped %s still holds %v", name, h)
		}
	}
	d.Close()

	// Without the Touch Bar every card gives its reason.
	delete(k.cards, "card10")
	_, err = Open(Options{Dir: k.dir, sys: k.sys()})
	var nc *NoCardError
	if !errors.As(err, &nc) {
		t.Fatalf("Open: %v, want a *NoCardError", err)
	}
	var names []string
	for _, c := range nc.Cards {
		names = append(names, c.Card)
	}
	if !slices.Equal(names, []string{"card0", "card1", "card2", "card10"}) {
		t.Errorf("reasons for %v, want card0, card1, card2, card10", names)
	}
	if !errors.Is(nc.Cards[0], ErrNotTouchBar) || !errors.Is(nc.Cards[1], ErrBusy) || !errors.Is(nc.Cards[1], unix.EBUSY) ||
		!errors.Is(nc.Cards[2], ErrNotTouchBar) || !errors.Is(nc.Cards[3], unix.ENOENT) {
		t.Errorf("reasons: %v", err)
	}
	if !errors.Is(err, ErrBusy) {
		t.Error("errors.Is(NoCardError, ErrBusy) = false")
	}
	if k.openFDs() != 0 {
		t.Errorf("%d fds left open", k.openFDs())
	}
}

func TestOpenNoCards(t *testing.T) {
	t.Parallel()
	k := newFakeKernel(t, map[string]*fakeCard{})
	_, err := Open(k.options())
	var nc *NoCardError
	if !errors.As(err, &nc) || len(nc.Cards) != 0 || nc.Err != nil {
		t.Errorf("empty dir: %v", err)
	}
	_, err = Open(Options{Dir: k.dir + "/missing", sys: k.sys()})
	if !errors.As(err, &nc) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: %v, want a *NoCardError wrapping fs.ErrNotExist", err)
	}
}

// TestOpenFaults fails each ioctl of the open sequence in turn: Open either
// fails or falls back, and a failed card holds nothing afterwards.
func TestOpenFaults(t *testing.T) {
	t.Parallel()
	reqs := map[string]uint{
		"open": 0, "SET_MASTER": ioctlSetMaster, "GETRESOURCES": ioctlModeGetResources,
		"GETCONNECTOR": ioctlModeGetConnector, "GETENCODER": ioctlModeGetEncoder,
		"GETPLANERESOURCES": ioctlModeGetPlaneRes, "GETPLANE": ioctlModeGetPlane,
		"OBJ_GETPROPERTIES": ioctlModeObjGetProps, "GETPROPERTY": ioctlModeGetProperty,
		"CREATEPROPBLOB": ioctlModeCreatePropBlob, "ATOMIC": ioctlModeAtomic, "SETCRTC": ioctlModeSetCRTC,
		"CREATE_DUMB": ioctlModeCreateDumb, "MAP_DUMB": ioctlModeMapDumb, "ADDFB2": ioctlModeAddFB2,
	}
	for name, req := range reqs {
		for _, errno := range []unix.Errno{unix.EINVAL, unix.ENODEV} {
			t.Run(name+"/"+errno.Error(), func(t *testing.T) {
				t.Parallel()
				c := portrait(60, 2008)
				c.fail = map[uint]error{req: errno}
				k := newFakeKernel(t, map[string]*fakeCard{"card0": c})
				d, err := Open(k.options())
				if err == nil {
					// Only steps with a fallback may fail: one modeset happened.
					d.Close()
					if len(c.setCRTCs)+len(c.commits) != 1 {
						t.Errorf("Open succeeded with %d setcrtcs and %d commits", len(c.setCRTCs), len(c.commits))
					}
				} else if !errors.Is(err, errno) {
					t.Errorf("Open: %v, want errno %v in the chain", err, errno)
				}
				if h := c.held(); len(h) > 0 {
					t.Errorf("card still holds %v", h)
				}
			})
		}
	}
}

// TestOpenPicksCRTC: the CRTC the encoder drives now, else the first one it
// can drive; the commit goes to that CRTC.
func TestOpenPicksCRTC(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		possible, bound, want uint32
	}{
		"first possible":  {possible: 0b110, want: 42},
		"bound":           {possible: 0b111, bound: 43, want: 43},
		"only one usable": {possible: 0b001, want: 41},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := portrait(60, 2008)
			c.crtcs, c.possible, c.bound = []uint32{41, 42, 43}, tc.possible, tc.bound
			d, _ := openFake(t, c)
			if d.crtcID != tc.want || len(c.commits) != 1 {
				t.Fatalf("crtc %d with %d commits, want %d", d.crtcID, len(c.commits), tc.want)
			}
			if got := c.commits[0].objs[fakeConnector][fakePropID("CRTC_ID")]; got != uint64(tc.want) {
				t.Errorf("connector CRTC_ID = %d, want %d", got, tc.want)
			}
			if got := c.commits[0].objs[fakePlane][fakePropID("CRTC_ID")]; got != uint64(tc.want) {
				t.Errorf("plane CRTC_ID = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestOpenCountsNeverSettle: a connector whose mode count grows on every
// call makes Open fail (EAGAIN), not loop.
func TestOpenCountsNeverSettle(t *testing.T) {
	t.Parallel()
	c := portrait(60, 2008)
	c.growing = true
	k := newFakeKernel(t, map[string]*fakeCard{"card0": c})
	_, err := Open(k.options())
	if !errors.Is(err, unix.EAGAIN) {
		t.Errorf("Open = %v, want EAGAIN", err)
	}
	if h := c.held(); len(h) > 0 {
		t.Errorf("card still holds %v", h)
	}
}

// Dev gives the card node's device number (what the card's uevents carry
// in MAJOR and MINOR), so the daemon reacts only to its own card's events.
func TestDevNumber(t *testing.T) {
	t.Parallel()
	k := newFakeKernel(t, map[string]*fakeCard{"card1": portrait(60, 2008)})
	opts := k.options()
	d, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := d.Dev(); ok {
		t.Error("Dev known without fstat")
	}
	d.Close()
	opts.sys.fstat = func(fd int) (uint64, error) { return unix.Mkdev(226, 1), nil }
	if d, err = Open(opts); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if maj, mnr, ok := d.Dev(); !ok || maj != 226 || mnr != 1 {
		t.Errorf("Dev() = %d:%d %v, want 226:1", maj, mnr, ok)
	}
}
