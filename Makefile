# tiny-dfr: build, test, install.
#   make                          build ./tiny-dfr (static unless external linking is asked for)
#   make VERSION=1.2.3            the version --version prints (default: git describe, else 0.0.0-dev)
#   make test                     go test ./...
#   make install PREFIX=/usr DESTDIR=/tmp/pkg
#   make man                      regenerate man/*.[15] from man/*.md (needs network once: go-md2man)
#
# Knobs (command line or environment):
#   PREFIX (/usr), SYSCONFDIR (/etc), BINDIR, DATADIR, MANDIR, UNITDIR, UDEVDIR,
#   SYSUSERSDIR, DESTDIR: where things are installed. The daemon's default base
#   config $(DATADIR)/tiny-dfr/config.toml and user config
#   $(SYSCONFDIR)/tiny-dfr/config.toml are compiled in, so any PREFIX finds
#   its own files.
#   GOFLAGS: read by go itself (e.g. Arch's -buildmode=pie -trimpath
#   -mod=readonly -modcacherw -ldflags=-linkmode=external); an -ldflags= in it
#   is kept, added to ours.
#   LDFLAGS, EXTLDFLAGS: flags for the external (C) linker; when either is
#   set, or GOFLAGS asks for -linkmode=external, the binary is linked
#   externally with them and CGO_ENABLED defaults to 1. Otherwise
#   CGO_ENABLED defaults to 0 (a static binary).
#   GOBUILDFLAGS (-trimpath): more go build flags.

PREFIX      ?= /usr
SYSCONFDIR  ?= /etc
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
UNITDIR     ?= $(PREFIX)/lib/systemd/system
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
UDEVDIR     ?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
GO          ?= go
INSTALL     ?= install
GOBUILDFLAGS ?= -trimpath
MD2MAN      ?= $(GO) run github.com/cpuguy83/go-md2man/v2@v2.0.7

# The version: git describe of this tree (not of a repository the source
# tarball was unpacked in), a leading v dropped; else 0.0.0-dev.
ifeq ($(origin VERSION),undefined)
VERSION := $(shell if [ "$$(git -C '$(CURDIR)' rev-parse --show-toplevel 2>/dev/null)" = '$(CURDIR)' ]; then \
	git -C '$(CURDIR)' describe --tags --always --dirty 2>/dev/null | sed 's/^v\([0-9]\)/\1/'; fi)
ifeq ($(VERSION),)
VERSION := 0.0.0-dev
endif
endif

BASECONFIG := $(DATADIR)/tiny-dfr/config.toml
USERCONFIG := $(SYSCONFDIR)/tiny-dfr/config.toml

GO_LDFLAGS := -X main.version=$(VERSION) \
	-X tiny-dfr/internal/config.BasePath=$(BASECONFIG) \
	-X tiny-dfr/internal/config.UserPath=$(USERCONFIG) \
	$(patsubst -ldflags=%,%,$(filter -ldflags=%,$(GOFLAGS)))
EXTLD := $(strip $(LDFLAGS) $(EXTLDFLAGS))
ifneq ($(EXTLD)$(findstring linkmode=external,$(GOFLAGS)),)
CGO_ENABLED ?= 1
GO_LDFLAGS += -linkmode=external
ifneq ($(EXTLD),)
GO_LDFLAGS += -extldflags '$(EXTLD)'
endif
endif
CGO_ENABLED ?= 0
export CGO_ENABLED

MANPAGES := man/tiny-dfr.1 man/tiny-dfr.toml.5

.PHONY: all build man test vet install uninstall clean FORCE

all: build

build: tiny-dfr

# Rebuilt every time: go decides what is stale; the flags may have changed.
tiny-dfr: FORCE
	$(GO) build $(GOBUILDFLAGS) -ldflags "$(GO_LDFLAGS)" -o $@ ./cmd/tiny-dfr

man: $(MANPAGES)

man/%: man/%.md
	$(MD2MAN) -in $< -out $@

test:
	$(GO) test ./...

vet:
	$(GO) vet ./...
	GOARCH=arm64 $(GO) vet ./...

# Man pages name the default paths; an install elsewhere gets its own.
MANSED := sed -e 's|/usr/share/tiny\\-dfr/|$(subst -,\\-,$(DATADIR))/tiny\\-dfr/|g' \
	-e 's|/etc/tiny\\-dfr/|$(subst -,\\-,$(SYSCONFDIR))/tiny\\-dfr/|g'

install: build
	$(INSTALL) -Dm755 tiny-dfr $(DESTDIR)$(BINDIR)/tiny-dfr
	$(INSTALL) -Dm644 internal/assets/config.toml $(DESTDIR)$(BASECONFIG)
	$(INSTALL) -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	sed 's|@BINDIR@|$(BINDIR)|g' share/systemd/tiny-dfr.service > $(DESTDIR)$(UNITDIR)/tiny-dfr.service
	chmod 644 $(DESTDIR)$(UNITDIR)/tiny-dfr.service
	$(INSTALL) -m644 share/systemd/tiny-dfr-backlight@.service $(DESTDIR)$(UNITDIR)/tiny-dfr-backlight@.service
	$(INSTALL) -d $(DESTDIR)$(USERUNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' share/systemd/user/tiny-dfr-session.service > $(DESTDIR)$(USERUNITDIR)/tiny-dfr-session.service
	chmod 644 $(DESTDIR)$(USERUNITDIR)/tiny-dfr-session.service
	$(INSTALL) -Dm644 share/udev/72-tiny-dfr.rules $(DESTDIR)$(UDEVDIR)/72-tiny-dfr.rules
	$(INSTALL) -Dm644 share/sysusers.d/tiny-dfr.conf $(DESTDIR)$(SYSUSERSDIR)/tiny-dfr.conf
	$(MANSED) man/tiny-dfr.1 > $(DESTDIR)$(MANDIR)/man1/tiny-dfr.1
	$(MANSED) man/tiny-dfr.toml.5 > $(DESTDIR)$(MANDIR)/man5/tiny-dfr.toml.5
	chmod 644 $(DESTDIR)$(MANDIR)/man1/tiny-dfr.1 $(DESTDIR)$(MANDIR)/man5/tiny-dfr.toml.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tiny-dfr $(DESTDIR)$(BASECONFIG) \
		$(DESTDIR)$(UNITDIR)/tiny-dfr.service $(DESTDIR)$(UNITDIR)/tiny-dfr-backlight@.service \
		$(DESTDIR)$(USERUNITDIR)/tiny-dfr-session.service $(DESTDIR)$(UDEVDIR)/72-tiny-dfr.rules \
		$(DESTDIR)$(SYSUSERSDIR)/tiny-dfr.conf \
		$(DESTDIR)$(MANDIR)/man1/tiny-dfr.1 $(DESTDIR)$(MANDIR)/man5/tiny-dfr.toml.5
	-rmdir $(DESTDIR)$(DATADIR)/tiny-dfr

clean:
	rm -f tiny-dfr
