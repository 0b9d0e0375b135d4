package daemon

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The install files are part of the behaviour: check what the spec asks of
// them.
func TestSystemdUnit(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../share/systemd/tiny-dfr.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{
		"ExecStart=@BINDIR@/tiny-dfr\n", "Restart=always\n", "NoNewPrivileges=yes\n", "ProtectSystem=strict\n",
		"ProtectHome=yes\n", "PrivateTmp=yes\n", "PrivateIPC=yes\n", "ProtectKernelTunables=yes\n",
		"ProtectKernelModules=yes\n", "ProtectKernelLogs=yes\n", "ProtectControlGroups=yes\n",
		"RestrictAddressFamilies=AF_UNIX AF_NETLINK\n", "RestrictNamespaces=yes\n", "RestrictSUIDSGID=yes\n",
		"Type=notify\n", "NotifyAccess=main\n", "WatchdogSec=60s\n", "MemoryMax=128M\n",
	} {
		if !strings.Contains(unit, "\n"+want) {
			t.Errorf("unit lacks %q", strings.TrimSpace(want))
		}
	}
	for _, bad := range []string{"[Install]", "BindsTo=", "WantedBy="} {
		if regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(bad)).MatchString(unit) {
			t.Errorf("unit has %q", bad)
		}
	}
}

func TestUdevRules(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../share/udev/72-tiny-dfr.rules")
	if err != nil {
		t.Fatal(err)
	}
	var card, digitizer, t2 bool
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		switch {
		case strings.Contains(l, `SUBSYSTEM=="drm"`):
			card = strings.Contains(l, `DRIVERS=="adp|appletbdrm"`) && strings.Contains(l, `ENV{ID_SEAT}="seat-touchbar"`) &&
				strings.Contains(l, `TAG-="master-of-seat"`)
		case strings.Contains(l, `SYSTEMD_WANTS`):
			digitizer = strings.Contains(l, `ENV{SYSTEMD_WANTS}+="tiny-dfr.service"`) && strings.Contains(l, `ENV{ID_SEAT}="seat-touchbar"`) &&
				strings.Contains(l, "Apple Inc. Touch Bar Display Touchpad") && strings.Contains(l, "MacBookPro17,1 Touch Bar") &&
				strings.Contains(l, "Mac14,7 Touch Bar")
		case strings.Contains(l, `"8302"`):
			t2 = strings.Contains(l, `ATTR{idVendor}=="05ac"`) && strings.Contains(l, `ATTR{bConfigurationValue}="2"`)
		}
	}
	if !card || !digitizer || !t2 {
		t.Errorf("rules: card %v, digitizer+autostart %v, T2 configuration %v", card, digitizer, t2)
	}
}
