// Package safefile reads files a user names (configs, icons, fonts, theme
// indexes) without hanging or running out of memory: only regular files,
// opened non-blocking, and at most a stated number of bytes.
package safefile
