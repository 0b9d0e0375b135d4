// Package watch tells when configuration files change: it watches each
// file's directory with inotify, so that editors that write a new file and
// rename it over the old one are seen, follows symlinks on the way (their
// chain is resolved again after every change), and debounces bursts of
// events into one signal.
package watch
