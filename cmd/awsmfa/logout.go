package main

import (
	"fmt"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var logoutCmd = &command{
	name:    "logout",
	summary: "remove the session from [P] (or from every profile)",
	usage:   "awsmfa [--profile P] logout [--all]",
	help:    logoutHelp,
	flags:   []flagSpec{{name: "all"}},
	run:     runLogout,
}

func runLogout(a *app, g globals, args []string) error {
	var all bool
	f := cmdFlags{bools: map[string]*bool{"all": &all}}
	if _, err := f.parse("logout", &g, args); err != nil {
		return err
	}
	if all && g.profileExplicit {
		return usagef("logout", "--all logs out of every profile; leave out --profile")
	}
	m := a.manager()
	if all {
		names, err := m.LogoutAll()
		// Report what was removed even when a later profile failed.
		for _, n := range names {
			fmt.Fprintf(a.stdout, "Logged out %s\n", n)
		}
		if len(names) > 0 {
			fmt.Fprintln(a.stdout, session.RevocationNote)
		}
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Fprintln(a.stdout, "No MFA sessions to log out of")
		}
		return nil
	}
	name := g.profileName()
	removed, err := m.Logout(name)
	if err != nil {
		return err
	}
	if !removed {
		fmt.Fprintf(a.stdout, "No session for %s; nothing to log out\n", name)
		return nil
	}
	fmt.Fprintf(a.stdout, "Logged out %s\n%s\n", name, session.RevocationNote)
	return nil
}
