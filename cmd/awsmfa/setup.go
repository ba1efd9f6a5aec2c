package main

import (
	"fmt"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var setupCmd = &command{
	name:  "setup",
	usage: "awsmfa [--profile P] setup [--serial ARN]",
	run:   runSetup,
}

func runSetup(a *app, g globals, args []string) error {
	var serial string
	f := cmdFlags{strs: map[string]*string{"serial": &serial}, seen: map[string]bool{}}
	if _, err := f.parse("setup", &g, args); err != nil {
		return err
	}
	if f.seen["serial"] && serial == "" {
		return usagef("setup", "--serial needs the ARN of the MFA device")
	}
	name := g.profileName()
	if serial == "" {
		if _, err := a.terminal(); err != nil {
			return fmt.Errorf("no terminal to ask for the MFA device ARN on: pass --serial")
		}
		ans, err := a.ask(fmt.Sprintf("MFA device ARN for %s (arn:aws:iam::ACCOUNT:mfa/NAME): ", name))
		if err != nil {
			return err
		}
		if ans == "" {
			return session.ErrCanceled
		}
		serial = ans
	}
	m := newManager()
	if err := m.Setup(name, serial); err != nil {
		return err
	}
	cfg, creds := m.Paths()
	fmt.Fprintf(a.stdout, "Moved the long-term keys of [%s] to [%sPerm] in %s\n", name, name, creds)
	fmt.Fprintf(a.stdout, "Recorded mfa_serial = %s for %s in %s\n", serial, name, cfg)
	fmt.Fprintf(a.stdout, "Log in with: awsmfa --profile %s login\n", name)
	return nil
}
