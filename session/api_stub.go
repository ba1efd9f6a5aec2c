package session

import (
	"context"
	"time"
)

// STUB: bodies are being written; signatures are the contract.

// New returns a Manager for cfg.
func New(cfg Config) *Manager { return &Manager{cfg: cfg} }

// Paths returns the config and credentials file paths in use.
func (m *Manager) Paths() (configFile, credentialsFile string) { panic("todo") }

// DefaultProfile is AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
func DefaultProfile() string { panic("todo") }

// Profiles lists every profile that can log in with MFA, sorted by name.
// Profiles with a Problem are included so the UI can say what to fix.
func (m *Manager) Profiles() ([]Profile, error) { panic("todo") }

// Profile resolves one profile by name (X), or returns an error that says
// what to add and where.
func (m *Manager) Profile(name string) (Profile, error) { panic("todo") }

// Snapshot reads the files once and reports every MFA profile's state.
func (m *Manager) Snapshot() (Snapshot, error) { panic("todo") }

// Status reports one profile's state.
func (m *Manager) Status(name string) (Status, error) { panic("todo") }

// Login gets a session for profile name with its MFA code and writes it.
func (m *Manager) Login(ctx context.Context, name string, opts LoginOptions) (Session, error) {
	panic("todo")
}

// Logout removes the session keys we wrote from [name]; it reports whether
// there was anything to remove.
func (m *Manager) Logout(name string) (bool, error) { panic("todo") }

// LogoutAll logs out of every MFA profile holding a session and returns
// their names.
func (m *Manager) LogoutAll() ([]string, error) { panic("todo") }

// Setup turns plain profile name, holding long-term keys, into an MFA
// profile: the keys move to [namePerm] in one atomic write and mfa_serial is
// recorded in the config file.
func (m *Manager) Setup(name, serial string) error { panic("todo") }

// ParseDuration reads "8h", "90m" or plain seconds, and checks STS's range.
func ParseDuration(s string) (time.Duration, error) { panic("todo") }

// FormatLeft renders a time left the way every UI shows it: "3h12m", "8m",
// "45s".
func FormatLeft(d time.Duration) string { panic("todo") }

// ValidateTokenCode accepts exactly six ASCII digits.
func ValidateTokenCode(code string) error { panic("todo") }

// RevocationNote is said on every logout: AWS cannot end the session early.
const RevocationNote = "AWS cannot revoke an MFA session early: the removed credentials stay valid until they expire."
