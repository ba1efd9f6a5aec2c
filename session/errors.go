package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// Sentinels callers branch on. Their texts are what the user reads.
var (
	// ErrCodeRejected: STS refused the one-time code (wrong, or reused).
	ErrCodeRejected = errors.New("the MFA code was not accepted; wait for the next code")
	// ErrLongTermSection guards the user's permanent keys.
	ErrLongTermSection = errors.New("the section holds long-term keys")
	// ErrDuplicateSection: the file names the section twice; we will not guess.
	ErrDuplicateSection = inifile.ErrDuplicateSection
)

// explainSTS turns an STS failure into one sentence that says what to do.
// It never includes request bodies or keys: only codes AWS returns and the
// endpoint host.
func explainSTS(err error, p Profile, timeout time.Duration) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code, msg := apiErr.ErrorCode(), apiErr.ErrorMessage()
		switch {
		case code == "AccessDenied" && strings.Contains(msg, "invalid MFA one time pass code"):
			return ErrCodeRejected
		case code == "AccessDenied" && strings.Contains(msg, "unable to validate MFA code"):
			return fmt.Errorf("STS does not recognise the MFA device %s for the IAM user of [%s]: check mfa_serial", p.Serial, p.LongTerm)
		case code == "AccessDenied" && strings.Contains(msg, "session credentials"):
			return fmt.Errorf("GetSessionToken cannot be called with session credentials: [%s] must hold the IAM user's long-term keys (AKIA...)", p.LongTerm)
		case code == "InvalidClientTokenId":
			return fmt.Errorf("the long-term key is not valid (deleted, deactivated or mistyped): check [%s]", p.LongTerm)
		case code == "SignatureDoesNotMatch":
			return fmt.Errorf("the secret access key does not match the key id: check [%s]", p.LongTerm)
		case code == "ExpiredToken" || code == "ExpiredTokenException":
			return fmt.Errorf("the credentials in [%s] have expired: replace them with the IAM user's current long-term keys", p.LongTerm)
		case isThrottle(code):
			return fmt.Errorf("STS is throttling requests (tried %d times): try again in a minute", stsAttempts)
		case code == "ValidationError":
			return fmt.Errorf("STS refused the request: %s", msg)
		}
		if status := httpStatus(err); status >= 500 {
			return fmt.Errorf("STS is unavailable (HTTP %d, tried %d times): try again later", status, stsAttempts)
		}
		return fmt.Errorf("STS refused GetSessionToken for [%s]: %s: %s", p.LongTerm, code, msg)
	}
	if status := httpStatus(err); status >= 500 {
		return fmt.Errorf("STS is unavailable (HTTP %d, tried %d times): try again later", status, stsAttempts)
	}
	where := "AWS STS"
	if p.Endpoint != "" {
		where = p.Endpoint
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.Canceled):
		return ErrCanceled
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("%s did not answer within %s: check your network connection", where, timeout)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("cannot look up %s (%s): check your network connection or the endpoint setting", dnsErr.Name, where)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return fmt.Errorf("cannot connect to %s: check your network connection, proxy or endpoint setting", where)
	}
	return fmt.Errorf("call %s: %w", where, err)
}

func isThrottle(code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "RequestThrottled":
		return true
	}
	return false
}

func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
