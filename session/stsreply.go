package session

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// What STS issues (shapes.go): a session key id is ASIA and 16
// upper-case letters or digits; a secret is 40 characters of base64's
// alphabet (a little slack is allowed); a session token is base64, a few
// hundred bytes from GetSessionToken and a few KB from AssumeRole with
// tags and policies.
const (
	minSessionToken = 16
	maxSessionToken = 64 << 10
	// expirySlack is how far past the longest session an expiry may lie
	// before the reply counts as absurd: clocks differ a little.
	expirySlack = time.Hour
)

// checkCredentials refuses credentials that no STS issues, before anything
// is written: values of the wrong shape or size (a long-term AKIA key, a
// 100 MB token), or an expiry that has passed by the Manager's clock (now)
// or lies beyond the longest session the call can grant (maxLife). Its
// sentences never show the values; for a call that carried a one-time code
// they add that STS may have used it.
func checkCredentials(c *types.Credentials, now time.Time, maxLife time.Duration, p Profile, code string) (sessionCreds, error) {
	creds, err := credentialsOf(c, now, maxLife, p)
	if err != nil && code != "" {
		err = fmt.Errorf("%w; %w", err, ErrCodeMaybeUsed)
	}
	return creds, err
}

func credentialsOf(c *types.Credentials, now time.Time, maxLife time.Duration, p Profile) (sessionCreds, error) {
	from := "the reply from " + endpointName(p.Endpoint)
	fix := "so nothing was written: check the endpoint setting and any proxy"
	if c == nil || aws.ToString(c.AccessKeyId) == "" || aws.ToString(c.SecretAccessKey) == "" || aws.ToString(c.SessionToken) == "" || c.Expiration == nil {
		return sessionCreds{}, fmt.Errorf("%s holds no complete credentials, %s", from, fix)
	}
	id, secret, token, exp := aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken), c.Expiration.UTC()
	switch {
	case len(id) >= 4 && id[:4] == "AKIA":
		return sessionCreds{}, fmt.Errorf("%s holds a long-term access key (AKIA...) instead of session credentials, %s", from, fix)
	case !isSessionKeyID(id):
		return sessionCreds{}, fmt.Errorf("%s holds an access key id that is not a session key (ASIA and 16 capital letters or digits), %s", from, fix)
	case !isSecretKey(secret):
		return sessionCreds{}, fmt.Errorf("%s holds a secret access key of a length or alphabet STS never issues, %s", from, fix)
	case len(token) < minSessionToken || len(token) > maxSessionToken || !isSessionToken(token):
		return sessionCreds{}, fmt.Errorf("%s holds a session token STS would never issue (%d bytes; real ones are at most a few KB of base64), %s", from, len(token), fix)
	case !exp.After(now):
		return sessionCreds{}, fmt.Errorf("%s holds credentials that expired at %s (it is %s on this computer), so nothing was written: check this computer's clock and the endpoint setting",
			from, formatUTC(exp), formatUTC(now))
	case exp.After(now.Add(maxLife + expirySlack)):
		return sessionCreds{}, fmt.Errorf("%s holds credentials valid until %s, longer than any STS session (%s), so nothing was written: check this computer's clock and the endpoint setting",
			from, formatUTC(exp), FormatLeft(maxLife))
	}
	return sessionCreds{accessKeyID: id, secretAccessKey: secret, sessionToken: token, expiration: exp}, nil
}

// grantedDuration is how long the session STS granted lasts from now by
// our clock, to the minute: STS may grant less than asked (a root user, a
// role chain), and that is what the user should read.
func grantedDuration(exp, now time.Time) time.Duration {
	d := exp.Sub(now)
	if d >= time.Minute {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}

func formatUTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
