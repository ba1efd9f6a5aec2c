package session

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

// IAM Identity Center (SSO): the core logs in the way the AWS CLI does
// (RegisterClient, then the authorization-code grant with PKCE on a
// loopback redirect, or the device-code grant), writes the token where
// every SDK reads it (~/.aws/sso/cache/<sha1>.json), refreshes it with the
// refresh token before it expires, and logs out. Each session is one
// [sso-session X] section, or one sso_start_url of legacy profiles.

// SSOConfig wires the SSO part of a Manager. Zero values pick the defaults.
type SSOConfig struct {
	// CacheDir is where the SDKs read SSO tokens; empty means
	// ~/.aws/sso/cache, the one place every SDK looks (no variable moves it).
	CacheDir string
	// CLICacheDir is the AWS CLI's cache of role credentials it got with
	// SSO tokens, which logout clears as "aws sso logout" does; empty
	// means ~/.aws/cli/cache.
	CLICacheDir string
	// HTTPClient carries the OIDC, portal and start-URL requests; nil
	// means a shared default client.
	HTTPClient *http.Client
	// NewOIDC and NewPortal build the service clients for a region and an
	// endpoint (empty: AWS's own). Nil means the real aws-sdk-go-v2 clients.
	NewOIDC   func(region, endpoint string) SSOOIDCAPI
	NewPortal func(region, endpoint string) SSOPortalAPI
	// LoginTimeout bounds the wait for the user in the browser; 0 means 10
	// minutes, as the AWS CLI waits.
	LoginTimeout time.Duration
	// PollInterval, when set, replaces the device-code polling interval the
	// service announces (tests).
	PollInterval time.Duration
	// RefreshBefore is how long before expiry a refreshable token is
	// renewed; 0 means DefaultSSORefreshBefore.
	RefreshBefore time.Duration
}

// DefaultSSORefreshBefore renews tokens ahead of the SDKs, which refresh
// at 15 (botocore) or 5 minutes (the JS and Go SDKs) before expiry, so
// that while the tray runs no tool ever needs to.
const DefaultSSORefreshBefore = 20 * time.Minute

// SSOOIDCAPI is the part of the SSO OIDC client the core calls.
type SSOOIDCAPI interface {
	RegisterClient(ctx context.Context, in *ssooidc.RegisterClientInput, optFns ...func(*ssooidc.Options)) (*ssooidc.RegisterClientOutput, error)
	StartDeviceAuthorization(ctx context.Context, in *ssooidc.StartDeviceAuthorizationInput, optFns ...func(*ssooidc.Options)) (*ssooidc.StartDeviceAuthorizationOutput, error)
	CreateToken(ctx context.Context, in *ssooidc.CreateTokenInput, optFns ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error)
}

// SSOPortalAPI is the part of the access portal client the core calls.
type SSOPortalAPI interface {
	Logout(ctx context.Context, in *sso.LogoutInput, optFns ...func(*sso.Options)) (*sso.LogoutOutput, error)
}

// SSOSession is one IAM Identity Center sign-in as the config describes
// it: an [sso-session Name] section, or for legacy profiles one
// sso_start_url (then Name is the start URL and Legacy is set).
type SSOSession struct {
	Name     string
	Legacy   bool
	StartURL string
	Region   string
	Scopes   []string // sso_registration_scopes
	// Profiles use this session, sorted by name.
	Profiles []SSOProfile
	// TokenFile is the cache file every SDK reads for this session.
	TokenFile string
	// Problem is set when the session cannot log in as configured; it is
	// a sentence that says what to fix.
	Problem error
}

// SSOProfile is a profile that gets its credentials from a session.
type SSOProfile struct {
	Name      string
	AccountID string
	RoleName  string
	// Problem is set when the SDKs will refuse the profile (a value that
	// disagrees with its sso-session, a missing key).
	Problem error
}

