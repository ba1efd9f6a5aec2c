package main

import (
	"fmt"

	"github.com/awsmfa-tray/awsmfa-tray/internal/buildinfo"
)

var versionCmd = &command{
	name:    "version",
	summary: "print the version",
	usage:   "awsmfa version",
	help:    versionHelp,
	run: func(a *app, g globals, args []string) error {
		if _, err := (cmdFlags{}).parse("version", &g, args); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "awsmfa %s\n", buildinfo.Version(version))
		return nil
	},
}
