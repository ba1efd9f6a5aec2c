package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
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
	// ErrCodeMaybeUsed: the request carrying the one-time code may have
	// reached STS, but its reply was lost. The code is never sent again.
	ErrCodeMaybeUsed = errors.New("STS may have used this code: wait for the next one")
)

// stsCall describes one STS call for explainCall.
type stsCall struct {
	p       Profile
	timeout time.Duration
	// code is the one-time code the request carried; "" for calls without
	// one. Failures after it may have reached STS then say so.
	code string
	// secrets are scrubbed, with the code, from any text STS or the SDK
	// supplies.
	secrets []string
}

// explainSTS is explainCall for a call that carries no one-time code.
func explainSTS(err error, p Profile, timeout time.Duration) error {
	return explainCall(err, stsCall{p: p, timeout: timeout})
}

// explainCall turns an STS failure into one sentence that says what to do.
// Text that came from outside (STS's messages, the SDK's and the network's
// errors) goes through the call's scrubber first, so it never shows the
// code or a key, and never runs on for a page.
func explainCall(err error, c stsCall) error {
	p := c.p
	scrub := newScrubber(append([]string{c.code}, c.secrets...)...)
	where := endpointName(p.Endpoint)
	var lost *replyLostError
	var tooLarge *replyTooLargeError
	// sent: the request reached STS, or may have, and no reply arrived
	// that says it was refused (a lost, cut, endless or unreadable one).
	sent := errors.As(err, &lost) || errors.As(err, &tooLarge) || isSuccess(err)
	// codeNote ends a sentence about a request that may have reached STS.
	codeNote := func(e error) error {
		if c.code == "" || !sent {
			return e
		}
		return fmt.Errorf("%w; %w", e, ErrCodeMaybeUsed)
	}

	var apiErr smithy.APIError
	switch {
	case errors.Is(err, context.Canceled):
		return ErrCanceled
	case errors.As(err, &tooLarge):
		return codeNote(fmt.Errorf("the reply from %s is larger than %s, which no STS reply is, so nothing was written: check the endpoint setting", where, tooLarge.limit()))
	case errors.As(err, &apiErr) && !sent:
		return explainAPIError(apiErr, err, c, scrub)
	}
	if status := httpStatus(err); status >= 500 && !sent {
		return unavailable("STS", status, stsAttempts)
	}
	var syntaxErr *xml.SyntaxError
	var desErr *smithy.DeserializationError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		// Starts with "STS", never with the URL: UIs capitalise a
		// sentence's first letter.
		return codeNote(fmt.Errorf("%s did not answer within %s: check your network connection", stsAt(where), c.timeout))
	case errors.As(err, &lost):
		return codeNote(fmt.Errorf("the connection to %s broke before its reply arrived", where))
	}
	if netErr := explainNetwork(err, p.CABundle, where, scrub); netErr != nil {
		return netErr
	}
	switch {
	case strings.Contains(err.Error(), "unable to parse time string"):
		return codeNote(fmt.Errorf("the reply from %s gives the session's expiry in a form STS never uses, so nothing was written: check the endpoint setting", where))
	case errors.As(err, &syntaxErr) || errors.As(err, &desErr) || isSuccess(err):
		return codeNote(fmt.Errorf("the reply from %s is not an STS reply (not the XML STS sends), so nothing was written: check the endpoint setting and any proxy", where))
	}
	return callFailed(err, where, scrub)
}

// explainAPIError maps an error reply from STS.
func explainAPIError(apiErr smithy.APIError, err error, c stsCall, scrub scrubber) error {
	p := c.p
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
		return throttled("STS", stsAttempts)
	case code == "ValidationError":
		return fmt.Errorf("STS refused the request: %s", scrub.clean(msg))
	}
	if status := httpStatus(err); status >= 500 {
		return unavailable("STS", status, stsAttempts)
	}
	return fmt.Errorf("STS refused the request for [%s]: %s: %s", p.LongTerm, scrub.cleanCode(code), scrub.clean(msg))
}

// The sentences STS and IAM Identity Center failures share; who names the
// service, where its endpoint.

func unavailable(who string, status, attempts int) error {
	return fmt.Errorf("%s is unavailable (HTTP %d, tried %d times): try again later", who, status, attempts)
}

func throttled(who string, attempts int) error {
	return fmt.Errorf("%s is throttling requests (tried %d times): try again in a minute", who, attempts)
}

