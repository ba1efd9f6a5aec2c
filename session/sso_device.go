package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

// The device-code grant (RFC 8628) as the AWS CLI runs it: one
// StartDeviceAuthorization, then CreateToken every interval seconds, five
// more after each slow_down.
const (
	deviceDefaultInterval = 5 * time.Second
	deviceSlowDown        = 5 * time.Second
)

// ssoDeviceLogin runs the device-code grant. fallback, when set, says why
// the browser sign-in was not used; then the browser is not tried again.
func (m *Manager) ssoDeviceLogin(ctx context.Context, l *ssoLogin, fallback string) (ssoToken, error) {
	oidc := m.oidc(l)
	reg, write, err := m.registration(ctx, oidc, l, false, false)
	if err != nil {
		return ssoToken{}, err
	}
	start := func() (*ssooidc.StartDeviceAuthorizationOutput, error) {
		return oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
			ClientId: aws.String(reg.ClientID), ClientSecret: aws.String(reg.ClientSecret), StartUrl: aws.String(l.startURL),
		})
	}
	auth, err := start()
	var ic *types.InvalidClientException
	if errors.As(err, &ic) && !write {
		// The cached registration is no longer known: register anew, once.
		if reg, write, err = m.registration(ctx, oidc, l, false, true); err != nil {
			return ssoToken{}, err
		}
		auth, err = start()
	}
	if err != nil {
		return ssoToken{}, m.explainSSO(err, "StartDeviceAuthorization", l, reg.ClientSecret)
	}
	interval := time.Duration(auth.Interval) * time.Second
	if interval <= 0 {
		interval = deviceDefaultInterval
	}
	if m.cfg.SSO.PollInterval > 0 {
		interval = m.cfg.SSO.PollInterval
	}
	wait := m.loginWait()
	if d := time.Duration(auth.ExpiresIn) * time.Second; d > 0 && d < wait {
		wait = d
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()

	poll := func() (*ssooidc.CreateTokenOutput, error) {
		return oidc.CreateToken(wctx, &ssooidc.CreateTokenInput{
			ClientId: aws.String(reg.ClientID), ClientSecret: aws.String(reg.ClientSecret),
			GrantType: aws.String(grantDeviceCode), DeviceCode: auth.DeviceCode,
		})
	}
	// One attempt before asking anyone, as the CLI does: a client may be
	// authorized already.
	out, err := poll()
	if err != nil {
		var pending *types.AuthorizationPendingException
		var slow *types.SlowDownException
		switch {
		case errors.As(err, &pending):
		case errors.As(err, &slow):
			interval += deviceSlowDown
		default:
			return ssoToken{}, m.deviceError(ctx, err, l, wait, reg.ClientSecret, aws.ToString(auth.DeviceCode))
		}
		prompt := SSOPrompt{Session: l.s.Name, URL: aws.ToString(auth.VerificationUriComplete), UserCode: aws.ToString(auth.UserCode), Fallback: fallback}
		if prompt.URL == "" {
			prompt.URL = aws.ToString(auth.VerificationUri)
		}
		prompt.Opened = fallback == "" && l.opts.Open != nil
		if l.opts.Show != nil {
			l.opts.Show(prompt)
		}
		if prompt.Opened {
			if err := l.opts.Open(wctx, prompt.URL); err != nil {
				prompt.Opened = false // the user has the URL and the code
			}
		}
		for out == nil {
			t := time.NewTimer(interval)
			select {
			case <-wctx.Done():
				t.Stop()
				return ssoToken{}, m.deviceError(ctx, wctx.Err(), l, wait)
			case <-t.C:
			}
			out, err = poll()
			switch {
			case err == nil:
			case errors.As(err, &pending):
			case errors.As(err, &slow):
				interval += deviceSlowDown
			default:
				return ssoToken{}, m.deviceError(ctx, err, l, wait, reg.ClientSecret, aws.ToString(auth.DeviceCode))
			}
		}
	}
	tok, err := m.newToken(l, reg, out)
	if err != nil {
		return ssoToken{}, err
	}
	if write {
		if err := writeRegistration(m.registrationPath(l.s, l.region), reg); err != nil {
			return ssoToken{}, err
		}
	}
	return tok, nil
}

// deviceError words the ways a device-code wait ends without a token.
func (m *Manager) deviceError(ctx context.Context, err error, l *ssoLogin, wait time.Duration, secrets ...string) error {
	var expired *types.ExpiredTokenException
	var denied *types.AccessDeniedException
	switch {
	case ctx.Err() != nil:
		return ErrCanceled
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &expired):
		return fmt.Errorf("the sign-in code for %s was not approved within %s, so nothing was written: run \"awsmfa sso login --session %s\" again", l.s.Name, formatWait(wait), l.s.Name)
	case errors.As(err, &denied):
		return fmt.Errorf("the sign-in to %s was denied in the browser, so nothing was written", l.s.Name)
	}
	return m.explainSSO(err, "CreateToken", l, secrets...)
}
