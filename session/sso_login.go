package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

// The AWS CLI's registration, so that its cache entry and ours are one:
// the same client name, type, grants, redirect and default scope.
const (
	ssoClientPrefix   = "botocore-client-"
	ssoRedirectNoPort = "http://127.0.0.1/oauth/callback"
	ssoDefaultScope   = "sso:account:access"
	grantAuthCode     = "authorization_code"
	grantRefreshToken = "refresh_token"
	grantDeviceCode   = "urn:ietf:params:oauth:grant-type:device_code"
	// registrationWindow: botocore registers anew when its registration has
	// less than this left, and so do we.
	registrationWindow = 15 * time.Minute
	defaultLoginWait   = 10 * time.Minute
)

// ssoLogin is one login conversation's settings.
type ssoLogin struct {
	s                  SSOSession
	where              string // the config section, for messages
	startURL, region   string // resolved
	oidcURL, portalURL string // endpoint overrides
	bundle             CABundle
	http               aws.HTTPClient
	opts               SSOLoginOptions
}

// ssoWhere names the section that configures s, for messages.
func ssoWhere(f *awsFiles, s SSOSession) string {
	if s.Legacy && len(s.Profiles) > 0 {
		sec, _ := f.sdkProfileSection(s.Profiles[0].Name)
		return "[" + sec + "] in " + f.cfgPath
	}
	return "[sso-session " + s.Name + "] in " + f.cfgPath
}

// prepareSSO reads the config for session name and resolves what a login
// or refresh of it needs.
func (m *Manager) prepareSSO(ctx context.Context, name string, opts SSOLoginOptions) (*ssoLogin, error) {
	f, err := m.load(ctx)
	if err != nil {
		return nil, err
	}
	s, err := m.findSSOSession(f, name)
	if err != nil {
		return nil, err
	}
	if s.Problem != nil {
		return nil, s.Problem
	}
	l := &ssoLogin{s: s, where: ssoWhere(f, s), opts: opts}
	profile := opts.Profile
	if profile == "" {
		profile = DefaultProfile()
	}
	l.oidcURL, l.portalURL = f.ssoEndpoints(profile)
	l.bundle = f.caBundle(profile, "")
	if l.http, err = m.ssoHTTP(l.bundle); err != nil {
		return nil, err
	}
	return l, nil
}

// formatWait words a wait: "10m", or "300ms" for the short ones of tests.
func formatWait(d time.Duration) string {
	if d < time.Second {
		return d.String()
	}
	return FormatLeft(d)
}

func (m *Manager) loginWait() time.Duration {
	if m.cfg.SSO.LoginTimeout > 0 {
		return m.cfg.SSO.LoginTimeout
	}
	return defaultLoginWait
}

// SSOLogin logs in to session name the way "aws sso login" does and
// writes the token where every SDK reads it. A valid token is kept
// (SSOActiveError) unless opts.Force; an expiring one is refreshed without
// a browser when it can be. Only one login per session runs at a time,
// across processes: a second one waits and uses the first one's token.
func (m *Manager) SSOLogin(ctx context.Context, name string, opts SSOLoginOptions) (SSOToken, error) {
	l, err := m.prepareSSO(ctx, name, opts)
	if err != nil {
		return SSOToken{}, err
	}
	s := l.s
	before, _, _ := readSSOToken(s.TokenFile)
	waited := false
	unlock, err := m.lockSSO(ctx, s, func(n string) {
		waited = true
		if opts.Waiting != nil {
			opts.Waiting(n)
		}
	})
	if err != nil {
		return SSOToken{}, err
	}
	defer unlock()

	tok, exists, terr := readSSOToken(s.TokenFile)
	now := m.now()
	if terr != nil && !opts.Force {
		return SSOToken{}, fmt.Errorf("%w; it was left as it is: remove it, or pass --force to replace it with a new login", terr)
	}
	if exists && terr == nil && tok.sameStart(s) {
		state, left := StateAt(tok.ExpiresAt, now, m.warnBefore())
		if waited && tok.AccessToken != before.AccessToken && state == Active {
			return SSOToken{Session: s.Name, Expiration: tok.ExpiresAt, Duration: tok.ExpiresAt.Sub(now), Flow: SSOByOtherLogin}, nil
		}
		if !opts.Force && state == Active {
			return SSOToken{}, &SSOActiveError{Session: s.Name, Left: left, Until: tok.ExpiresAt}
		}
		if !opts.Force && tok.refreshable(now) {
			t, err := m.refreshLocked(ctx, l)
			if err == nil || !errors.Is(err, ErrSSOLoginRequired) {
				return t, err
			}
			// The refresh token was refused: only a sign-in helps.
		}
	}
	// Resolved only now: a kept or refreshed token needs no start URL.
	if l.startURL, l.region, err = m.resolveStartURL(ctx, l); err != nil {
		return SSOToken{}, err
	}
	var flow SSOFlow
	if s.Legacy || opts.UseDeviceCode {
		tok, err = m.ssoDeviceLogin(ctx, l, "")
		flow = SSODeviceCode
	} else {
		tok, flow, err = m.ssoAuthCodeLogin(ctx, l)
	}
	if err != nil {
		return SSOToken{}, err
	}
	if err := writeSSOToken(s.TokenFile, tok); err != nil {
		return SSOToken{}, err
	}
	return SSOToken{Session: s.Name, Expiration: tok.ExpiresAt, Duration: tok.granted, Flow: flow}, nil
}

