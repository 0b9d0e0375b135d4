#!/bin/sh
# Renders the man pages from their Markdown sources with go-md2man (run by
# `go generate ./man` and `make man`; the rendered pages are committed, so
# building and installing need neither Go tools nor network). Hyphens in
# text become \- (minus signs: flags and paths copy and paste right and do
# not break across lines); requests (lines starting with . or ') are kept.
set -eu
cd "$(dirname "$0")"
GO=${GO:-go}
for src in tiny-dfr.1.md tiny-dfr.toml.5.md; do
	out=${src%.md}
	GOFLAGS= "$GO" run github.com/cpuguy83/go-md2man/v2@v2.0.7 -in "$src" -out "$out.tmp"
	sed -e '/^[.'"'"']/!{
		s/\\-/-/g
		s/-/\\-/g
	}' "$out.tmp" >"$out"
	rm -f "$out.tmp"
done
