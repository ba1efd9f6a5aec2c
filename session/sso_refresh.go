package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

// SSORefresh renews session name's token with its refresh token, now,
// without a browser. It waits for a login of the same session that is
// running, and then uses its token. When only a sign-in helps, the error
// wraps ErrSSOLoginRequired.
func (m *Manager) SSORefresh(ctx context.Context, name string) (SSOToken, error) {
	l, err := m.prepareSSO(ctx, name, SSOLoginOptions{})
	if err != nil {
		return SSOToken{}, err
	}
	before, _, _ := readSSOToken(l.s.TokenFile)
	unlock, err := m.lockSSO(ctx, l.s, nil)
	if err != nil {
		return SSOToken{}, err
	}
	defer unlock()
	if cur, _, err := readSSOToken(l.s.TokenFile); err == nil && cur.AccessToken != before.AccessToken &&
		cur.ExpiresAt.Sub(m.now()) > m.SSORefreshBefore() {
		return SSOToken{Session: l.s.Name, Expiration: cur.ExpiresAt, Duration: cur.ExpiresAt.Sub(m.now()), Flow: SSOByOtherLogin}, nil
	}
	return m.refreshLocked(ctx, l)
}

// SSORefreshOutcome is the outcome of one refresh SSORefreshDue tried.
type SSORefreshOutcome struct {
	Session string
	Token   SSOToken // when Err is nil
	Err     error    // wraps ErrSSOLoginRequired when only a sign-in helps
}

// SSORefreshDue refreshes every token that is refreshable and within
// RefreshBefore of its expiry, skipping sessions whose login is running
// (it makes a fresh token anyway). The tray calls it on its tick, before
// it takes the snapshot it alerts from; a session that needs a sign-in
// then shows as not refreshable, and Alerts.DueSSO says so in time.
func (m *Manager) SSORefreshDue(ctx context.Context) ([]SSORefreshOutcome, error) {
	snap, err := m.SSOSessions()
	if err != nil {
		return nil, err
	}
	var out []SSORefreshOutcome
	for _, st := range snap.Sessions {
		if !m.refreshDue(st, snap.Taken) {
			continue
		}
		unlock, ok, err := m.tryLockSSO(st.Session)
		if err != nil {
			out = append(out, SSORefreshOutcome{Session: st.Session.Name, Err: err})
			continue
		}
		if !ok {
			continue
		}
		l, err := m.prepareSSO(ctx, st.Session.Name, SSOLoginOptions{})
		var t SSOToken
		if err == nil {
			t, err = m.refreshLocked(ctx, l)
		}
		unlock()
		out = append(out, SSORefreshOutcome{Session: st.Session.Name, Token: t, Err: err})
	}
	return out, nil
}

// refreshLocked does the refresh; the caller holds the session's lock.
func (m *Manager) refreshLocked(ctx context.Context, l *ssoLogin) (SSOToken, error) {
	s := l.s
	tok, exists, err := readSSOToken(s.TokenFile)
	if err != nil {
		return SSOToken{}, fmt.Errorf("%w; it was left as it is", err)
	}
	now := m.now()
	need := func(reason string) error { return &SSOLoginRequiredError{Session: s.Name, Reason: reason} }
	switch {
	case !exists:
		return SSOToken{}, need(s.Name + " is not logged in")
	case tok.RefreshToken == "":
		return SSOToken{}, need("the token of " + s.Name + " has no refresh token (legacy profiles get none)")
	case tok.ClientID == "" || tok.ClientSecret == "":
		return SSOToken{}, need("the token of " + s.Name + " has no client registration")
	case !tok.RegistrationExpiresAt.After(now):
		return SSOToken{}, need("the client registration of " + s.Name + " expired on " + tok.RegistrationExpiresAt.Format("2006-01-02"))
	case !tok.sameStart(s):
		return SSOToken{}, need("the token of " + s.Name + " was issued for " + tok.StartURL + ", not for its sso_start_url")
	}
	// The config's region, as botocore and aws-sdk-go-v2 refresh with it.
	region := s.Region
	if region == "" {
		region = tok.Region
	}
	l.region = region
	out, err := m.oidc(l).CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId:     aws.String(tok.ClientID),
		ClientSecret: aws.String(tok.ClientSecret),
		GrantType:    aws.String(grantRefreshToken),
		RefreshToken: aws.String(tok.RefreshToken),
	})
	if err != nil {
		if reason := refusedRefresh(err); reason != "" {
			// Another reader (botocore, the JS SDK) may have refreshed with
			// the same refresh token first: then its token is the good one.
			if cur, _, cerr := readSSOToken(s.TokenFile); cerr == nil && cur.RefreshToken != tok.RefreshToken && cur.ExpiresAt.After(now) {
				return SSOToken{Session: s.Name, Expiration: cur.ExpiresAt, Duration: cur.ExpiresAt.Sub(now), Flow: SSOByOtherLogin}, nil
			}
			m.dropRefreshToken(l, tok, err)
			return SSOToken{}, need(fmt.Sprintf("IAM Identity Center refused to renew %s (%s)", s.Name, reason))
		}
		return SSOToken{}, m.explainSSO(err, "CreateToken", l, tok.ClientSecret, tok.RefreshToken)
	}
	if aws.ToString(out.AccessToken) == "" || out.ExpiresIn <= 0 {
		return SSOToken{}, errors.New("IAM Identity Center answered the refresh without a token; the old token was kept")
	}
	tok.AccessToken = aws.ToString(out.AccessToken)
	tok.ExpiresAt = m.now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC().Truncate(time.Second)
	if rt := aws.ToString(out.RefreshToken); rt != "" {
		tok.RefreshToken = rt
	}
	if err := writeSSOToken(s.TokenFile, tok); err != nil {
		return SSOToken{}, err
	}
	return SSOToken{Session: s.Name, Expiration: tok.ExpiresAt, Duration: time.Duration(out.ExpiresIn) * time.Second, Flow: SSORefreshed}, nil
}

// refusedRefresh names the refusals that no retry mends; "" for others
// (network, throttling, 5xx), after which the token stays as it is.
func refusedRefresh(err error) string {
	var ig *types.InvalidGrantException
	var ic *types.InvalidClientException
	var uc *types.UnauthorizedClientException
	var ad *types.AccessDeniedException
	var et *types.ExpiredTokenException
	switch {
	case errors.As(err, &ig):
		return "the sign-in has ended"
	case errors.As(err, &ic):
		return "the client registration is no longer valid"
	case errors.As(err, &uc):
		return "the client may not refresh"
	case errors.As(err, &ad):
		return "access denied"
	case errors.As(err, &et):
		return "the refresh token has expired"
	}
	return ""
}

// dropRefreshToken records a refused refresh in the file itself, so that
// every reader, this tray included, sees that only a sign-in helps; the
// access token stays until it expires. A dead registration goes from the
// registration cache too, or the next login would reuse it.
func (m *Manager) dropRefreshToken(l *ssoLogin, tok ssoToken, cause error) {
	tok.RefreshToken = ""
	_ = writeSSOToken(l.s.TokenFile, tok)
	var ic *types.InvalidClientException
	if errors.As(cause, &ic) {
		path := m.registrationPath(l.s, l.region)
		if r, ok := readRegistration(path); ok && r.ClientID == tok.ClientID {
			_ = os.Remove(path)
		}
	}
}
