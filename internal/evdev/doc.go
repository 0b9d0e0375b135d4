// Package evdev reads Linux input devices (/dev/input/event*): their name,
// id and capabilities, multitouch slot state, switch state, and their
// stream of input events, on non-blocking fds served by the runtime poller.
package evdev
