package daemon

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"testing"
	"time"

	"tiny-dfr/internal/vmtest"
)

// Guest end to end against hostile files and foreign devices: the real
// binary, device nodes root-only, a second (landscape) DRM card that the
// guest enumerates first, a stand-in fc-match. The guest half is
// guest_hostile_test.go.

// hostileIconDir is where the guest's daemon looks for icons first.
const hostileIconDir = "/etc/tiny-dfr"

func TestDaemonVMHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("guest run in -short mode")
	}
	res := vmtest.Run(t, vmtest.Config{
		ExtraGPUs: 1,
		Env:       map[string]string{"DAEMON_BAR_LENGTH": "2008"},
		Packages:  []string{"."},
		Run:       "^TestVMHostile$",
		Binaries: map[string]string{
			"/bin/tiny-dfr": "tiny-dfr/cmd/tiny-dfr",
			"/bin/fc-match": "tiny-dfr/internal/daemon/testdata/fcmatch",
		},
		Files: map[string][]byte{
			"/etc/passwd": []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
			"/etc/group": []byte(fmt.Sprintf("root:x:0:\nvideo:x:%d:\ninput:x:%d:\nnogroup:x:65534:\n",
				guestVideoGID, guestInputGID)),
			// PNG icons made here (encoding 16 Mpx under TCG would take
			// long): one over the pixel limit, one just under it.
			hostileIconDir + "/hbig.png": gradientPNG(t, 4096, 4096),
			hostileIconDir + "/hmid.png": gradientPNG(t, 2000, 2000),
		},
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

// gradientPNG is a w×h PNG that does not compress to nothing.
func gradientPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x), uint8(y), uint8(x^y), 255
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
