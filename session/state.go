package session

import (
	"strings"
	"time"
)

// The keys a session owns in [X]. aws_security_token is the legacy name
// botocore still reads first, so a stale one must go with the rest.
var sessionKeys = []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token", "expiration", createdMarker}

// createdMarker in [X] records that our login created the section, so that
// logout can remove it whole and leave the file byte-identical, while an
// empty [X] the user wrote themselves survives. The AWS readers ignore it.
const createdMarker = "awsmfa_created"

// expirationKeys are read in order: ours, then names other tools write.
var expirationKeys = []string{"expiration", "aws_expiration", "x_security_token_expires"}

// isLongTermSection reports whether [name] in the credentials file holds an
// IAM user's permanent keys: keys without a session token, or an AKIA id on
// any line of the section, even one a later copy of the key shadows.
func isLongTermSection(f *awsFiles, name string) bool {
	if akiaLine(f.cred, name) > 0 {
		return true
	}
	hasKeys := f.credGet(name, "aws_access_key_id") != "" || f.credGet(name, "aws_secret_access_key") != ""
	return hasKeys && !hasSessionToken(f, name)
}

func hasSessionToken(f *awsFiles, name string) bool {
	return f.credGet(name, "aws_session_token") != "" || f.credGet(name, "aws_security_token") != ""
}

// parseExpiration reads RFC 3339 (ours) and aws-mfa's "YYYY-MM-DD HH:MM:SS",
// which is UTC.
func parseExpiration(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04:05-07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func (f *awsFiles) status(p Profile, now time.Time, warn time.Duration) Status {
	st := Status{Profile: p, State: LoggedOut}
	if !hasSessionToken(f, p.Name) || isLongTermSection(f, p.Name) {
		return st
	}
	st.HasSession = true
	var exp time.Time
	ok := false
	for _, k := range expirationKeys {
		if v, found := f.cred.Get(p.Name, k); found {
			if exp, ok = parseExpiration(v); ok {
				break
			}
		}
	}
	if !ok {
		st.State = ActiveUnknown
		return st
	}
	st.Expiration = exp
	st.State, st.Left = StateAt(exp, now, warn)
	return st
}

// StateAt is the one place that decides active, expiring or expired, for a
// session ending at exp with a warning window of warn. The tray uses it to
// count down between reads of the files.
func StateAt(exp, now time.Time, warn time.Duration) (State, time.Duration) {
	left := exp.Sub(now)
	switch {
	case left <= 0:
		return Expired, 0
	case left <= warn:
		return Expiring, left
	default:
		return Active, left
	}
}

func (m *Manager) now() time.Time {
	if m.cfg.Clock == nil {
		return time.Now()
	}
	return m.cfg.Clock.Now()
}

func (m *Manager) warnBefore() time.Duration {
	if m.cfg.WarnBefore > 0 {
		return m.cfg.WarnBefore
	}
	return DefaultWarnBefore
}

// Snapshot reads the files once and reports every MFA profile's state.
func (m *Manager) Snapshot() (Snapshot, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	return m.snapshot(f), nil
}

func (m *Manager) snapshot(f *awsFiles) Snapshot {
	now := m.now()
	snap := Snapshot{Taken: now}
	for _, p := range f.profiles() {
		snap.Profiles = append(snap.Profiles, f.status(p, now, m.warnBefore()))
	}
	snap.Roles = m.roleStatuses(f, now)
	snap.SSO = m.ssoStatuses(f, now)
	return snap
}

// Overview is what a status report shows, from one read of the files.
type Overview struct {
	Snapshot // its SSO field holds every IAM Identity Center session's state
	// Plain are the profiles "awsmfa setup" can turn into MFA profiles
	// (see PlainProfiles), and Advice what makes each one (SetupAdvice).
	Plain  []string
	Advice map[string]string
}

// Overview is Snapshot, SSOSessions and PlainProfiles from one read of the
// files.
func (m *Manager) Overview() (Overview, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return Overview{}, err
	}
	snap := m.snapshot(f)
	ov := Overview{Snapshot: snap, Plain: f.plainProfiles(), Advice: map[string]string{}}
	for _, p := range ov.Plain {
		ov.Advice[p] = f.setupAdvice(p)
	}
	return ov, nil
}

// Status reports one profile's state.
func (m *Manager) Status(name string) (Status, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return Status{}, err
	}
	p, err := f.profile(name)
	if err != nil {
		return Status{}, err
	}
	return f.status(p, m.now(), m.warnBefore()), nil
}
