package main

import (
	"errors"
	"fmt"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var setupCmd = &command{
	name:    "setup",
	summary: "make P an MFA profile, or repair one that cannot log in",
	usage:   "awsmfa [--profile P] setup [--serial ARN] [--yes] [--undo]",
	help:    setupHelp,
	flags:   []flagSpec{{name: "serial", arg: "ARN"}, {name: "yes"}, {name: "undo"}},
	run:     runSetup,
}

func runSetup(a *app, g globals, args []string) error {
	if done, err := setupRoleProfile(a, g, args); done {
		return err
	}
	var serial string
	f := cmdFlags{strs: map[string]*string{"serial": &serial}, seen: map[string]bool{}}
	if _, err := f.parse("setup", &g, args); err != nil {
		return err
	}
	if f.seen["serial"] {
		if serial == "" {
			return usagef("setup", "--serial needs the ARN of the MFA device")
		}
		if err := session.ValidateSerial(serial); err != nil {
			return usagef("setup", "--serial: %s", err.Error())
		}
	}
	name := g.profileName()
	m := a.manager()
	res, err := m.Setup(name, serial)
	if errors.Is(err, session.ErrSerialNeeded) && serial == "" {
		// Ask only when setup needs a device and the files have none.
		if serial, err = a.askSerial(name, err); err != nil {
			return err
		}
		res, err = m.Setup(name, serial)
	}
	for _, c := range res.Changes {
		fmt.Fprintln(a.stdout, c)
	}
	if err != nil {
		return err
	}
	if len(res.Changes) == 0 {
		fmt.Fprintf(a.stdout, "%s is set up already; nothing to change\n", name)
	}
	fmt.Fprintf(a.stdout, "Log in with: awsmfa --profile %s login\n", name)
	return nil
}

// askSerial asks for the MFA device ARN on the terminal, again after a
// mistyped one; without a terminal, need (which says to pass --serial) is
// the answer.
func (a *app) askSerial(name string, need error) (string, error) {
	t, err := a.terminal()
	if err != nil {
		return "", need
	}
	for try := 1; ; try++ {
		ans, err := a.ask(fmt.Sprintf("MFA device ARN for %s (%s): ", name, session.SerialTemplate))
		if err != nil {
			return "", err
		}
		if ans == "" {
			return "", session.ErrCanceled
		}
		err = session.ValidateSerial(ans)
		if err == nil {
			return ans, nil
		}
		if try == session.MaxCodeAttempts {
			return "", err
		}
		fmt.Fprintf(t, "%s\n", oneLine(err.Error()))
	}
}
