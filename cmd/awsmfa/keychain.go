package main

import (
	"bufio"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var keychainCmd = &command{
	name:    "keychain",
	summary: "keep long-term keys in the OS keychain (import, export, status)",
	usage:   "awsmfa [--profile P] keychain import|export|status",
	help:    keychainHelp,
	words:   []string{"import", "export", "status"},
	run:     runKeychain,
}

func runKeychain(a *app, g globals, args []string) error {
	if len(args) == 0 {
		return usagef("keychain", "keychain needs import, export or status")
	}
	verb, rest := args[0], args[1:]
	if verb == "-h" || verb == "--help" {
		return &helpRequest{cmd: "keychain"}
	}
	f := cmdFlags{}
	if _, err := f.parse("keychain", &g, rest); err != nil {
		return err
	}
	m := a.manager()
	name := g.profileName()
	switch verb {
	case "import":
		err := m.KeychainImport(a.ctx, name)
		if errors.Is(err, session.ErrInKeychain) {
			fmt.Fprintf(a.stdout, "The long-term keys of %s are already in the OS keychain\n", name)
			return nil
		}
		if err != nil {
			return err
		}
		_, creds := m.Paths()
		fmt.Fprintf(a.stdout, "Moved the long-term keys of %s into the OS keychain; %s now only says awsmfa_keychain = true for them\n", name, creds)
		return nil
	case "export":
		err := m.KeychainExport(a.ctx, name)
		if errors.Is(err, session.ErrNotInKeychain) {
			fmt.Fprintf(a.stdout, "The long-term keys of %s are not in the OS keychain; nothing to export\n", name)
			return nil
		}
		if err != nil {
			return err
		}
		_, creds := m.Paths()
		fmt.Fprintf(a.stdout, "Moved the long-term keys of %s from the OS keychain back into %s\n", name, creds)
		return nil
	case "status":
		locs, err := m.KeychainStatus(true)
		if err != nil {
			return err
		}
		if len(locs) == 0 {
			fmt.Fprintln(a.stdout, "No MFA profiles")
			return nil
		}
		out := bufio.NewWriter(a.stdout)
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PROFILE\tLONG-TERM\tKEYS IN\tPROBLEM")
		for _, l := range locs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Profile, l.LongTerm, l.Store, dash(problemText(l.Problem)))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		return out.Flush()
	}
	return usagef("keychain", "unknown keychain action %q: use import, export or status", verb)
}
