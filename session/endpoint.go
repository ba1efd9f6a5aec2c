package session

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// stsEndpoint resolves the STS endpoint override; see serviceEndpoint. The
// SDKs read the selected profile, X; L is read too because users put
// settings beside the keys, and X's own value wins.
func (f *awsFiles) stsEndpoint(x, l string) string {
	return f.serviceEndpoint("STS", "sts", x, l)
}

// serviceEndpoint resolves a service's endpoint override with the SDKs'
// precedence: the service's own override (see specificEndpoint), then
// AWS_ENDPOINT_URL, then the profiles' endpoint_url. Empty means AWS's own.
func (f *awsFiles) serviceEndpoint(env, svc string, profiles ...string) string {
	v, _ := f.serviceEndpointFrom(env, svc, profiles...)
	return v
}

// serviceEndpointFrom is serviceEndpoint and where the value was set, for
// messages.
func (f *awsFiles) serviceEndpointFrom(env, svc string, profiles ...string) (value, from string) {
	if f.endpointsIgnored(profiles) {
		return "", ""
	}
	if v, from := f.specificEndpointFrom(env, svc, profiles...); v != "" {
		return v, from
	}
	if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		return v, "AWS_ENDPOINT_URL"
	}
	for _, n := range profiles {
		if v, ok := f.cfgGet(n, "endpoint_url"); ok {
			return v, fmt.Sprintf("endpoint_url of profile %s in %s", n, f.cfgPath)
		}
	}
	return "", ""
}

// specificEndpoint is the override of one service only:
// AWS_ENDPOINT_URL_<ENV>, then the profiles' services section (key svc);
// all of it switched off by AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the
// first profile's ignore_configured_endpoint_urls.
func (f *awsFiles) specificEndpoint(env, svc string, profiles ...string) string {
	v, _ := f.specificEndpointFrom(env, svc, profiles...)
	return v
}

func (f *awsFiles) specificEndpointFrom(env, svc string, profiles ...string) (value, from string) {
	if f.endpointsIgnored(profiles) {
		return "", ""
	}
	if v := os.Getenv("AWS_ENDPOINT_URL_" + env); v != "" {
		return v, "AWS_ENDPOINT_URL_" + env
	}
	for _, n := range profiles {
		if services, ok := f.cfgGet(n, "services"); ok {
			if sub, ok := f.cfg.Nested("services "+services, svc); ok && sub["endpoint_url"] != "" {
				return sub["endpoint_url"], fmt.Sprintf("%s endpoint_url of [services %s] in %s", svc, services, f.cfgPath)
			}
		}
	}
	return "", ""
}

// stsEndpointProblem says why the STS endpoint profile x (with long-term
// profile l) would call cannot be called, or nil: the SDK sends only to
// http:// and https:// URLs, and says so only once the code is spent.
func (f *awsFiles) stsEndpointProblem(x, l string) error {
	v, from := f.serviceEndpointFrom("STS", "sts", x, l)
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, "http") {
		return fmt.Errorf("the STS endpoint %q (%s) is not an http:// or https:// URL, the only kind STS answers: fix it (for example https://sts.eu-west-1.amazonaws.com), or remove it to use AWS's own", endpointName(v), from)
	}
	return nil
}

func (f *awsFiles) endpointsIgnored(profiles []string) bool {
	if isTrue(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
		return true
	}
	if len(profiles) > 0 {
		if v, ok := f.cfgGet(profiles[0], "ignore_configured_endpoint_urls"); ok && isTrue(v) {
			return true
		}
	}
	return false
}

func isTrue(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "true") }
