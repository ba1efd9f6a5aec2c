package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// awsmfaProgram is how credential_process should name this program: plain
// "awsmfa" when that is what PATH finds, else its full path.
var awsmfaProgram = func() string {
	exe, err := os.Executable()
	if err != nil {
		return "awsmfa"
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	if p, err := exec.LookPath("awsmfa"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && sameFile(real, exe) {
			return "awsmfa"
		}
	}
	return exe
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// credProcessLine is the credential_process value for profile. The SDKs
// run it through the shell (aws-sdk-go-v2, the JS SDK) or split it like a
// shell (botocore), so one quoting serves all.
func credProcessLine(profile string) string {
	return cmdQuote(awsmfaProgram()) + " credential-process --profile " + cmdQuote(profile)
}

func cmdQuote(s string) string {
	safe := s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./@%+=:,-\\") == ""
	if runtime.GOOS == "windows" {
		if safe || !strings.ContainsAny(s, " \t&()^<>|\"") {
			return s
		}
		return `"` + s + `"`
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// setupRoleProfile is "awsmfa setup" for a role profile: it shows the one
// edit that hands the profile to credential_process and makes it with
// --yes or a yes on the terminal; --undo reverses it. done is false when
// the profile is not a role profile, for the plain setup to handle.
func setupRoleProfile(a *app, g globals, args []string) (done bool, err error) {
	var serial string
	var yes, undo bool
	f := cmdFlags{strs: map[string]*string{"serial": &serial}, bools: map[string]*bool{"yes": &yes, "undo": &undo}, seen: map[string]bool{}}
	if _, err := f.parse("setup", &g, args); err != nil {
		if yes || undo {
			return true, err
		}
		return false, nil // the plain setup reports it in its own words
	}
	name := g.profileName()
	m := a.manager()
	if _, err := m.RoleProfile(name); errors.Is(err, session.ErrNotRoleProfile) && !undo {
		if yes {
			return true, usagef("setup", "--yes is for role profiles, and %s has no role_arn", name)
		}
		return false, nil
	}
	if f.seen["serial"] {
		return true, usagef("setup", "--serial is for MFA profiles; %s is a role profile, which uses the device of its MFA profile", name)
	}
	var plan session.RoleSetup
	if undo {
		plan, err = m.PlanRoleUndo(name)
	} else {
		plan, err = m.PlanRoleSetup(name, credProcessLine(name))
	}
	if errors.Is(err, session.ErrAlreadySetUp) {
		fmt.Fprintf(a.stdout, "Nothing to change: %s\n", strings.TrimSuffix(err.Error(), ": "+session.ErrAlreadySetUp.Error()))
		return true, nil
	}
	if err != nil {
		return true, err
	}
	fmt.Fprintf(a.stdout, "In [%s] of %s:\n", plan.Section, plan.ConfigFile)
	for _, c := range plan.Changes {
		fmt.Fprintf(a.stdout, "  %s\n", c)
	}
	if !undo {
		fmt.Fprintf(a.stdout, "Every AWS tool then gets %s's credentials from awsmfa; nothing else in the file changes.\n", name)
	}
	if !yes {
		if _, err := a.terminal(); err != nil {
			fmt.Fprintln(a.stdout, "Run again with --yes to make this change.")
			return true, nil
		}
		ok, err := a.confirm("Make this change?")
		if err != nil {
			return true, err
		}
		if !ok {
			fmt.Fprintln(a.stdout, "Nothing changed.")
			return true, nil
		}
	}
	if err := m.ApplyRoleSetup(plan); err != nil {
		return true, err
	}
	if undo {
		fmt.Fprintf(a.stdout, "Done: %s assumes its role in the AWS tools again.\n", name)
	} else {
		fmt.Fprintf(a.stdout, "Done: try \"aws sts get-caller-identity --profile %s\". Undo with: awsmfa setup --profile %s --undo\n", name, name)
	}
	return true, nil
}
