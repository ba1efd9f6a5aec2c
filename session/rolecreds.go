package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// RoleCredentials returns credentials for role profile name, what
// "awsmfa credential-process" prints. They come from the cache while they
// have more than RoleRefreshBefore left (no network call); else the role is
// assumed with the live session of its MFA profile. When that profile has
// no live session, it is logged in first, one process at a time: with its
// mfa_process, else through opts.Delegate (the tray), else opts.Login.Prompt;
// with none of them the error is a *NeedLoginError.
func (m *Manager) RoleCredentials(ctx context.Context, name string, opts RoleOptions) (Credentials, error) {
	ctx = inifile.Operation(ctx)
	f, err := m.load(ctx)
	if err != nil {
		return Credentials{}, err
	}
	r, err := f.roleProfile(name)
	if err != nil {
		return Credentials{}, err
	}
	if r.Problem != nil {
		return Credentials{}, r.Problem
	}
	path, err := m.roleCachePath(f, r)
	if err != nil {
		return Credentials{}, err
	}
	if c, ok := readRoleCache(path, f.sourceID(r.MFAProfile), m.now(), m.roleRefreshBefore()); ok {
		return c, nil
	}
	return m.assumeFresh(ctx, f, r, path, opts)
}

// assumeRoleProvider logs a role profile in: AssumeRole with the live
// session of its MFA profile (which it logs in first when there is none),
// kept in the role cache.
type assumeRoleProvider struct {
	m *Manager
	f *awsFiles
	r RoleProfile
}

// status is that of the cached role credentials.
func (a *assumeRoleProvider) status(now time.Time, warn time.Duration) Status {
	st := Status{Profile: Profile{Name: a.r.Name, Region: a.r.Region, Serial: a.r.Serial}, State: LoggedOut}
	path, err := a.m.roleCachePath(a.f, a.r)
	if err != nil {
		return st
	}
	if c, ok := readRoleCache(path, a.f.sourceID(a.r.MFAProfile), now, 0); ok {
		st.HasSession, st.Expiration = true, c.Expiration
		st.State, st.Left = StateAt(c.Expiration, now, warn)
	}
	return st
}

// login assumes the role afresh (the cache is for RoleCredentials).
func (a *assumeRoleProvider) login(ctx context.Context, opts LoginOptions) (Session, error) {
	path, err := a.m.roleCachePath(a.f, a.r)
	if err != nil {
		return Session{}, err
	}
	c, err := a.m.assumeFresh(ctx, a.f, a.r, path, RoleOptions{Login: opts})
	if err != nil {
		return Session{}, err
	}
	return Session{Profile: a.r.Name, Expiration: c.Expiration, Duration: grantedDuration(c.Expiration, a.m.now())}, nil
}

// roleStatuses reports every role profile that leans on an MFA profile:
// ready or not, and the cached credentials' time left. It reads the small
// cache files only; no STS call.
func (m *Manager) roleStatuses(f *awsFiles, now time.Time) []RoleStatus {
	var out []RoleStatus
	for _, r := range f.roleProfiles() {
		rs := RoleStatus{Role: r}
		if r.MFAProfile != "" {
			_, rs.Ready, _ = f.liveSession(r.MFAProfile, now)
			if path, err := m.roleCachePath(f, r); err == nil {
				if c, ok := readRoleCache(path, f.sourceID(r.MFAProfile), now, 0); ok {
					rs.Expiration, rs.Left = c.Expiration, c.Expiration.Sub(now)
				}
			}
		}
		out = append(out, rs)
	}
	return out
}

func (m *Manager) roleRefreshBefore() time.Duration {
	if m.cfg.RoleRefreshBefore > 0 {
		return m.cfg.RoleRefreshBefore
	}
	return RoleRefreshBefore
}

// assumeFresh assumes r with the MFA session in the file, logging in
// first when there is none; a session STS refuses as expired counts as
// none, once.
func (m *Manager) assumeFresh(ctx context.Context, f *awsFiles, r RoleProfile, path string, opts RoleOptions) (Credentials, error) {
	gone := "" // the source of a session STS refused
	for {
		src, live, expired := f.liveSession(r.MFAProfile, m.now())
		if !live || src.id == gone {
			var err error
			if f, err = m.ensureSession(ctx, r, opts, expired, gone); err != nil {
				return Credentials{}, err
			}
			continue
		}
		c, err := m.assumeRole(ctx, r, src.creds)
		if errors.Is(err, errSessionGone) {
			if gone != "" {
				return Credentials{}, &NeedLoginError{Profile: r.MFAProfile, For: r.Name, MidRun: true}
			}
			gone = src.id
			continue
		}
		if err != nil {
			return Credentials{}, err
		}
		if err := writeRoleCache(path, src.id, c); err != nil {
			return Credentials{}, err
		}
		return c, nil
	}
}

