package daemon

import (
	"crypto/sha256"
	"fmt"
	"image"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiny-dfr/internal/vmtest"
)

// Guest end to end: the real daemon binary in the QEMU guest, driven through
// fake devices (guest_test.go); the host takes the screenshots.

// Groups of the guest; the guest test gives the device nodes these gids,
// as udev would.
const (
	guestInputGID = 101
	guestVideoGID = 44
)

// TestDaemonVM runs the scenario (guest_test.go) on a 2008 px bar and on
// a 2170 px one (esc in front of each row), device nodes root-only.
func TestDaemonVM(t *testing.T) {
	if testing.Short() {
		t.Skip("guest run in -short mode")
	}
	for _, length := range []int{2008, 2170} {
		t.Run(fmt.Sprint(length), func(t *testing.T) { daemonVM(t, length) })
	}
}

func daemonVM(t *testing.T, length int) {
	// At 2008 the system has the daemon's own user (the sysusers file was
	// installed); at 2170 it has only nobody, the fallback.
	passwd := "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
	group := fmt.Sprintf("root:x:0:\nvideo:x:%d:\ninput:x:%d:\nnogroup:x:65534:\n", guestVideoGID, guestInputGID)
	uid := 65534
	if length == 2008 {
		uid = vmtest.GuestUserID
		passwd += fmt.Sprintf("tiny-dfr:x:%d:%d:tiny-dfr Touch Bar daemon:/:/bin/false\n", uid, uid)
		group += fmt.Sprintf("tiny-dfr:x:%d:\n", uid)
	}
	res := vmtest.Run(t, vmtest.Config{
		YRes:     length,
		Env:      map[string]string{"DAEMON_BAR_LENGTH": fmt.Sprint(length), "DAEMON_UID": fmt.Sprint(uid)},
		Packages: []string{"."},
		Run:      "^TestVM(Daemon|Doctor)$",
		Binaries: map[string]string{"/bin/tiny-dfr": "tiny-dfr/cmd/tiny-dfr"},
		Files: map[string][]byte{
			"/etc/passwd": []byte(passwd),
			"/etc/group":  []byte(group),
		},
		// Keep fbcon off the display: the bar is the daemon's alone.
		ModuleParams: map[string]string{"drm_kms_helper": "fbdev_emulation=0"},
		Timeout:      4 * time.Minute,
		OnAsk:        answerScreen,
	})
	if res == nil {
		return
	}
	logMeasures(t, res)
	t.Logf("guest boot %v, whole run %v", res.Boot, res.Total)
}

// logMeasures logs the guest's MEASURE lines.
func logMeasures(t *testing.T, res *vmtest.Result) {
	t.Helper()
	for _, l := range res.Console {
		if strings.Contains(l, "MEASURE") {
			t.Log(strings.TrimSpace(l))
		}
	}
}

// answerScreen answers the guest's AskHost: "screen" with the summary of
// a screendump (describeScreen), "png NAME" by saving one into
// $DAEMON_VM_SHOTS (when set).
func answerScreen(g *vmtest.Guest, req string) string {
	if name, ok := strings.CutPrefix(req, "png "); ok {
		if dir := os.Getenv("DAEMON_VM_SHOTS"); dir != "" {
			img, err := g.Screendump()
			if err != nil {
				return "error " + err.Error()
			}
			f, err := os.Create(filepath.Join(dir, name+".png"))
			if err != nil {
				return "error " + err.Error()
			}
			defer f.Close()
			png.Encode(f, img)
		}
		return "ok"
	}
	if req != "screen" {
		return "error: unknown request " + req
	}
	img, err := g.Screendump()
	if err != nil {
		return "error " + err.Error()
	}
	return describeScreen(img)
}

// describeScreen summarises a portrait screendump of the bar: how many
// buttons a row near the top edge crosses (text and icons stay below it),
// whether any pixel is red (the error banner), whether any is lit at all,
// and a hash to compare pictures.
func describeScreen(img *image.RGBA) string {
	b := img.Bounds()
	// Landscape bar row y is panel column (width−1−y); row 5 of 64.
	col := b.Dx() - 1 - 5
	runs, in, red, lit := 0, false, 0, 0
	for row := 0; row < b.Dy(); row++ {
		r, g, bl, _ := img.At(b.Min.X+col, b.Min.Y+row).RGBA()
		on := r|g|bl != 0
		if on && !in {
			runs++
		}
		in = on
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 > 0x90 && g>>8 < 0x50 && bl>>8 < 0x50 {
				red++
			}
			if r|g|bl != 0 {
				lit++
			}
		}
	}
	sum := sha256.Sum256(img.Pix)
	return fmt.Sprintf("runs=%d red=%d lit=%d hash=%x", runs, red, lit, sum[:6])
}

// barGuest runs the guest test named run (a ^run$ pattern) with the real
// daemon as /bin/tiny-dfr on a 2008 px bar, dropping to nobody, beside the
// desktop users alice (1000) and bob (1001); files and host add to what the
// guest gets. It logs the guest's MEASURE lines and wants it to exit 0.
func barGuest(t *testing.T, run string, files map[string][]byte, host map[string]string) {
	t.Helper()
	all := map[string][]byte{
		"/etc/passwd": []byte("root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/tmp:/bin/sh\nbob:x:1001:1001:Bob:/tmp:/bin/sh\n" +
			"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
		"/etc/group": []byte(fmt.Sprintf("root:x:0:\nvideo:x:%d:\ninput:x:%d:\nalice:x:1000:\nbob:x:1001:\nnogroup:x:65534:\n",
			guestVideoGID, guestInputGID)),
	}
	maps.Copy(all, files)
	res := vmtest.Run(t, vmtest.Config{
		YRes:         2008,
		Env:          map[string]string{"DAEMON_BAR_LENGTH": "2008", "DAEMON_UID": "65534"},
		Packages:     []string{"."},
		Run:          "^" + run + "$",
		Binaries:     map[string]string{"/bin/tiny-dfr": "tiny-dfr/cmd/tiny-dfr"},
		Files:        all,
		HostFiles:    host,
		ModuleParams: map[string]string{"drm_kms_helper": "fbdev_emulation=0"},
		Timeout:      4 * time.Minute,
		OnAsk:        answerScreen,
	})
	if res == nil {
		return
	}
	logMeasures(t, res)
	if len(res.ExitCodes) != 1 || res.ExitCodes[0] != 0 {
		t.Errorf("guest exit codes %v\n%s", res.ExitCodes, strings.Join(res.Console, "\n"))
	}
}
