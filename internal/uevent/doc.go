// Package uevent reads the kernel's device events (add, remove, change…)
// from a NETLINK_KOBJECT_UEVENT socket.
package uevent
