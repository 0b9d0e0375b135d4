package uevent

import (
	"bytes"
	"errors"
	"fmt"
)

// Event is one kernel uevent.
type Event struct {
	Action    string // "add", "remove", "change", "bind", "unbind", …
	DevPath   string // below /sys, e.g. "/devices/…/drm/card0"
	Subsystem string // "drm", "input", "backlight", "power_supply", …
	Env       map[string]string
}

// ErrFormat is returned by Parse for a message that is not a kernel uevent.
var ErrFormat = errors.New("uevent: malformed message")

// Parse decodes a kernel uevent message: "ACTION@DEVPATH\0KEY=VALUE\0…".
// Messages from udev ("libudev\0…") and other senders are rejected.
func Parse(b []byte) (Event, error) {
	head, rest, _ := bytes.Cut(b, []byte{0})
	action, devpath, ok := bytes.Cut(head, []byte{'@'})
	if !ok || len(action) == 0 || len(devpath) == 0 || devpath[0] != '/' {
		return Event{}, fmt.Errorf("%w: header %q", ErrFormat, truncate(head))
	}
	e := Event{Env: make(map[string]string, 8)}
	for len(rest) > 0 {
		var kv []byte
		kv, rest, _ = bytes.Cut(rest, []byte{0})
		if len(kv) == 0 {
			continue
		}
		k, v, ok := bytes.Cut(kv, []byte{'='})
		if !ok {
			continue // not a variable: skip, as udev does
		}
		e.Env[string(k)] = string(v)
	}
	e.Action = e.Env["ACTION"]
	if e.Action == "" {
		e.Action = string(action)
	}
	e.DevPath = e.Env["DEVPATH"]
	if e.DevPath == "" {
		e.DevPath = string(devpath)
	}
	e.Subsystem = e.Env["SUBSYSTEM"]
	return e, nil
}

func truncate(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}