// registration returns a client registration for the flow: the cached one
// when it is for the same grant and has more than registrationWindow
// left, else a new one. A new one is returned with write set: it is cached
// only once a token is obtained, so a failed login writes nothing.
func (m *Manager) registration(ctx context.Context, oidc SSOOIDCAPI, l *ssoLogin, authCode, fresh bool) (r ssoRegistration, write bool, err error) {
	path := m.registrationPath(l.s, l.region)
	now := m.now()
	if !fresh {
		if c, ok := readRegistration(path); ok && c.ExpiresAt.Sub(now) >= registrationWindow && c.forAuthCode() == authCode {
			return c, false, nil
		}
	}
	name := l.s.Name
	if l.s.Legacy {
		name = strconv.FormatInt(now.Unix(), 10) // the CLI's name for legacy profiles
	}
	in := &ssooidc.RegisterClientInput{ClientName: aws.String(ssoClientPrefix + name), ClientType: aws.String("public")}
	if authCode {
		in.GrantTypes = []string{grantAuthCode, grantRefreshToken}
		in.RedirectUris = []string{ssoRedirectNoPort}
		in.IssuerUrl = aws.String(l.startURL)
		in.Scopes = l.s.Scopes
		if len(in.Scopes) == 0 {
			in.Scopes = []string{ssoDefaultScope}
		}
	} else if len(l.s.Scopes) > 0 {
		in.Scopes = l.s.Scopes
	}
	out, err := oidc.RegisterClient(ctx, in)
	if err != nil {
		return r, false, m.explainSSO(err, "RegisterClient", l)
	}
	if aws.ToString(out.ClientId) == "" || aws.ToString(out.ClientSecret) == "" {
		return r, false, errors.New("IAM Identity Center answered RegisterClient without a client id; nothing was written")
	}
	r = ssoRegistration{
		ClientID: aws.ToString(out.ClientId), ClientSecret: aws.ToString(out.ClientSecret),
		ExpiresAt: time.Unix(out.ClientSecretExpiresAt, 0).UTC(), Scopes: in.Scopes, GrantTypes: in.GrantTypes,
	}
	return r, true, nil
}

// newToken is what a login writes: the AWS CLI's fields, with the
// registration cached alongside.
func (m *Manager) newToken(l *ssoLogin, reg ssoRegistration, out *ssooidc.CreateTokenOutput) (ssoToken, error) {
	if aws.ToString(out.AccessToken) == "" || out.ExpiresIn <= 0 {
		return ssoToken{}, errors.New("IAM Identity Center answered CreateToken without a token; nothing was written")
	}
	return ssoToken{
		StartURL:              l.s.StartURL,
		Region:                l.region,
		AccessToken:           aws.ToString(out.AccessToken),
		ExpiresAt:             m.now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC().Truncate(time.Second),
		ClientID:              reg.ClientID,
		ClientSecret:          reg.ClientSecret,
		RegistrationExpiresAt: reg.ExpiresAt,
		RefreshToken:          aws.ToString(out.RefreshToken),
		granted:               time.Duration(out.ExpiresIn) * time.Second,
	}, nil
}

// newPKCE returns an RFC 7636 verifier as the AWS CLI makes it (64
// unreserved characters) and its S256 challenge without padding.
func newPKCE() (verifier, challenge string) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
	b := make([]byte, 0, 64)
	buf := make([]byte, 128)
	for len(b) < 64 {
		_, _ = rand.Read(buf)
		for _, c := range buf {
			if int(c) < 256-256%len(alphabet) && len(b) < 64 {
				b = append(b, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	sum := sha256.Sum256(b)
	return string(b), base64.RawURLEncoding.EncodeToString(sum[:])
}

// newState is a random UUID, the CLI's state parameter.
func newState() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
