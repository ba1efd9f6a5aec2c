package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/localchan"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The command line users paste into their config; keep it stable.
var credProcessCmd = &command{
	name:    "credential-process",
	summary: "print a role profile's credentials for the AWS tools",
	usage:   "awsmfa credential-process --profile NAME",
	help:    credProcessHelp,
	run:     runCredProcess,
}

const credProcessHelp = `Usage: awsmfa credential-process --profile NAME

Print credentials for role profile NAME in the credential_process format
(JSON: Version 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration) and
nothing else on stdout. The AWS CLI, the SDKs and Terraform run it when the
profile's config says:

  credential_process = awsmfa credential-process --profile NAME

("awsmfa setup --profile NAME" writes that line for you.) The role is assumed
with the live session of its MFA profile, so no code is asked while that
session lasts; role credentials last an hour at most and are cached in your
cache folder while they have more than 15 minutes left. Without a live
session the running awsmfa-tray asks for the code, else the terminal does
(mfa_process, when the MFA profile has one, supplies it instead); with
neither, it fails and says which profile to log in to.

Options:
  --profile NAME   the role profile (required)
  -h, --help       show this help
`

// Bounds on waiting for a person: the whole command, and the tray's
// dialog. (aws-sdk-go-v2 itself gives up on a credential_process after a
// minute; the login still completes for the next call.)
var (
	credProcessTimeout = 5 * time.Minute
	trayLoginWait      = 3 * time.Minute
)

// credentialProcessOutput is the JSON the SDKs read; Version 1 is the only
// one defined.
type credentialProcessOutput struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

func runCredProcess(a *app, g globals, args []string) error {
	if _, err := (cmdFlags{}).parse("credential-process", &g, args); err != nil {
		return err
	}
	if !g.profileExplicit {
		return usagef("credential-process", "--profile NAME is required: the role profile whose credential_process this is")
	}
	ctx, cancel := context.WithTimeout(a.ctx, credProcessTimeout)
	defer cancel()
	m := a.manager()
	opts := session.RoleOptions{
		Delegate: trayLogin,
		Login: session.LoginOptions{
			Touch:  a.touchNotice,
			Stderr: a.stderr,
		},
	}
	if _, err := a.terminal(); err == nil {
		opts.Login.Prompt = a.prompter()
	}
	c, err := m.RoleCredentials(ctx, g.profile, opts)
	if errors.Is(err, context.DeadlineExceeded) && a.ctx.Err() == nil {
		return fmt.Errorf("no credentials for %s within %s: log in to its MFA profile with \"awsmfa login\" or from the awsmfa-tray menu", g.profile, credProcessTimeout)
	}
	if err != nil {
		return err
	}
	b, err := json.Marshal(credentialProcessOutput{
		Version:         1,
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Expiration:      c.Expiration.UTC().Format(time.RFC3339),
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "%s\n", b)
	return err
}

// trayLogin asks the running tray to log profile in and waits, bounded,
// for it to say it did. No tray is session.ErrNoDelegate: the terminal is
// asked instead.
func trayLogin(ctx context.Context, profile, forRole string) error {
	addr, err := localchan.DefaultAddr()
	if err != nil {
		return session.ErrNoDelegate
	}
	wctx, cancel := context.WithTimeout(ctx, trayLoginWait)
	defer cancel()
	rep, err := localchan.Ask(wctx, addr, localchan.Request{Op: localchan.OpLogin, Profile: profile, For: forRole})
	switch {
	case errors.Is(err, localchan.ErrNotRunning):
		return session.ErrNoDelegate
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return fmt.Errorf("awsmfa-tray asked for the MFA code of %s, and none was entered within %s: log in from its menu, then try again", profile, trayLoginWait)
	case errors.Is(err, localchan.ErrUntrusted):
		return fmt.Errorf("refusing to ask awsmfa-tray for a login: %w", err)
	case err != nil:
		return fmt.Errorf("ask awsmfa-tray to log in %s: %w", profile, err)
	case rep.Canceled:
		return session.ErrCanceled
	case rep.Error != "":
		return errors.New(rep.Error)
	case !rep.OK:
		return fmt.Errorf("awsmfa-tray did not log in %s", profile)
	}
	return nil
}

// touchNotice says on the terminal (else stderr) that mfa_process waits
// for the security key.
func (a *app) touchNotice(profile string) func() {
	var w io.Writer = a.stderr
	if t, err := a.terminal(); err == nil {
		w = t
	}
	fmt.Fprintf(w, "Touch your security key for %s\n", profile)
	return func() {}
}
