package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/smithy-go"
)

// explainSSO turns an SSO OIDC or portal failure into one sentence that
// says what to do. Like explainSTS it only quotes what AWS returns and the
// endpoint, never a request: those carry tokens and secrets.
func (m *Manager) explainSSO(err error, op string, l *ssoLogin) error {
	where := "IAM Identity Center in " + l.region
	if l.region == "" {
		where = "IAM Identity Center"
	}
	endpoint := l.oidcURL
	if op == "Logout" {
		endpoint = l.portalURL
	}
	if endpoint != "" {
		where += " (" + endpoint + ")"
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code, msg := apiErr.ErrorCode(), apiErr.ErrorMessage()
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
			return fmt.Errorf("%s is throttling requests (tried %d times): try again in a minute", where, ssoAttempts)
		}
		if status := httpStatus(err); status >= 500 {
			return fmt.Errorf("%s is unavailable (HTTP %d, tried %d times): try again later", where, status, ssoAttempts)
		}
		return fmt.Errorf("%s refused %s: %s: %s", where, op, code, msg)
	}
	if status := httpStatus(err); status >= 500 {
		return fmt.Errorf("%s is unavailable (HTTP %d, tried %d times): try again later", where, status, ssoAttempts)
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.Canceled):
		return ErrCanceled
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("%s did not answer in time: check your network connection", where)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("cannot look up %s (%s): check your network connection or the endpoint setting", dnsErr.Name, where)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return fmt.Errorf("cannot connect to %s: check your network connection, proxy or endpoint setting", where)
	}
	return fmt.Errorf("call %s: %w", where, err)
}
