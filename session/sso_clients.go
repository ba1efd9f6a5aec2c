package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/gofrs/flock"
)

const ssoAttempts = 3

// ssoHTTP is the HTTP client of a login's SSO calls: the configured one
// (tests), else the STS calls' shared client for the same CA bundle, which
// trusts AWS_CA_BUNDLE or ca_bundle as the SDKs do, bounds replies and
// tells a lost reply from a refused request.
func (m *Manager) ssoHTTP(bundle CABundle) (aws.HTTPClient, error) {
	if m.cfg.SSO.HTTPClient != nil {
		return m.cfg.SSO.HTTPClient, nil
	}
	return stsHTTPClient(bundle)
}

// ssoRetryer resends only what IAM Identity Center refused before acting
// on it (throttling, 5xx) and connections that never opened, as for STS:
// an authorization code and a refresh token are good once, so a resent
// exchange whose first reply was lost would read as refused.
func ssoRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = ssoAttempts
		o.MaxBackoff = 2 * time.Second
		o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(retryableSTS)}
	})
}

// oidc returns the SSO OIDC client of the login; its calls are unsigned,
// so no credentials of any profile can leak into them.
func (m *Manager) oidc(l *ssoLogin) SSOOIDCAPI {
	if m.cfg.SSO.NewOIDC != nil {
		return m.cfg.SSO.NewOIDC(l.region, l.oidcURL)
	}
	o := ssooidc.Options{Region: l.region, HTTPClient: l.http, Retryer: ssoRetryer()}
	if l.oidcURL != "" {
		o.BaseEndpoint = aws.String(l.oidcURL)
	}
	return ssooidc.New(o)
}

func (m *Manager) portal(l *ssoLogin) SSOPortalAPI {
	if m.cfg.SSO.NewPortal != nil {
		return m.cfg.SSO.NewPortal(l.region, l.portalURL)
	}
	o := sso.Options{Region: l.region, HTTPClient: l.http, Retryer: ssoRetryer()}
	if l.portalURL != "" {
		o.BaseEndpoint = aws.String(l.portalURL)
	}
	return sso.New(o)
}

// ssoEndpoints are the OIDC and portal endpoint overrides for a login
// that takes its settings from profile: AWS_ENDPOINT_URL_SSO_OIDC or a
// services section's sso_oidc, and AWS_ENDPOINT_URL_SSO or sso for the
// portal. AWS_ENDPOINT_URL and endpoint_url are left out, as
// aws-sdk-go-v2's SSO credentials leave them out (it resolves them after
// the credentials): a LocalStack endpoint_url must not get the sign-in.
func (f *awsFiles) ssoEndpoints(profile string) (oidcURL, portalURL string) {
	if profile == "" {
		profile = DefaultProfile()
	}
	return f.specificEndpoint("SSO_OIDC", "sso_oidc", profile), f.specificEndpoint("SSO", "sso", profile)
}

// oidcBase is the scheme and host the authorize page lives on: the OIDC
// endpoint the SDK resolves, as the AWS CLI derives it.
func oidcBase(ctx context.Context, region, override string) (string, error) {
	raw := override
	if raw == "" {
		ep, err := ssooidc.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, ssooidc.EndpointParameters{Region: aws.String(region)})
		if err != nil {
			return "", fmt.Errorf("no IAM Identity Center endpoint for region %q: check sso_region", region)
		}
		raw = ep.URI.String()
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("the SSO OIDC endpoint %q is not a URL like https://oidc.eu-west-1.amazonaws.com", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// lockSSO takes the per-session login lock next to the token, so that one
// login flow runs per session whoever asks: the tray, the CLI, another
// terminal. It is not inifile's write lock: that one guards each write,
// this one the whole conversation. waiting is called once if another
// process holds it; the wait ends with ctx.
func (m *Manager) lockSSO(ctx context.Context, s SSOSession, waiting func(string)) (unlock func(), err error) {
	dir := m.ssoCacheDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	l := flock.New(filepath.Join(dir, s.cacheKey()+".login.lock"), flock.SetPermissions(0o600))
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock the SSO login of %s: %w", s.Name, err)
	}
	if !ok {
		if waiting != nil {
			waiting(s.Name)
		}
		ok, err = l.TryLockContext(ctx, 100*time.Millisecond)
		if !ok || err != nil {
			if ctx.Err() != nil {
				return nil, ErrCanceled
			}
			return nil, fmt.Errorf("lock the SSO login of %s: %w", s.Name, err)
		}
	}
	return func() { l.Unlock() }, nil
}

// tryLockSSO takes the lock only if it is free: a refresh never waits for
// a login, which makes a fresh token anyway.
func (m *Manager) tryLockSSO(s SSOSession) (unlock func(), ok bool, err error) {
	dir := m.ssoCacheDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create %s: %w", dir, err)
	}
	l := flock.New(filepath.Join(dir, s.cacheKey()+".login.lock"), flock.SetPermissions(0o600))
	ok, err = l.TryLock()
	if err != nil || !ok {
		return nil, false, err
	}
	return func() { l.Unlock() }, true, nil
}

// noRedirectClient is the client for start-URL resolution: it looks at
// one redirect and follows none, and trusts the login's CA bundle.
func (m *Manager) noRedirectClient(l *ssoLogin) (*http.Client, error) {
	c := &http.Client{Timeout: 10 * time.Second}
	if base := m.cfg.SSO.HTTPClient; base != nil {
		c.Transport = base.Transport
	} else if l.bundle.Path != "" {
		pem, err := l.bundle.read()
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the CA bundle %s (%s) holds no PEM certificate: point it at a file of \"-----BEGIN CERTIFICATE-----\" blocks", l.bundle.Path, l.bundle.From)
		}
		c.Transport = &http.Transport{Proxy: http.ProxyFromEnvironment, TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}}
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c, nil
}

func trimSlash(s string) string { return strings.TrimRight(s, "/") }
