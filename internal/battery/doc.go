// Package battery reads the charge of the laptop's battery from
// /sys/class/power_supply (the root is a parameter, for tests).
package battery
