package session

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// explainSSO turns an SSO OIDC or portal failure into one sentence that
// says what to do. As for STS, text from outside (the service's messages,
// the SDK's and the network's errors) goes through a scrubber of the
// call's secrets (client secret, codes, tokens), so an endpoint that
// echoes a request cannot make us print them.
func (m *Manager) explainSSO(err error, op string, l *ssoLogin, secrets ...string) error {
	scrub := newScrubber(secrets...)
	where := "IAM Identity Center in " + l.region
	if l.region == "" {
		where = "IAM Identity Center"
	}
	endpoint := l.oidcURL
	if op == "Logout" {
		endpoint = l.portalURL
	}
	if endpoint != "" {
		where += " (" + endpointName(endpoint) + ")"
	}
	var lost *replyLostError
	var tooLarge *replyTooLargeError
	var apiErr smithy.APIError
	switch {
	case errors.Is(err, context.Canceled):
		return ErrCanceled
	case errors.As(err, &tooLarge):
		return fmt.Errorf("the reply from %s is larger than %s, which no IAM Identity Center reply is, so nothing was written: check the endpoint setting", where, tooLarge.limit())
	case errors.As(err, &lost):
		return fmt.Errorf("the connection to %s broke before its reply arrived, so nothing was written: try again", where)
	case errors.As(err, &apiErr):
		code, msg := scrub.cleanCode(apiErr.ErrorCode()), scrub.clean(apiErr.ErrorMessage())
		switch {
		case code == "InvalidRequestException" && (op == "StartDeviceAuthorization" || op == "RegisterClient"):
			return fmt.Errorf("%s does not know the start URL %s (%s: %s): check sso_start_url and sso_region in %s", where, l.s.StartURL, code, msg, l.where)
		case code == "InvalidScopeException":
			return fmt.Errorf("%s refused the scopes %s: check sso_registration_scopes in %s", where, strings.Join(l.s.Scopes, ", "), l.where)
		case code == "InvalidClientException" || code == "UnauthorizedClientException":
			return fmt.Errorf("%s refused the client registration (%s); run the login again to register anew", where, code)
		case code == "InvalidGrantException" && op == "CreateToken":
			return fmt.Errorf("%s refused the sign-in (%s), so nothing was written: try again", where, code)
		case code == "AccessDeniedException":
			return fmt.Errorf("the sign-in to %s was denied, so nothing was written", l.s.Name)
		case isThrottle(code) || code == "SlowDownException":
			return throttled(where, ssoAttempts)
		}
		if status := httpStatus(err); status >= 500 {
			return unavailable(where, status, ssoAttempts)
		}
		return fmt.Errorf("%s refused %s: %s: %s", where, op, code, msg)
	}
	if status := httpStatus(err); status >= 500 {
		return unavailable(where, status, ssoAttempts)
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return fmt.Errorf("%s did not answer in time: check your network connection", where)
	}
	if netErr := explainNetwork(err, l.bundle, where, scrub); netErr != nil {
		return netErr
	}
	return callFailed(err, where, scrub)
}
