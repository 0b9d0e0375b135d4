// Package config reads tiny-dfr configuration files: the schema and its
// defaults, the per-key merge of the base and user files, validation with
// file:line:col diagnostics, and the key names an Action may use.
package config
