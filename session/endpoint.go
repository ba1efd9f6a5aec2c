package session

import (
	"os"
	"strings"
)

// stsEndpoint resolves the STS endpoint override with the SDKs' precedence:
// AWS_ENDPOINT_URL_STS, then the profile's services section, then
// AWS_ENDPOINT_URL, then the profile's endpoint_url; all of it switched off
// by AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or ignore_configured_endpoint_urls.
// The SDKs read the selected profile, X; L is read too because users put
// settings beside the keys, and X's own value wins.
func (f *awsFiles) stsEndpoint(x, l string) string {
	if isTrue(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
		return ""
	}
	if v, ok := f.cfgGet(x, "ignore_configured_endpoint_urls"); ok && isTrue(v) {
		return ""
	}
	if v := os.Getenv("AWS_ENDPOINT_URL_STS"); v != "" {
		return v
	}
	for _, n := range []string{x, l} {
		if svc, ok := f.cfgGet(n, "services"); ok {
			if sub, ok := f.cfg.Nested("services "+svc, "sts"); ok && sub["endpoint_url"] != "" {
				return sub["endpoint_url"]
			}
		}
	}
	if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		return v
	}
	for _, n := range []string{x, l} {
		if v, ok := f.cfgGet(n, "endpoint_url"); ok {
			return v
		}
	}
	return ""
}

func isTrue(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "true") }
