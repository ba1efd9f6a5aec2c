package session

import (
	"fmt"
	"time"
)

// SSOSessions reads the config and every session's token once and reports
// each session's state. It only reads: a token file that cannot be used is
// reported in its Problem and left as it is.
func (m *Manager) SSOSessions() (SSOSnapshot, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return SSOSnapshot{}, err
	}
	return m.ssoSnapshot(f), nil
}

func (m *Manager) ssoSnapshot(f *awsFiles) SSOSnapshot {
	now := m.now()
	return SSOSnapshot{Taken: now, Sessions: m.ssoStatuses(f, now)}
}

// ssoStatuses is every session's state at now, from the read f.
func (m *Manager) ssoStatuses(f *awsFiles, now time.Time) []SSOStatus {
	var out []SSOStatus
	for _, s := range m.ssoSessions(f) {
		out = append(out, m.ssoStatus(s, now))
	}
	return out
}

// SSOStatusOf reports one session's state.
func (m *Manager) SSOStatusOf(name string) (SSOStatus, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return SSOStatus{}, err
	}
	s, err := m.findSSOSession(f, name)
	if err != nil {
		return SSOStatus{}, err
	}
	return m.ssoStatus(s, m.now()), nil
}

func (m *Manager) ssoStatus(s SSOSession, now time.Time) SSOStatus {
	st := SSOStatus{Session: s, State: LoggedOut}
	tok, exists, err := readSSOToken(s.TokenFile)
	switch {
	case !exists:
		return st
	case err != nil:
		st.Problem = fmt.Errorf("%w; it was left as it is: run \"awsmfa sso login --session %s --force\" to replace it", err, s.Name)
		return st
	}
	st.HasToken = true
	st.Expiration = tok.ExpiresAt
	st.RegistrationExpiration = tok.RegistrationExpiresAt
	st.State, st.Left = StateAt(tok.ExpiresAt, now, m.warnBefore())
	st.Refreshable = tok.refreshable(now)
	if !tok.sameStart(s) {
		// The config now points elsewhere: the token is another
		// instance's, and the portal will refuse it.
		st.Refreshable = false
		st.Problem = fmt.Errorf("the SSO token of %s was issued for %s, not for sso_start_url %s: log in again", s.Name, tok.StartURL, s.StartURL)
	}
	return st
}

// SSORefreshBefore is the window in which SSORefreshDue renews a
// refreshable token; pass it to NextSSOChange.
func (m *Manager) SSORefreshBefore() time.Duration {
	if m.cfg.SSO.RefreshBefore > 0 {
		return m.cfg.SSO.RefreshBefore
	}
	return DefaultSSORefreshBefore
}

// refreshDue reports whether st should be refreshed at now.
func (m *Manager) refreshDue(st SSOStatus, now time.Time) bool {
	return st.HasToken && st.Refreshable && st.Problem == nil && st.Expiration.Sub(now) <= m.SSORefreshBefore()
}

// NextSSOChange is the next instant after s.Taken when a session in s is
// due for refresh, enters its warning window, or expires; zero when
// nothing is pending. The tray sleeps until min(this, its next tick).
func NextSSOChange(s SSOSnapshot, warnBefore, refreshBefore time.Duration) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.After(s.Taken) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, st := range s.Sessions {
		if !st.HasToken || st.Expiration.IsZero() {
			continue
		}
		if st.Refreshable && refreshBefore > 0 {
			consider(st.Expiration.Add(-refreshBefore))
		}
		if warnBefore > 0 {
			consider(st.Expiration.Add(-warnBefore))
		}
		consider(st.Expiration)
	}
	return next
}
