// Package man holds the sources of tiny-dfr's man pages, tiny-dfr(1) and
// tiny-dfr.toml(5), as Markdown, and the pages rendered from them (which
// `make install` installs). Edit the .md files and run `go generate ./man`
// (or `make man`); cmd/tiny-dfr's TestManPages fails when a flag, command
// or config key is missing from a page. No Go code: the package exists for
// the go:generate line, so that CI's `go generate ./... && git diff
// --exit-code` catches a page not regenerated.
package man

//go:generate sh gen.sh
