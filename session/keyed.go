package session

import (
	"context"
	"errors"
	"net/url"
	"time"
)

// The UIs show sessions of more than one kind: the MFA session of a
// profile (which its role profiles lean on) and the sign-in to an IAM
// Identity Center session (which its SSO profiles share). A Key names one
// of them, so a UI logs in, logs out and renews through the same few
// calls whatever the kind; a new kind is a new LoginKind, not new methods.

// LoginKind is the kind of session a Key names.
type LoginKind int

const (
	// ProfileLogin is a profile's MFA session in the credentials file (a
	// role profile logs in through its MFA profile, see provider.go).
	ProfileLogin LoginKind = iota
	// SSOLogin is an IAM Identity Center sign-in: its token in the SSO
	// cache, shared by the profiles of the session.
	SSOLogin
)

// Key names one session: a profile, or an SSO session (the name of its
// [sso-session] section, or the start URL of legacy profiles).
type Key struct {
	Kind LoginKind
	Name string
}

// ProfileKey is the key of profile name's session.
func ProfileKey(name string) Key { return Key{Kind: ProfileLogin, Name: name} }

// SSOKey is the key of the SSO session name.
func SSOKey(name string) Key { return Key{Kind: SSOLogin, Name: name} }

// String is how texts name the session: "myaccount", "acme (SSO)".
func (k Key) String() string {
	if k.Kind == SSOLogin {
		return SSODisplayName(k.Name) + " (SSO)"
	}
	return k.Name
}

// SSODisplayName is how texts name an SSO session: its name, or for
// legacy profiles (whose session is a start URL) the start URL's host.
func SSODisplayName(name string) string {
	if u, err := url.Parse(name); err == nil && u.Scheme != "" && u.Host != "" {
		return u.Host
	}
	return name
}

// Key is the session a notice is about.
func (n Notice) Key() Key {
	if n.SSOSession != "" {
		return SSOKey(n.SSOSession)
	}
	return ProfileKey(n.Profile)
}

// LoginKey logs in to the session key names: Login for a profile, with
// opts as Login reads them; SSOLogin for an SSO session, with opts.SSO
// (and opts.Force, which forces either). For an SSO session the result's
// Profile is the session's name and SSOFlow says how the token came.
func (m *Manager) LoginKey(ctx context.Context, key Key, opts LoginOptions) (Session, error) {
	switch key.Kind {
	case SSOLogin:
		so := opts.SSO
		so.Force = so.Force || opts.Force
		tok, err := m.SSOLogin(ctx, key.Name, so)
		if err != nil {
			return Session{}, err
		}
		return Session{Profile: tok.Session, Expiration: tok.Expiration, Duration: tok.Duration, SSOFlow: tok.Flow}, nil
	case ProfileLogin:
		return m.Login(ctx, key.Name, opts)
	}
	return Session{}, errors.New("unknown kind of login")
}

// LogoutResult says what a logout of one session did.
type LogoutResult struct {
	Key     Key
	Removed bool // there was a session (or token) and it is gone
	// Note is set when the session is gone but something around it failed:
	// the SSO access portal could not be told to end the sign-in.
	Note error
	// CLICredentials counts the AWS CLI's cached role credentials of an
	// SSO session's profiles that went with it.
	CLICredentials int
}

// LogoutKey logs out of the session key names: Logout for a profile,
// SSOLogout for an SSO session.
func (m *Manager) LogoutKey(ctx context.Context, key Key) (LogoutResult, error) {
	res := LogoutResult{Key: key}
	switch key.Kind {
	case SSOLogin:
		r, err := m.SSOLogout(ctx, key.Name)
		res.Removed, res.Note, res.CLICredentials = r.Removed, r.PortalErr, r.CLICredentials
		return res, err
	case ProfileLogin:
		had, err := m.Logout(key.Name)
		res.Removed = had
		return res, err
	}
	return res, errors.New("unknown kind of login")
}

// LogoutEvery logs out of every session: all MFA sessions in one write
// (LogoutAll), then every SSO session that has a token. It goes on after
// a failure and returns what it removed with the errors joined.
func (m *Manager) LogoutEvery(ctx context.Context) ([]LogoutResult, error) {
	var out []LogoutResult
	var errs []error
	names, err := m.LogoutAll()
	for _, n := range names {
		out = append(out, LogoutResult{Key: ProfileKey(n), Removed: true})
	}
	if err != nil {
		errs = append(errs, err)
	}
	snap, err := m.SSOSessions()
	if err != nil {
		errs = append(errs, err)
	}
	for _, st := range snap.Sessions {
		if !st.HasToken {
			continue
		}
		r, err := m.LogoutKey(ctx, SSOKey(st.Session.Name))
		if err != nil {
			errs = append(errs, err)
		}
		if r.Removed {
			out = append(out, r)
		}
	}
	return out, errors.Join(errs...)
}

// Renewal is one renewal RenewDue tried.
type Renewal struct {
	Key     Key
	Session Session // when Err is nil
	// Err wraps ErrSSOLoginRequired when only a sign-in helps.
	Err error
}

// RenewDue renews, without asking anyone, every session that can renew
// itself and is due: today the SSO tokens within SSORefreshBefore of
// their expiry, with their refresh token. A UI calls it on its tick, off
// its event loop, and reads the files again after it.
func (m *Manager) RenewDue(ctx context.Context) ([]Renewal, error) {
	outs, err := m.SSORefreshDue(ctx)
	res := make([]Renewal, 0, len(outs))
	for _, o := range outs {
		res = append(res, Renewal{Key: SSOKey(o.Session), Err: o.Err,
			Session: Session{Profile: o.Token.Session, Expiration: o.Token.Expiration, Duration: o.Token.Duration, SSOFlow: o.Token.Flow}})
	}
	return res, err
}

// RenewDueAt reports whether RenewDue would renew st at now: a token that
// renews itself (Refreshable, no Problem) within renewBefore of expiry.
// UIs decide with it when to call RenewDue.
func RenewDueAt(st SSOStatus, now time.Time, renewBefore time.Duration) bool {
	return st.HasToken && st.Refreshable && st.Problem == nil && st.Session.Problem == nil &&
		st.Expiration.Sub(now) <= renewBefore
}
