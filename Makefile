# tiny-dfr: build, test, install.
#   make                          build ./tiny-dfr (static, CGO_ENABLED=0)
#   make test                     go test ./...
#   make install PREFIX=/usr DESTDIR=/tmp/pkg
#
# The daemon reads its shipped config from /usr/share/tiny-dfr: keep
# PREFIX=/usr (the default) for a working install.

PREFIX     ?= /usr
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
UNITDIR    ?= $(PREFIX)/lib/systemd/system
UDEVDIR    ?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
CGO_ENABLED ?= 0
GO         ?= go
GOFLAGS    ?= -trimpath
INSTALL    ?= install

.PHONY: all build test vet install uninstall clean

all: build

build:
	CGO_ENABLED=$(CGO_ENABLED) $(GO) build $(GOFLAGS) -o tiny-dfr ./cmd/tiny-dfr

test:
	$(GO) test ./...

vet:
	$(GO) vet ./...
	GOARCH=arm64 $(GO) vet ./...

install: build
	$(INSTALL) -Dm755 tiny-dfr $(DESTDIR)$(BINDIR)/tiny-dfr
	$(INSTALL) -Dm644 internal/assets/config.toml $(DESTDIR)$(DATADIR)/tiny-dfr/config.toml
	$(INSTALL) -d $(DESTDIR)$(UNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' share/systemd/tiny-dfr.service > $(DESTDIR)$(UNITDIR)/tiny-dfr.service
	chmod 644 $(DESTDIR)$(UNITDIR)/tiny-dfr.service
	$(INSTALL) -m644 share/systemd/tiny-dfr-backlight@.service $(DESTDIR)$(UNITDIR)/tiny-dfr-backlight@.service
	$(INSTALL) -Dm644 share/udev/72-tiny-dfr.rules $(DESTDIR)$(UDEVDIR)/72-tiny-dfr.rules
	$(INSTALL) -Dm644 share/sysusers.d/tiny-dfr.conf $(DESTDIR)$(SYSUSERSDIR)/tiny-dfr.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tiny-dfr $(DESTDIR)$(DATADIR)/tiny-dfr/config.toml \
		$(DESTDIR)$(UNITDIR)/tiny-dfr.service $(DESTDIR)$(UNITDIR)/tiny-dfr-backlight@.service $(DESTDIR)$(UDEVDIR)/72-tiny-dfr.rules \
		$(DESTDIR)$(SYSUSERSDIR)/tiny-dfr.conf
	-rmdir $(DESTDIR)$(DATADIR)/tiny-dfr

clean:
	rm -f tiny-dfr
