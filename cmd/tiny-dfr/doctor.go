package main

import (
	"context"
	"io"

	"tiny-dfr/internal/config"
	"tiny-dfr/internal/doctor"
)

func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := doctor.Options{Version: version}
	fs := newFlags("doctor", "doctor [flags]  (a report to paste into a bug; safe as any user, fuller as root)", stderr)
	fs.StringVar(&o.UserConfig, "config", config.UserPath, "user config `file`")
	fs.StringVar(&o.BaseConfig, "base-config", config.BasePath, "shipped config `file`")
	fs.StringVar(&o.Dev, "dev", "/dev", "`dir` holding dri/, input/ and uinput")
	fs.StringVar(&o.Sys, "sys", "/sys", "sysfs `dir` (class/input, class/backlight, class/leds)")
	fs.StringVar(&o.Root, "root", "/", "`dir` whose etc/passwd and etc/group name the service user")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return doctor.Write(stdout, o)
}
