package session

import (
	"context"
	"time"
)

// A provider is one kind of login behind Manager.Login, in the spirit of
// aws-vault's one provider per STS call: it knows where its credentials are
// kept, and how to get and keep fresh ones, asking for a code through the
// core's conversation when it needs one. Manager.Login picks the provider
// for a profile, so the UIs call Login for every kind and their interfaces
// do not grow with each:
//
//   - sessionTokenProvider: an MFA profile; GetSessionToken with the
//     long-term keys and a code, kept in [X] of the credentials file.
//   - assumeRoleProvider: a role profile; AssumeRole with the live session
//     of its MFA profile (logging that in first), kept in the role cache.
//   - IAM Identity Center profiles will be a third: GetRoleCredentials with
//     the SSO token, asking through the same LoginOptions.
type provider interface {
	// status is where the provider's kept credentials stand.
	status(now time.Time, warn time.Duration) Status
	// login gets fresh credentials, keeps them, and says until when.
	login(ctx context.Context, opts LoginOptions) (Session, error)
}

// provider picks the kind of login for profile name.
func (m *Manager) provider(f *awsFiles, name string) (provider, error) {
	if f.isRole(name) {
		r, err := f.roleProfile(name)
		if err != nil {
			return nil, err
		}
		if r.Problem != nil {
			return nil, r.Problem
		}
		return &assumeRoleProvider{m: m, f: f, r: r}, nil
	}
	p, err := f.profile(name)
	if err != nil {
		return nil, err
	}
	if p.Problem != nil {
		return nil, p.Problem
	}
	return &sessionTokenProvider{m: m, f: f, p: p}, nil
}
