package session

import (
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
	if f.endpointsIgnored(profiles) {
		return ""
	}
	if v := f.specificEndpoint(env, svc, profiles...); v != "" {
		return v
	}
	if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		return v
	}
	for _, n := range profiles {
		if v, ok := f.cfgGet(n, "endpoint_url"); ok {
			return v
		}
	}
	return ""
}

// specificEndpoint is the override of one service only:
// AWS_ENDPOINT_URL_<ENV>, then the profiles' services section (key svc);
// all of it switched off by AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the
// first profile's ignore_configured_endpoint_urls.
func (f *awsFiles) specificEndpoint(env, svc string, profiles ...string) string {
	if f.endpointsIgnored(profiles) {
		return ""
	}
	if v := os.Getenv("AWS_ENDPOINT_URL_" + env); v != "" {
		return v
	}
	for _, n := range profiles {
		if services, ok := f.cfgGet(n, "services"); ok {
			if sub, ok := f.cfg.Nested("services "+services, svc); ok && sub["endpoint_url"] != "" {
				return sub["endpoint_url"]
			}
		}
	}
	return ""
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
