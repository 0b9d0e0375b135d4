// Package assets holds what tiny-dfr embeds: the default configuration, the
// Material icons for the default layers and the battery (with their licence),
// and the fallback font.
package assets
