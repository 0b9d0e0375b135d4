package session

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"tiny-dfr/internal/config"
)

// The user unit and the daemon's runtime directory are part of the
// contract: check them.
func TestUnits(t *testing.T) {
	b, err := os.ReadFile("../../share/systemd/user/tiny-dfr-session.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ExecStart=@BINDIR@/tiny-dfr session", "WantedBy=graphical-session.target",
		"PartOf=graphical-session.target", "Restart=on-failure"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).MatchString(string(b)) {
			t.Errorf("user unit lacks %q", want)
		}
	}
	b, err = os.ReadFile("../../share/systemd/tiny-dfr.service")
	if err != nil {
		t.Fatal(err)
	}
	// ProtectSystem=strict: /run is read-only but for RuntimeDirectory.
	for _, want := range []string{"RuntimeDirectory=tiny-dfr", "RuntimeDirectoryMode=0755"} {
		if !strings.Contains(string(b), "\n"+want+"\n") {
			t.Errorf("daemon unit lacks %q", want)
		}
	}
	if DefaultDir != "/run/tiny-dfr" {
		t.Errorf("DefaultDir %q is not the unit's RuntimeDirectory", DefaultDir)
	}
	b, err = os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "share/systemd/user/tiny-dfr-session.service > $(DESTDIR)$(USERUNITDIR)/tiny-dfr-session.service") {
		t.Error("make install does not install the user unit")
	}
}

// What the config accepts the protocol carries.
func TestConfigBounds(t *testing.T) {
	if config.MaxCommandLen != MaxCommand || config.MinInterval != MinInterval || config.MaxInterval != MaxInterval {
		t.Fatal("config and protocol bounds differ")
	}
}
