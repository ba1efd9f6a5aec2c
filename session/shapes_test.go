package session

import (
	"regexp"
	"strings"
	"testing"
)

// The shapes as regular expressions, which is how they were first
// written and how the tests state them.
var shapeOracles = []struct {
	name  string
	re    *regexp.Regexp
	match func(string) bool
}{
	{"session key id", regexp.MustCompile(`^ASIA[A-Z0-9]{16}$`), isSessionKeyID},
	{"secret key", regexp.MustCompile(`^[A-Za-z0-9+/=]{16,128}$`), isSecretKey},
	{"session token", regexp.MustCompile(`^[A-Za-z0-9+/=]+$`), isSessionToken},
	{"MFA serial", regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:mfa/[\w+=,.@/-]+$`), func(s string) bool { return isIAMARN(s, "mfa") }},
	{"role ARN", regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`), func(s string) bool { return isIAMARN(s, "role") }},
	{"role session name", regexp.MustCompile(`^[\w+=,.@-]{2,64}$`), isRoleSessionName},
	{"external id", regexp.MustCompile(`^[\w+=,.@:/-]+$`), isExternalIDChars},
	{"error code", regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`), isErrorCode},
	{"long-term key id in a line", regexp.MustCompile(`(^|[^A-Z0-9])AKIA[A-Z0-9]{16}($|[^A-Z0-9])`), hasAKIAID},
}

var shapeSamples = []string{
	"", "a", "ab", "ASIA", "ASIAEXAMPLE123456789", "ASIAEXAMPLE12345678", "ASIAEXAMPLE1234567890", "ASIAexample123456789",
	"AKIAEXAMPLE123456789", "ASIAEXAMPLE12345678\n", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "short+/=",
	strings.Repeat("a", 15), strings.Repeat("a", 16), strings.Repeat("a", 128), strings.Repeat("a", 129), strings.Repeat("a", 64), strings.Repeat("a", 65),
	"FwoGZXIvYXdzE//////////wEaDA==", "token with space", "tok\x00en", "tökén",
	"arn:aws:iam::123456789012:mfa/user", "arn:aws-us-gov:iam::123456789012:mfa/a/b/c", "arn:aws-cn:iam::123456789012:mfa/u+=,.@_-x",
	"arn:aws:iam::12345678901:mfa/user", "arn:aws:iam::1234567890123:mfa/user", "arn:aws:iam::123456789012:mfa/", "arn:aws:iam::123456789012:mfa",
	"arn:aws:iam::123456789012:mfa/us er", "arn:aws:iam::123456789012:mfa/user\n", "arn:awsX:iam::123456789012:mfa/user", "arn:aws1:iam::123456789012:mfa/user",
	"arn:aws:sts::123456789012:mfa/user", "arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:role/path/to/admin", "arn:aws:iam::123456789012:role/",
	"arn:aws:iam:us-east-1:123456789012:role/x", "arn:aws::iam::123456789012:role/x", "arn:aws:iam::123456789012:role/x:y", "arn:aws:iam::12345678901a:role/x",
	"AKIAEXAMPLE1234567890", "xAKIAEXAMPLE123456789", "-AKIAEXAMPLE123456789-", "old = AKIAEXAMPLE123456789 # kept", "AKIAAKIAEXAMPLE123456789",
	"aws_access_key_id=\"AKIAEXAMPLE123456789\"", "éAKIAEXAMPLE123456789é", "\xffAKIAEXAMPLE123456789", "AKIAEXAMPLE12345678 AKIAEXAMPLE123456789",
	"session-1", "me@example.com", "a:b/c", "Sender:AccessDenied", "InvalidClientTokenId", "Access Denied", "x.y_z-1",
}

func TestShapesAgreeWithTheirPatterns(t *testing.T) {
	for _, o := range shapeOracles {
		for _, s := range shapeSamples {
			if got, want := o.match(s), o.re.MatchString(s); got != want {
				t.Errorf("%s %q: %v, the pattern says %v", o.name, s, got, want)
			}
		}
	}
}

func FuzzShapes(f *testing.F) {
	for _, s := range shapeSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, o := range shapeOracles {
			if got, want := o.match(s), o.re.MatchString(s); got != want {
				t.Errorf("%s %q: %v, the pattern says %v", o.name, s, got, want)
			}
		}
	})
}
