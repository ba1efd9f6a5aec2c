package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Start URLs the way "aws sso login" reads them since it learned vanity
// URLs (awscli/customizations/sso/resolve.py): an AWS-owned host is used
// as it is, with sso_region; any other host is asked once where it
// redirects, and must land on an AWS-owned https host, which may name the
// region.

var awsOwnedSuffixes = []string{
	".app.aws", ".portal.amazonaws.com", ".portal.amazonaws.com.cn", ".app.amazonwebservices.com.cn",
	".portal.amazonaws.eu", ".api.amazonwebservices.eu", ".awsapps.com", ".awsapps.cn",
}

var awsOwnedExact = []string{
	"identitycenter.amazonaws.com", "identitycenter.amazonaws.com.cn",
	"identitycenter.amazonaws.eu", "identitycenter.us-gov.amazonaws.com",
}

var regionFromHost = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`(?i)^[^.]+\.portal\.([a-z0-9-]+)\.app\.aws$`),
		regexp.MustCompile(`(?i)^[^.]+\.([a-z0-9-]+)\.portal\.amazonaws\.com$`),
		regexp.MustCompile(`(?i)^[^.]+\.([a-z0-9-]+)\.portal\.amazonaws\.com\.cn$`),
		regexp.MustCompile(`(?i)^[^.]+\.portal\.([a-z0-9-]+)\.app\.amazonwebservices\.com\.cn$`),
		regexp.MustCompile(`(?i)^[^.]+\.([a-z0-9-]+)\.portal\.amazonaws\.eu$`),
		regexp.MustCompile(`(?i)^[^.]+\.portal\.([a-z0-9-]+)\.api\.amazonwebservices\.eu$`),
	}
})

func awsOwnedHost(h string) bool {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	for _, x := range awsOwnedExact {
		if h == x {
			return true
		}
	}
	for _, suf := range awsOwnedSuffixes {
		if h == suf[1:] || strings.HasSuffix(h, suf) {
			return true
		}
	}
	return false
}

// resolveStartURL returns the start URL to send to IAM Identity Center and
// the region to use. where names the config section for messages.
func (m *Manager) resolveStartURL(ctx context.Context, l *ssoLogin) (resolved, region string, err error) {
	s, where := l.s, l.where
	u, err := url.Parse(s.StartURL)
	if err != nil || u.Hostname() == "" {
		return "", "", fmt.Errorf("sso_start_url %q in %s is not a URL like https://acme.awsapps.com/start", s.StartURL, where)
	}
	if u.Scheme != "https" {
		return "", "", fmt.Errorf("sso_start_url %q in %s must use https", s.StartURL, where)
	}
	if awsOwnedHost(u.Hostname()) {
		if s.Region == "" {
			return "", "", fmt.Errorf("%s has no sso_region: add the region of your IAM Identity Center", where)
		}
		return s.StartURL, s.Region, nil
	}
	final, err := m.followOnce(ctx, l, s.StartURL)
	if err != nil {
		if ctx.Err() != nil {
			return "", "", ErrCanceled
		}
		if tlsErr := explainTLS(err, l.bundle, u.Host); tlsErr != nil {
			return "", "", fmt.Errorf("the start URL %s in %s: %w", s.StartURL, where, tlsErr)
		}
		return "", "", fmt.Errorf("the start URL %s in %s did not answer (%s): check sso_start_url and your network connection", s.StartURL, where, newScrubber().clean(innermost(err).Error()))
	}
	fu, err := url.Parse(final)
	if err != nil || !awsOwnedHost(fu.Hostname()) {
		return "", "", fmt.Errorf("the start URL %s in %s leads to %s, which is not an IAM Identity Center address: check sso_start_url", s.StartURL, where, final)
	}
	if fu.Scheme != "https" {
		return "", "", fmt.Errorf("the start URL %s in %s leads to %s, which does not use https", s.StartURL, where, final)
	}
	region = s.Region
	for _, re := range regionFromHost() {
		if mm := re.FindStringSubmatch(strings.TrimSuffix(fu.Hostname(), ".")); mm != nil {
			region = strings.ToLower(mm[1])
			break
		}
	}
	switch {
	case region == "":
		return "", "", fmt.Errorf("cannot tell the region of %s from where it leads (%s): add sso_region to %s", s.StartURL, final, where)
	case s.Region != "" && region != s.Region:
		// The AWS CLI rewrites sso_region here; we do not touch the
		// config unasked, and the other SDKs would use the wrong region.
		return "", "", fmt.Errorf("the start URL %s belongs to IAM Identity Center in %s, but %s says sso_region = %s: set sso_region = %s there", s.StartURL, region, where, s.Region, region)
	}
	return normalizeURL(fu), region, nil
}

// followOnce does what the CLI does: HEAD (GET where HEAD is not
// allowed), and at most one redirect, which it does not load.
func (m *Manager) followOnce(ctx context.Context, l *ssoLogin, raw string) (string, error) {
	c, err := m.noRedirectClient(l)
	if err != nil {
		return "", err
	}
	do := func(method string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, raw, nil)
		if err != nil {
			return nil, err
		}
		resp, err := c.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				return nil, ue.Err
			}
			return nil, err
		}
		resp.Body.Close()
		return resp, nil
	}
	resp, err := do(http.MethodHead)
	if err == nil && (resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotImplemented) {
		resp, err = do(http.MethodGet)
	}
	if err != nil {
		return "", err
	}
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc := resp.Header.Get("Location")
		if loc == "" {
			return "", errors.New("a redirect without a Location")
		}
		base, _ := url.Parse(raw)
		next, err := base.Parse(loc)
		if err != nil {
			return "", fmt.Errorf("a redirect to %q", loc)
		}
		return next.String(), nil
	}
	if resp.StatusCode >= 400 {
		return "", fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return raw, nil
}

// normalizeURL drops the query, fragment, trailing slash and default port.
func normalizeURL(u *url.URL) string {
	host := u.Hostname()
	if p := u.Port(); p != "" && !(u.Scheme == "https" && p == "443") && !(u.Scheme == "http" && p == "80") {
		host += ":" + p
	}
	return u.Scheme + "://" + host + strings.TrimRight(u.Path, "/")
}
