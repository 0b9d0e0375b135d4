package daemon

import (
	"testing"

	"tiny-dfr/internal/uevent"
)

// The display Run hands the loop is wrapped to report READY=1; the wrapper
// must still say which card it is, or every card's removal (an eGPU, a
// dock) would close the Touch Bar.
func TestReadyDisplayKeepsCardIdentity(t *testing.T) {
	d := newFakeDisplay()
	d.dev = [2]uint32{226, 0}
	d.card = "/dev/dri/card0"
	c := &core{disp: readyDisplay{Display: d, st: &status{}}}
	foreign := uevent.Event{Action: "remove", Subsystem: "drm", DevPath: "/devices/pci0000:00/0000:00:03.0/drm/card1",
		Env: map[string]string{"MAJOR": "226", "MINOR": "1"}}
	own := uevent.Event{Action: "remove", Subsystem: "drm", DevPath: "/devices/platform/drm/card0",
		Env: map[string]string{"MAJOR": "226", "MINOR": "0"}}
	if c.ownCard(foreign) {
		t.Errorf("card1 (226:1) taken for the wrapped display's own card (226:0)")
	}
	if !c.ownCard(own) {
		t.Errorf("card0 (226:0) not recognised as the wrapped display's card")
	}
	d.dev = [2]uint32{}
	if c.ownCard(foreign) {
		t.Errorf("by name: card1 taken for the wrapped display's card0")
	}
}
