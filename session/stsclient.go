package session

import (
	"context"
	"crypto/sha256"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// stsAttempts bounds retries of what STS refused before acting on it
// (throttling, 5xx) and of connections that never opened; the overall
// deadline (Config.Timeout) bounds them in time.
const stsAttempts = 4

// stsHTTPClients are shared by every STS client, one per CA bundle: a
// client per login would leave its goroutines behind each time, which adds
// up in the long-running tray.
var (
	stsHTTPMu      sync.Mutex
	stsHTTPClients = map[[sha256.Size]byte]aws.HTTPClient{}
)

// NewSTSClient is the real STS client for p, signed with the long-term keys
// only: it is built from scratch, so environment credentials, a session
// token or another profile's settings can never leak into the call. It
// trusts the CA bundle the SDKs would (AWS_CA_BUNDLE, else ca_bundle), reads
// at most maxReplyBytes of any reply, and resends a request only when STS
// cannot have acted on it (see retryableSTS).
func NewSTSClient(_ context.Context, p Profile, keys Keys) (STSAPI, error) {
	httpClient, err := stsHTTPClient(p.CABundle)
	if err != nil {
		return nil, err
	}
	cfg := aws.Config{
		Region:      p.Region,
		HTTPClient:  httpClient,
		Credentials: credentials.NewStaticCredentialsProvider(keys.AccessKeyID, keys.SecretAccessKey, ""),
		Retryer:     stsRetryer,
	}
	if p.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(p.Endpoint)
	}
	return sts.NewFromConfig(cfg), nil
}

// stsHTTPClient returns the shared client for bundle (zero: the system's
// roots).
func stsHTTPClient(bundle CABundle) (aws.HTTPClient, error) {
	pem, err := bundle.read()
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256(pem)
	stsHTTPMu.Lock()
	defer stsHTTPMu.Unlock()
	if c, ok := stsHTTPClients[key]; ok {
		return c, nil
	}
	c, err := newGuardedClient(bundle, pem)
	if err != nil {
		return nil, err
	}
	stsHTTPClients[key] = c
	return c, nil
}

func stsRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = stsAttempts
		o.MaxBackoff = 2 * time.Second
		o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(retryableSTS)}
	})
}

// retryableSTS decides what may be sent again. A GetSessionToken carries a
// one-time code, and STS refuses a code it has seen: resending one that
// reached STS turns a lost reply into "wrong code". So only what STS
// explicitly refused before acting on it (throttling, 5xx, a signature
// refused for clock skew) and connections that never opened are retried;
// anything after the request may have left, such as a reset, a cut or
// unreadable reply, is not. The SDK's default would retry "connection
// reset" and "use of closed network connection" while reading a 200 body.
func retryableSTS(err error) aws.Ternary {
	var lost *replyLostError
	var tooLarge *replyTooLargeError
	var canceled interface{ CanceledError() bool }
	switch {
	case err == nil:
		return aws.UnknownTernary
	case errors.As(err, &lost), errors.As(err, &tooLarge),
		errors.As(err, &canceled) && canceled.CanceledError(),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return aws.FalseTernary
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		var skew interface{ RetryableError() bool }
		switch {
		case isThrottle(code), httpStatus(err) >= 500:
			return aws.TrueTernary
		case code == "SignatureDoesNotMatch" || code == "RequestTimeTooSkewed" || code == "InvalidSignatureException":
			// The retry middleware marks these retryable only when the
			// reply's Date shows our clock is off: STS checked nothing else.
			return aws.BoolTernary(errors.As(err, &skew) && skew.RetryableError())
		}
		return aws.FalseTernary
	}
	if s := httpStatus(err); s >= 500 {
		return aws.TrueTernary
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return aws.FalseTernary
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return aws.TrueTernary // nothing was sent
	}
	return aws.FalseTernary
}