// SSOStatus is one session's state at the moment of a snapshot.
type SSOStatus struct {
	Session    SSOSession
	State      State
	Expiration time.Time     // of the access token; zero when there is none
	Left       time.Duration // 0 unless Active or Expiring
	HasToken   bool          // a token is cached, so Logout has work to do
	// Refreshable: the token carries a refresh token and its client
	// registration is still valid, so it renews without a browser.
	Refreshable            bool
	RegistrationExpiration time.Time
	// Problem is set when the token file cannot be used (not JSON, another
	// start URL); the file is left as it is.
	Problem error
}

// SSOSnapshot is a plain, sorted picture of every SSO session.
type SSOSnapshot struct {
	Taken    time.Time
	Sessions []SSOStatus
}

// SSOFlow says how a token was obtained.
type SSOFlow int

const (
	SSORefreshed    SSOFlow = iota // with the refresh token, no browser
	SSOAuthCode                    // authorization code with PKCE in the browser
	SSODeviceCode                  // device code, approved on any device
	SSOByOtherLogin                // another process's login finished while we waited
)

func (f SSOFlow) String() string {
	switch f {
	case SSOAuthCode:
		return "browser sign-in"
	case SSODeviceCode:
		return "device code"
	case SSOByOtherLogin:
		return "another login"
	default:
		return "refresh"
	}
}

// SSOToken is the result of a login or refresh. It carries no secret.
type SSOToken struct {
	Session    string
	Expiration time.Time
	// Duration is how long the token lasts: as IAM Identity Center granted
	// it, or what is left of another login's token.
	Duration time.Duration
	Flow     SSOFlow
}

// SSOPrompt is what the user needs to sign in: the page to open and, for
// the device-code grant, the code to check there.
type SSOPrompt struct {
	Session  string
	URL      string // the authorize page, or verificationUriComplete
	UserCode string // device code only
	Opened   bool   // the browser was opened on URL
	// Fallback says why the device-code grant is used although the
	// browser sign-in was wanted (no browser could be opened).
	Fallback string
}

// SSOLoginOptions tune one login.
type SSOLoginOptions struct {
	// Force logs in in the browser even while the token is valid.
	Force bool
	// UseDeviceCode asks for the device-code grant instead of the
	// authorization-code grant (legacy profiles always use it).
	UseDeviceCode bool
	// Open opens a URL in the user's browser. Nil means do not open one
	// (print only); an error means none can be opened, and the login falls
	// back to the device-code grant.
	Open func(ctx context.Context, url string) error
	// Show tells the user where to sign in, before the wait starts.
	Show func(SSOPrompt)
	// Waiting is called once when another login of the same session (the
	// tray, another terminal) is running and this one waits for it.
	Waiting func(session string)
	// Profile, when set, is the profile whose settings (endpoint_url,
	// services) apply, as "aws sso login --profile P" uses; empty means
	// AWS_PROFILE, else default.
	Profile string
}

// SSOLogoutResult says what a logout did.
type SSOLogoutResult struct {
	Removed bool // a token was removed
	// PortalErr is set when the portal could not be told to end the
	// sign-in; the local token is gone anyway.
	PortalErr error
	// CLICredentials is how many cached role credentials of the AWS CLI
	// were removed with it.
	CLICredentials int
}

// ErrSSOLoginRequired is wrapped when only a sign-in in the browser helps:
// no refresh token, an expired client registration, a refused refresh.
var ErrSSOLoginRequired = errors.New("a new SSO login is needed")

// SSOLoginRequiredError says why a session cannot renew by itself.
type SSOLoginRequiredError struct {
	Session string
	Reason  string
}

func (e *SSOLoginRequiredError) Error() string {
	return e.Reason + ": log in again with \"awsmfa sso login --session " + e.Session + "\""
}

func (e *SSOLoginRequiredError) Unwrap() error { return ErrSSOLoginRequired }

// SSOActiveError is returned by SSOLogin without Force while the token is
// valid: a login must not open a browser for nothing.
type SSOActiveError struct {
	Session string
	Left    time.Duration
	Until   time.Time
}

func (e *SSOActiveError) Error() string {
	return "the SSO session " + e.Session + " is still logged in for " + FormatLeft(e.Left) + "; use --force to log in again"
}