// explainNetwork says why where could not be reached (its TLS, a name
// that does not resolve, a connection refused), or returns nil for other
// errors. bundle is the CA bundle the call trusted.
func explainNetwork(err error, bundle CABundle, where string, scrub scrubber) error {
	if tlsErr := explainTLS(err, bundle, where); tlsErr != nil {
		return tlsErr
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Errorf("cannot look up %s (%s): check your network connection or the endpoint setting", scrub.clean(dnsErr.Name), where)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return fmt.Errorf("cannot connect to %s: check your network connection, proxy or endpoint setting", where)
	}
	return nil
}

// callFailed is the last resort: the network's or parser's own words.
func callFailed(err error, where string, scrub scrubber) error {
	return fmt.Errorf("the call to %s failed (%s): check your network connection and the endpoint setting", where, scrub.clean(innermost(err).Error()))
}

// explainTLS says what is wrong with an HTTPS endpoint's certificate or
// handshake, or returns nil for other errors.
func explainTLS(err error, bundle CABundle, where string) error {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	var alert tls.AlertError
	trust := "set AWS_CA_BUNDLE (or ca_bundle in the config) to the file of its CA certificate"
	if bundle.Path != "" {
		trust = fmt.Sprintf("check that the CA bundle %s (%s) holds its CA certificate", bundle.Path, bundle.From)
	}
	switch {
	case errors.As(err, &unknown):
		return fmt.Errorf("the TLS certificate of %s is not signed by a CA this computer trusts: if a proxy or private endpoint is in the way, %s", where, trust)
	case errors.As(err, &host):
		return fmt.Errorf("the TLS certificate of %s is for another host name: check the endpoint setting", where)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return fmt.Errorf("the TLS certificate of %s has expired or is not valid yet: check this computer's clock, then the endpoint", where)
	case errors.As(err, &invalid) || errors.As(err, &verify):
		return fmt.Errorf("the TLS certificate of %s is not valid: check the endpoint setting and any proxy", where)
	case errors.As(err, &record) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return fmt.Errorf("the endpoint %s does not speak TLS: check whether its URL should start with http:// or https://", where)
	case errors.As(err, &alert):
		return fmt.Errorf("the TLS handshake with %s failed: check the endpoint setting and any proxy", where)
	}
	return nil
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

// isSuccess reports whether err came with a 2xx reply: one that could not
// be read.
func isSuccess(err error) bool {
	s := httpStatus(err)
	return s >= 200 && s < 300
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// innermost is the last error of err's chain: the network's or parser's own
// words, without the SDK's "operation error STS: ..., https response error
// StatusCode: ..." framing.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// endpointName is how messages name the endpoint: AWS's own, or the
// override without any user:password part.
func endpointName(endpoint string) string {
	if endpoint == "" {
		return "AWS STS"
	}
	if u, err := url.Parse(endpoint); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return endpoint
}

// stsAt names the endpoint at the start of a sentence, never with a URL
// first.
func stsAt(where string) string {
	if where == "AWS STS" {
		return where
	}
	return "STS at " + where
}

// fileError is one sentence for a shared file that cannot be read. The OS
// error is named once, whatever layers wrapped it, and stays in the chain
// for errors.Is.
func fileError(what, path string, err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read %s %s: %w", what, path, err)
	}
	switch {
	case isDir(path):
		return fmt.Errorf("the %s %s is a folder, not a file: move it away or point the AWS setting for it at a file: %w", what, path, pe.Err)
	case errors.Is(pe.Err, fs.ErrPermission):
		return fmt.Errorf("cannot read the %s %s: permission denied: make it readable by you (chmod u+r): %w", what, path, pe.Err)
	}
	return fmt.Errorf("cannot read the %s %s: %w", what, path, pe.Err)
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// sentenceErr is one sentence that is also kind (a sentinel) for
// errors.Is, without kind's own words tacked on at its end.
type sentenceErr struct {
	err  error // the sentence; it may wrap a cause with %w
	kind error
}

func (e *sentenceErr) Error() string   { return e.err.Error() }
func (e *sentenceErr) Unwrap() []error { return []error{e.err, e.kind} }

// sentence is fmt.Errorf(format, a...) that errors.Is also finds kind in.
func sentence(kind error, format string, a ...any) error {
	return &sentenceErr{err: fmt.Errorf(format, a...), kind: kind}
}

// duplicateSection says that [name] appears n times in path.
func duplicateSection(name string, n int, path string) error {
	return sentence(ErrDuplicateSection, "[%s] appears %d times in %s: merge them into one section by hand", name, n, path)
}
