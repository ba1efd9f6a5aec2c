package session

import (
	"context"
	"errors"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// Config wires a Manager. Zero values pick the defaults.
type Config struct {
	// ConfigFile and CredentialsFile override the shared file paths; empty
	// means AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/...
	ConfigFile      string
	CredentialsFile string
	Clock           Clock
	// NewSTS builds the STS client for one profile, signed with its
	// long-term keys only. Nil means the real aws-sdk-go-v2 client, which
	// honours the endpoint overrides the way the SDK's config loader does.
	NewSTS func(ctx context.Context, p Profile, keys Keys) (STSAPI, error)
	// NewRoleSTS builds the client that assumes role r, signed with the MFA
	// session c only. Nil means NewRoleSTSClient.
	NewRoleSTS func(ctx context.Context, r RoleProfile, c Credentials) (RoleSTSAPI, error)
	// CacheDir holds role credentials and login locks; empty means the
	// user's cache folder (os.UserCacheDir) + "/awsmfa".
	CacheDir string
	// RoleRefreshBefore: cached role credentials with less than this left
	// are renewed; 0 means RoleRefreshBefore.
	RoleRefreshBefore time.Duration
	// Keys reads long-term keys. Nil means the credentials file, or the
	// Keychain for a long-term profile whose keys were moved there.
	Keys KeySource
	// Keychain holds the long-term keys that "awsmfa keychain import"
	// moved out of the credentials file. Nil means OSKeychain().
	Keychain Keychain
	// WarnBefore is the expiring window; 0 means DefaultWarnBefore.
	WarnBefore time.Duration
	// Timeout bounds one STS call overall, retries included; 0 means 30s.
	Timeout time.Duration
	// SSO wires IAM Identity Center logins (sso*.go).
	SSO SSOConfig
}

// KeySource yields the long-term keys of profile L.
type KeySource interface {
	LongTermKeys(ctx context.Context, longTermProfile string) (Keys, error)
}

// Manager is the core's entry point. It holds no file state between calls:
// every call reads the files afresh, so other writers are always seen.
type Manager struct {
	cfg Config
	ctx context.Context // what calls that take no context run under; nil: none
}

// ErrCanceled is returned by a Prompter when the user backs out. A login
// that ends with it changed nothing and should be treated as a no-op.
var ErrCanceled = errors.New("canceled")

// ErrNotMFAProfile is wrapped when a named profile cannot log in with MFA.
var ErrNotMFAProfile = errors.New("not an MFA profile")

// ActiveError is returned by Login without Force while the current session
// still has time left.
type ActiveError struct {
	Profile string
	Left    time.Duration
	Until   time.Time
}

func (e *ActiveError) Error() string {
	return "a session for " + e.Profile + " is still active for " + FormatLeft(e.Left) + "; use --force to renew it"
}

// New returns a Manager for cfg.
func New(cfg Config) *Manager { return &Manager{cfg: cfg} }

// WithContext returns a copy of m whose calls that take no context
// (Snapshot, Status, Logout, Setup and the like) run under ctx: their waits
// for a file (for the lock, or for a file another program is writing) end
// when ctx does, and ctx's wait notice (WithWaitNotice) hears of them.
func (m *Manager) WithContext(ctx context.Context) *Manager {
	c := *m
	c.ctx = ctx
	return &c
}

// opContext is the context of one call that takes none: m's, as one
// operation, whose reads share one bound on waiting for a file to settle.
func (m *Manager) opContext() context.Context {
	ctx := m.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return inifile.Operation(ctx)
}

// WithWaitNotice returns ctx with fn, which the Manager's calls under ctx
// call (with the file's path) once they have waited about a second for a
// file that another program holds open for writing, so that a UI can say
// "waiting for <path>, which another program has open for writing". It may
// be called more than once for a path, from the calling goroutine.
func WithWaitNotice(ctx context.Context, fn func(path string)) context.Context {
	return inifile.WithWaitNotice(ctx, fn)
}
