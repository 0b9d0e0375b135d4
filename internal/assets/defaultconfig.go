package assets

import _ "embed"

// DefaultConfig is the documented base configuration template, installed as
// /usr/share/tiny-dfr/config.toml and used when that file is missing.
//
//go:embed config.toml
var DefaultConfig []byte
