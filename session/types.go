// Package session is the core shared by the tray app and the CLI: it finds
// the profiles that can log in with MFA, reports their state, and writes and
// removes temporary sessions in the shared credentials file. It knows nothing
// of any UI: prompts, notifications, STS and time come in through the small
// interfaces below.
package session

import (
	"context"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultDuration is STS's own default for GetSessionToken.
const (
	DefaultDuration = 12 * time.Hour
	MinDuration     = 900 * time.Second
	MaxDuration     = 129600 * time.Second
	// DefaultWarnBefore is how long before expiry a session counts as expiring.
	DefaultWarnBefore = 10 * time.Minute
)

// Notifier shows a short desktop notification.
type Notifier interface {
	Notify(title, body string) error
}

// STSAPI is the one STS call the core makes.
type STSAPI interface {
	GetSessionToken(ctx context.Context, in *sts.GetSessionTokenInput, optFns ...func(*sts.Options)) (*sts.GetSessionTokenOutput, error)
}

// Clock lets tests move time instead of sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Keys are long-term IAM user keys. They never leave the core except to sign
// the STS call.
type Keys struct {
	AccessKeyID     string
	SecretAccessKey string
}

// Profile is one profile that can log in with MFA.
type Profile struct {
	Name     string        // X: where the session is written
	LongTerm string        // L: the section holding the long-term keys
	Serial   string        // MFA device ARN; empty when missing
	Region   string        // resolved region for the STS call
	Duration time.Duration // duration_seconds from config; 0 when unset
	// Endpoint is the STS endpoint override resolved the way the SDKs do
	// (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, endpoint_url); empty means
	// AWS's own endpoint for Region.
	Endpoint string
	// CABundle is the CA bundle the STS call trusts instead of the
	// system's roots (AWS_CA_BUNDLE, else ca_bundle); zero when unset.
	CABundle CABundle
	// Problem is set when the profile was found but cannot log in as it is
	// (missing serial, missing keys, bad serial...). It is a sentence that
	// says what to fix.
	Problem error
	// Warning is advice that does not stop a login, e.g. a layout that some
	// AWS tools read differently.
	Warning string
	// HasMFAProcess: mfa_process in the config supplies the code, so Login
	// asks nobody (a UI may renew such a session before it expires).
	HasMFAProcess bool
}

// State is where a profile's session stands.
type State int

const (
	LoggedOut     State = iota // no session in the file
	Active                     // session with known expiry, outside the warning window
	Expiring                   // inside the warning window
	Expired                    // past its expiry
	ActiveUnknown              // a session with no expiration key
)

func (s State) String() string {
	switch s {
	case Active:
		return "active"
	case Expiring:
		return "expiring"
	case Expired:
		return "expired"
	case ActiveUnknown:
		return "active (unknown expiry)"
	default:
		return "logged out"
	}
}

// Status is one profile's state at the moment of a snapshot.
type Status struct {
	Profile    Profile
	State      State
	Expiration time.Time     // zero when unknown or logged out
	Left       time.Duration // time left; 0 unless Active or Expiring
	HasSession bool          // a session is in the file, so Logout has work to do
}

// Snapshot is a plain, sorted picture of every MFA profile at one instant.
type Snapshot struct {
	Taken    time.Time
	Profiles []Status
	// Roles are the role profiles that lean on an MFA profile, sorted.
	Roles []RoleStatus
	// SSO are the IAM Identity Center sessions, sorted as SSOSessions
	// sorts them (set by Snapshot and SnapshotAndKeys, from the same read).
	SSO []SSOStatus
}

// RoleStatus is where one role profile stands at the moment of a snapshot.
type RoleStatus struct {
	Role RoleProfile // its Problem, if any, says what to fix
	// Ready: its MFA profile has a live session, so credential-process
	// hands out credentials without asking anyone.
	Ready bool
	// Expiration of the role credentials cached for that session; zero
	// when there are none.
	Expiration time.Time
	Left       time.Duration
}

// Session is the result of a successful login. It carries no secret.
type Session struct {
	Profile    string
	Expiration time.Time
	Duration   time.Duration
	Warning    string // the profile's Warning, so nobody reads the files again to show it
	// SSOFlow says how the token came, for a LoginKey of an SSO session
	// (keyed.go); meaningless for a profile.
	SSOFlow SSOFlow
}

// LoginOptions tune one login.
type LoginOptions struct {
	TokenCode string        // used once when set; nothing is asked
	Prompt    Prompter      // asked (again, as the conversation allows) when there is no TokenCode or mfa_process
	Duration  time.Duration // 0: profile's duration_seconds, else DefaultDuration
	Force     bool          // renew even if the current session is still active
	// Touch is told when the profile's mfa_process has run for a second
	// (a hardware key waiting to be touched: say "Touch your security key
	// for X"); the function it returns is called when the command ends.
	Touch func(profile string) (stop func())
	// Stderr gets what mfa_process writes to its stderr; nil discards it.
	Stderr io.Writer
	// SSO tunes LoginKey of an IAM Identity Center session (keyed.go): the
	// browser opener and what to show the user.
	SSO SSOLoginOptions
}
