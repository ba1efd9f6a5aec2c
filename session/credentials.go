package session

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Credentials are temporary AWS credentials: what credential_process
// prints. They leave the core only to be handed to an AWS tool; %v and %+v
// print no secret.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// String hides the secrets from fmt.
func (c Credentials) String() string {
	return "credentials until " + c.Expiration.UTC().Format(time.RFC3339)
}

// GoString hides the secrets from %#v.
func (c Credentials) GoString() string { return c.String() }

func (c Credentials) complete() bool {
	return c.AccessKeyID != "" && c.SecretAccessKey != "" && c.SessionToken != "" && !c.Expiration.IsZero()
}

// RoleOptions tune RoleCredentials: who can log the MFA profile in when
// it has no live session. With neither mfa_process, Delegate nor Prompt,
// the answer is a *NeedLoginError.
type RoleOptions struct {
	// Login is passed on to the MFA profile's login: Prompt asks for its
	// code, Touch and Stderr serve mfa_process. Its Duration and Force are
	// ignored.
	Login LoginOptions
	// Delegate has someone else log profile in (the tray, over the local
	// channel) and returns once they have, or with ErrNoDelegate when
	// nobody is there to ask. forRole is the role profile that needs it.
	Delegate func(ctx context.Context, profile, forRole string) error
}

// ErrNoDelegate is what a Delegate returns when nobody is there to ask;
// RoleCredentials then tries the Prompt.
var ErrNoDelegate = errors.New("nobody to delegate the login to")

// NeedLoginError: a role profile needs a live MFA session of Profile, and
// nobody could be asked for the code.
type NeedLoginError struct {
	Profile string // the MFA profile to log in to
	For     string // the role profile that needs it
	// Expired is set when the session in the file has run out, MidRun when
	// STS refused it as expired although the file said it was live.
	Expired, MidRun bool
}

func (e *NeedLoginError) Error() string {
	how := fmt.Sprintf("log in with \"awsmfa login --profile %s\" or from the awsmfa-tray menu, then try again", e.Profile)
	switch {
	case e.MidRun:
		return fmt.Sprintf("the MFA session of %s expired before the role of %s could be assumed: %s", e.Profile, e.For, how)
	case e.Expired:
		return fmt.Sprintf("the MFA session of %s, which %s needs, has expired: %s", e.Profile, e.For, how)
	}
	return fmt.Sprintf("%s needs a live MFA session of %s, and there is none: %s", e.For, e.Profile, how)
}
