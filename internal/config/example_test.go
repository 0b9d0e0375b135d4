package config_test

import (
	"fmt"

	"tiny-dfr/internal/config"
)

func ExampleCheck() {
	src := `MediaLayerDefault = true
PrimaryLayerKeys = [
    { Text = "Lock", Action = [ "super_l", "L" ] },
    { Time = "24hr", Stretch = 0 },
]
Colour = "red"
`
	for _, d := range config.Check("/etc/tiny-dfr/config.toml", []byte(src)) {
		fmt.Println(d.Kind, d)
	}
	// Output:
	// unknown-action /etc/tiny-dfr/config.toml:3:33: PrimaryLayerKeys[0].Action: unknown key name "super_l" (did you mean "LeftMeta"?)
	// stretch-zero /etc/tiny-dfr/config.toml:4:32: warning: PrimaryLayerKeys[1].Stretch: 0 is read as 1
	// unknown-key /etc/tiny-dfr/config.toml:6:1: warning: unknown key "Colour", ignored
}
