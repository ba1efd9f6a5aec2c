package main

import "fmt"

var versionCmd = &command{
	name:  "version",
	usage: "awsmfa version",
	run: func(a *app, g globals, args []string) error {
		if _, err := (cmdFlags{}).parse("version", &g, args); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "awsmfa %s\n", version)
		return nil
	},
}