// sourceSession is the MFA session in [X], as read from the file.
type sourceSession struct {
	id    string // sourceID
	creds Credentials
}

// liveSession reads X's session: live when it has time left (or no known
// expiry); expired when it ran out.
func (f *awsFiles) liveSession(x string, now time.Time) (s sourceSession, live, expired bool) {
	p, ok := f.resolve(x)
	if !ok {
		return s, false, false
	}
	st := f.status(p, now, 0)
	s = sourceSession{id: f.sourceID(x), creds: Credentials{
		AccessKeyID:     f.credGet(x, "aws_access_key_id"),
		SecretAccessKey: f.credGet(x, "aws_secret_access_key"),
		SessionToken:    f.credGet(x, "aws_session_token"),
		Expiration:      st.Expiration,
	}}
	if s.creds.SessionToken == "" {
		s.creds.SessionToken = f.credGet(x, "aws_security_token")
	}
	switch st.State {
	case Active, Expiring, ActiveUnknown:
		return s, s.creds.AccessKeyID != "" && s.creds.SecretAccessKey != "" && s.creds.SessionToken != "", false
	case Expired:
		return s, false, true
	}
	return s, false, false
}

// ensureSession gets X a live session, holding a lock so that the SDK
// processes that ask at once (Terraform runs several) lead to one login.
// It returns the files as they are afterwards.
func (m *Manager) ensureSession(ctx context.Context, r RoleProfile, opts RoleOptions, expired bool, gone string) (*awsFiles, error) {
	unlock, err := m.loginLock(ctx, r.MFAProfile)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Someone may have logged in while we waited for the lock.
	f, err := m.load(ctx)
	if err != nil {
		return nil, err
	}
	if s, live, _ := f.liveSession(r.MFAProfile, m.now()); live && s.id != gone {
		return f, nil
	}
	need := &NeedLoginError{Profile: r.MFAProfile, For: r.Name, Expired: expired, MidRun: gone != ""}
	p, err := f.profile(r.MFAProfile)
	if err != nil {
		return nil, err
	}
	if p.Problem != nil {
		return nil, p.Problem
	}
	// A code that needs no person (mfa_process, a given code) comes first;
	// then the tray; then the prompter.
	direct := f.mfaProcess(p) != "" || opts.Login.TokenCode != ""
	if !direct && opts.Delegate != nil {
		err := opts.Delegate(ctx, r.MFAProfile, r.Name)
		switch {
		case err == nil:
			f, err := m.load(ctx)
			if err != nil {
				return nil, err
			}
			if s, live, _ := f.liveSession(r.MFAProfile, m.now()); live && s.id != gone {
				return f, nil
			}
			return nil, need
		case errors.Is(err, ErrCanceled):
			return nil, ErrCanceled
		case !errors.Is(err, ErrNoDelegate):
			return nil, err
		}
	}
	if !direct && opts.Login.Prompt == nil {
		return nil, need
	}
	sp := &sessionTokenProvider{m: m, f: f, p: p, forRole: r.Name}
	login := LoginOptions{TokenCode: opts.Login.TokenCode, Prompt: opts.Login.Prompt, Touch: opts.Login.Touch, Stderr: opts.Login.Stderr}
	if _, err := sp.login(ctx, login); err != nil {
		return nil, err
	}
	return m.load(ctx)
}

// loginLock serialises logins of X across processes, bounded by ctx.
func (m *Manager) loginLock(ctx context.Context, x string) (func(), error) {
	dir, err := m.cacheDir()
	if err != nil {
		return nil, err
	}
	_, credPath := m.Paths()
	path := filepath.Join(dir, "login-"+safeFileName(x)+"-"+digest(credPath, x)+".lock")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the cache folder %s: %w", dir, err)
	}
	l := flock.New(path)
	ok, err := l.TryLockContext(ctx, 50*time.Millisecond)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("another awsmfa process is still logging in to %s: try again when it is done", x)
	case ctx.Err() != nil:
		return nil, ErrCanceled
	case err != nil || !ok:
		return nil, fmt.Errorf("lock the login of %s: %w", x, err)
	}
	return func() { l.Unlock() }, nil
}
