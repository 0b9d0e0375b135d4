#!/usr/bin/env bash
# Builds every package from a clean export of the tree (tracked files, with
# uncommitted changes) and checks what each contains:
#   Debian  dpkg-buildpackage -b -us -uc, then lintian (no error)
#   RPM     rpmbuild -bb packaging/rpm/tiny-dfr.spec (--nodeps: this is not
#           an RPM system; Source0 + Source1 vendor tarball as Fedora does)
#   Arch    makepkg as an unprivileged user (--nodeps and PACMAN=true: no
#           pacman here, and makepkg insists on finding one)
#   Nix     nix-instantiate --parse on every .nix file
# The Go modules are vendored once ("go mod vendor" from the module cache)
# and every build runs offline (GOPROXY=off).
#
#   packaging/test.sh [deb|rpm|arch|nix]...     (default: all)
# Needs: dpkg-dev debhelper lintian rpm makepkg libarchive-tools fakeroot
# nix-bin (.ci/run installs them). Runs as root (makepkg as the user
# tiny-dfr-build, created when missing) or as a user (makepkg as that user).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
which=("$@")
[ ${#which[@]} -gt 0 ] || which=(deb rpm arch nix)
want() { local w; for w in "${which[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
step() { printf '\n== packaging: %s ==\n' "$*"; }
fail() { echo "packaging: $*" >&2; exit 1; }

version=$(sed -n 's/^Version:[[:space:]]*//p' packaging/rpm/tiny-dfr.spec)
[ -n "$version" ] || fail "no Version: in packaging/rpm/tiny-dfr.spec"
name=tiny-dfr-$version
work=$(mktemp -d /tmp/tiny-dfr-packaging.XXXXXX)
chmod 755 "$work"
keep=${KEEP:-}
trap '[ -n "$keep" ] || rm -rf "$work"' EXIT
echo "work directory: $work (KEEP=1 keeps it)"

# What every package must contain: everything "make install" installs
# (binary, base config, units, udev rules, sysusers file, man pages once
# the Makefile installs them), plus the licence.
check_contents() { # pkgkind listing-file licence-path
	local kind=$1 list=$2 lic=$3 f
	for f in "${must[@]}" "$lic"; do
		grep -qE "(^|[ /.])${f//./\\.}(\.gz|\.zst)?\$" "$list" || fail "$kind package lacks /$f"
	done
	echo "$kind: contents ok (${#must[@]} installed files and the licence)"
}

step "source and vendor tarballs"
src=$work/$name
mkdir -p "$src"
# The working tree as committed plus uncommitted changes to tracked files.
tree=$(git stash create 2>/dev/null || true)
git archive "${tree:-HEAD}" | tar -x -C "$src"
# Untracked packaging work in progress would be missed: say so.
git ls-files --others --exclude-standard -- debian packaging share Makefile | sed 's/^/untracked (not packaged): /'
(cd "$src" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod vendor)
tar -C "$work" --sort=name --owner=0 --group=0 -czf "$work/$name.tar.gz" --exclude="$name/vendor" "$name"
tar -C "$src" --sort=name --owner=0 --group=0 -czf "$work/$name-vendor.tar.gz" vendor
ls -l "$work"/*.tar.gz
# The reference install (offline, from vendor/).
(cd "$src" && GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-mod=vendor make install DESTDIR="$work/ref" PREFIX=/usr >/dev/null && make clean >/dev/null)
mapfile -t must < <(cd "$work/ref" && find . -type f | sed 's|^\./||' | sort)
printf 'make install: %s\n' "${must[@]}"
for f in usr/bin/tiny-dfr usr/share/tiny-dfr/config.toml usr/lib/systemd/system/tiny-dfr.service \
	usr/lib/udev/rules.d/72-tiny-dfr.rules usr/lib/sysusers.d/tiny-dfr.conf; do
	[ -f "$work/ref/$f" ] || fail "make install DESTDIR=... PREFIX=/usr does not install /$f"
done

export GOPROXY=off GOTOOLCHAIN=local GOFLAGS=

if want deb; then
	step "Debian: dpkg-buildpackage -b -us -uc"
	d=$work/deb/$name
	mkdir -p "$d"
	cp -a "$src/." "$d"
	(cd "$d" && dpkg-buildpackage -b -us -uc) >"$work/deb.log" 2>&1 || { tail -n 60 "$work/deb.log"; fail "dpkg-buildpackage failed"; }
	deb=$(ls "$work"/deb/tiny-dfr_*.deb)
	dpkg-deb -c "$deb" | awk '{print $NF}' >"$work/deb.list"
	check_contents deb "$work/deb.list" usr/share/doc/tiny-dfr/copyright
	lintian --fail-on error --tag-display-limit 0 "$work"/deb/tiny-dfr_*.changes | tee "$work/lintian.log" || fail "lintian reports errors"
	echo "lintian: $(grep -c '^E:' "$work/lintian.log" || true) errors, $(grep -c '^W:' "$work/lintian.log" || true) warnings"
fi

if want rpm; then
	step "RPM: rpmbuild -bb"
	r=$work/rpm
	mkdir -p "$r/SOURCES"
	cp "$work/$name.tar.gz" "$work/$name-vendor.tar.gz" "$r/SOURCES/"
	rpmbuild --define "_topdir $r" --nodeps -bb packaging/rpm/tiny-dfr.spec >"$work/rpm.log" 2>&1 || { tail -n 60 "$work/rpm.log"; fail "rpmbuild failed"; }
	rpm=$(ls "$r"/RPMS/*/tiny-dfr-"$version"-*.rpm)
	rpm -qlp "$rpm" >"$work/rpm.list"
	check_contents rpm "$work/rpm.list" usr/share/licenses/tiny-dfr/LICENSE
	rpm -qp --provides "$rpm" | grep -q 'bundled(golang(github.com/pelletier/go-toml/v2))' || fail "rpm lacks Provides: bundled(golang(...))"
	echo "rpm: $(basename "$rpm")"
fi

if want arch; then
	step "Arch: makepkg as an unprivileged user"
	a=$work/arch
	mkdir -p "$a"
	cp packaging/arch/PKGBUILD "$a/"
	cp "$work/$name.tar.gz" "$work/$name-vendor.tar.gz" "$a/"
	run=()
	if [ "$(id -u)" = 0 ]; then
		id tiny-dfr-build >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tiny-dfr-build
		chown -R tiny-dfr-build "$a"
		run=(runuser -u tiny-dfr-build --)
	fi
	(cd "$a" && "${run[@]}" env HOME="$a" PATH="$PATH" GOPROXY=off GOTOOLCHAIN=local \
		PACMAN=true PKGDEST="$a" SRCDEST="$a" BUILDDIR="$a/build" makepkg --nodeps --noconfirm --skipinteg) >"$work/arch.log" 2>&1 ||
		{ tail -n 60 "$work/arch.log"; fail "makepkg failed"; }
	pkg=$(ls "$a"/tiny-dfr-"$version"-*.pkg.tar.*)
	bsdtar -tf "$pkg" >"$work/arch.list"
	check_contents arch "$work/arch.list" usr/share/licenses/tiny-dfr/LICENSE
	echo "arch: $(basename "$pkg")"
fi

if want nix; then
	step "Nix: nix-instantiate --parse"
	for f in packaging/nix/*.nix; do
		nix-instantiate --parse "$f" >/dev/null || fail "$f does not parse"
		echo "nix: $f parses"
	done
	# buildGoModule's vendorHash is the NAR hash of "go mod vendor"'s tree.
	have=$(nix --extra-experimental-features nix-command hash path --type sha256 "$src/vendor")
	grep -q "vendorHash = \"$have\";" packaging/nix/package.nix ||
		fail "packaging/nix/package.nix: vendorHash is not $have (go.mod changed: put that one there)"
	echo "nix: vendorHash $have"
fi
echo
echo "packaging: all built (${which[*]})"
