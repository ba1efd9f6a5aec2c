package ssofake

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/smithy-go"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeclock"
)

type fixture struct {
	srv    *Server
	clk    *fakeclock.Clock
	oidc   *ssooidc.Client
	portal *sso.Client
}

func newFixture(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	clk := fakeclock.New(time.Now().UTC())
	srv := NewTest(t, append([]Option{WithClock(clk.Now)}, opts...)...)
	return &fixture{
		srv: srv, clk: clk,
		oidc:   ssooidc.New(ssooidc.Options{Region: DefaultRegion, BaseEndpoint: aws.String(srv.URL)}),
		portal: sso.New(sso.Options{Region: DefaultRegion, BaseEndpoint: aws.String(srv.URL)}),
	}
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// registerAuthCode registers a client as the AWS CLI does for the
// authorization-code grant.
func (f *fixture) registerAuthCode(t *testing.T) *ssooidc.RegisterClientOutput {
	t.Helper()
	out, err := f.oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{
		ClientName:   aws.String("botocore-client-acme"),
		ClientType:   aws.String("public"),
		GrantTypes:   []string{"authorization_code", "refresh_token"},
		RedirectUris: []string{"http://127.0.0.1/oauth/callback"},
		IssuerUrl:    aws.String(DefaultStartURL),
		Scopes:       []string{"sso:account:access"},
	})
	if err != nil {
		t.Fatalf("RegisterClient: %v", err)
	}
	return out
}

// callback is the application's loopback listener: it records the query of
// the one redirect it receives.
type callback struct {
	uri string
	got chan url.Values
}

func newCallback(t *testing.T) *callback {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cb := &callback{uri: "http://" + ln.Addr().String() + "/oauth/callback", got: make(chan url.Values, 1)}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "done")
		select {
		case cb.got <- r.URL.Query():
		default:
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return cb
}

func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-abcdefghijklmnopqrstu"

func authorizeURL(f *fixture, clientID, redirect, state, challenge string) string {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {redirect},
		"state":                 {state},
		"code_challenge_method": {"S256"},
		"scopes":                {"sso:account:access"},
	}
	return f.srv.URL + "/authorize?" + q.Encode() + "&code_challenge=" + challenge
}

// authCode runs the browser part of the authorization-code grant and
// returns the code the redirect carried.
func (f *fixture) authCode(t *testing.T, reg *ssooidc.RegisterClientOutput, cb *callback) string {
	t.Helper()
	b := &Browser{}
	if err := b.Open(context.Background(), authorizeURL(f, *reg.ClientId, cb.uri, "st-1", challengeOf(verifier))); err != nil {
		t.Fatalf("browser: %v", err)
	}
	q := <-cb.got
	if q.Get("state") != "st-1" || q.Get("code") == "" {
		t.Fatalf("redirect query %v", q)
	}
	return q.Get("code")
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := f.registerAuthCode(t)
	if aws.ToString(reg.AuthorizationEndpoint) != f.srv.URL+"/authorize" {
		t.Errorf("authorizationEndpoint %q", aws.ToString(reg.AuthorizationEndpoint))
	}
	if got := time.Unix(reg.ClientSecretExpiresAt, 0).Sub(f.clk.Now()); got < DefaultRegistrationTTL-time.Minute {
		t.Errorf("registration lasts %s", got)
	}
	cb := newCallback(t)
	code := f.authCode(t, reg, cb)

	tokenIn := func(v string) *ssooidc.CreateTokenInput {
		return &ssooidc.CreateTokenInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String("authorization_code"), Code: aws.String(code),
			RedirectUri: aws.String(cb.uri), CodeVerifier: aws.String(v),
		}
	}
	out, err := f.oidc.CreateToken(ctx, tokenIn(verifier))
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if aws.ToString(out.AccessToken) == "" || aws.ToString(out.RefreshToken) == "" || aws.ToString(out.TokenType) != "Bearer" {
		t.Fatalf("token reply %+v", out)
	}
	if out.ExpiresIn != int32(DefaultAccessTokenTTL/time.Second) {
		t.Errorf("expiresIn %d, want an hour: refreshable tokens are short", out.ExpiresIn)
	}
	// A code is good once.
	if _, err := f.oidc.CreateToken(ctx, tokenIn(verifier)); apiCode(err) != "InvalidGrantException" {
		t.Errorf("second exchange of a code: %v", err)
	}
	if !f.srv.AccessTokenValid(*out.AccessToken) || !f.srv.RefreshTokenValid(*out.RefreshToken) {
		t.Error("issued tokens are not valid")
	}
}

func TestPKCEWrongVerifierRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := f.registerAuthCode(t)
	cb := newCallback(t)
	code := f.authCode(t, reg, cb)
	wrong := strings.Repeat("x", 64)
	_, err := f.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("authorization_code"), Code: aws.String(code),
		RedirectUri: aws.String(cb.uri), CodeVerifier: aws.String(wrong),
	})
	var ig *oidctypes.InvalidGrantException
	if !errors.As(err, &ig) {
		t.Fatalf("wrong verifier: %v, want InvalidGrantException", err)
	}
	calls := f.srv.Calls()
	if last := calls[len(calls)-1]; last.Reason != "code_verifier does not match code_challenge" || last.Status != 400 {
		t.Errorf("last call %+v", last)
	}
	// The failed exchange burnt the code: the right verifier is too late.
	_, err = f.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("authorization_code"), Code: aws.String(code),
		RedirectUri: aws.String(cb.uri), CodeVerifier: aws.String(verifier),
	})
	if apiCode(err) != "InvalidGrantException" {
		t.Errorf("code after a failed exchange: %v", err)
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	f := newFixture(t)
	reg := f.registerAuthCode(t)
	cb := newCallback(t)
	ctx := context.Background()

	// A redirect that was not registered gets an error page, never a redirect.
	b := &Browser{}
	err := b.Open(ctx, authorizeURL(f, *reg.ClientId, "http://127.0.0.1:9/elsewhere", "s", challengeOf(verifier)))
	if err == nil || !strings.Contains(err.Error(), "Invalid redirect URI") {
		t.Errorf("unregistered redirect: %v", err)
	}
	// No PKCE: redirected back with invalid_request.
	u := strings.Replace(authorizeURL(f, *reg.ClientId, cb.uri, "s2", ""), "code_challenge_method=S256", "code_challenge_method=plain", 1)
	if _, status, err := get(ctx, b.client(), u); err != nil || status != http.StatusFound {
		t.Fatalf("no PKCE: status %d, %v", status, err)
	}
	// Denied in the browser: access_denied comes back with the state.
	deny := &Browser{Deny: true}
	if err := deny.Open(ctx, authorizeURL(f, *reg.ClientId, cb.uri, "s3", challengeOf(verifier))); err != nil {
		t.Fatal(err)
	}
	if q := <-cb.got; q.Get("error") != "access_denied" || q.Get("state") != "s3" {
		t.Errorf("denied: %v", q)
	}
}

func TestDeviceCodeGrant(t *testing.T) {
	for _, tt := range []struct {
		name        string
		scopes      []string
		wantRefresh bool
	}{
		{"legacy, no scopes", nil, false},
		{"with scopes", []string{"sso:account:access"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			reg, err := f.oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{
				ClientName: aws.String("botocore-client-1700000000"), ClientType: aws.String("public"), Scopes: tt.scopes,
			})
			if err != nil {
				t.Fatal(err)
			}
			auth, err := f.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
				ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(DefaultStartURL),
			})
			if err != nil {
				t.Fatal(err)
			}
			if auth.Interval != 1 || auth.ExpiresIn != 600 || !strings.Contains(aws.ToString(auth.VerificationUriComplete), *auth.UserCode) {
				t.Errorf("device authorization %+v", auth)
			}
			in := &ssooidc.CreateTokenInput{
				ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
				GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: auth.DeviceCode,
			}
			var pending *oidctypes.AuthorizationPendingException
			if _, err := f.oidc.CreateToken(ctx, in); !errors.As(err, &pending) {
				t.Fatalf("before approval: %v", err)
			}
			if err := (&Browser{}).Open(ctx, *auth.VerificationUriComplete); err != nil {
				t.Fatal(err)
			}
			out, err := f.oidc.CreateToken(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.RefreshToken != nil; got != tt.wantRefresh {
				t.Errorf("refresh token issued: %v, want %v", got, tt.wantRefresh)
			}
			want := DefaultSessionDuration
			if tt.wantRefresh {
				want = DefaultAccessTokenTTL
			}
			if out.ExpiresIn != int32(want/time.Second) {
				t.Errorf("expiresIn %d, want %s", out.ExpiresIn, want)
			}
		})
	}
}

func TestDeviceCodeDeniedAndExpired(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg, _ := f.oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("c"), ClientType: aws.String("public")})
	start := func() *ssooidc.StartDeviceAuthorizationOutput {
		a, err := f.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(DefaultStartURL)})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	poll := func(a *ssooidc.StartDeviceAuthorizationOutput) error {
		_, err := f.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: a.DeviceCode})
		return err
	}
	a := start()
	if err := (&Browser{Deny: true}).Open(ctx, *a.VerificationUriComplete); err != nil {
		t.Fatal(err)
	}
	var denied *oidctypes.AccessDeniedException
	if err := poll(a); !errors.As(err, &denied) {
		t.Errorf("denied: %v", err)
	}
	a = start()
	f.clk.Advance(11 * time.Minute)
	var expired *oidctypes.ExpiredTokenException
	if err := poll(a); !errors.As(err, &expired) {
		t.Errorf("expired: %v", err)
	}
	// An unknown start URL is refused up front.
	_, err := f.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String("https://other.awsapps.com/start")})
	var ir *oidctypes.InvalidRequestException
	if !errors.As(err, &ir) {
		t.Errorf("unknown start URL: %v", err)
	}
}

func (f *fixture) loginAuthCode(t *testing.T) (*ssooidc.RegisterClientOutput, *ssooidc.CreateTokenOutput) {
	t.Helper()
	reg := f.registerAuthCode(t)
	cb := newCallback(t)
	code := f.authCode(t, reg, cb)
	out, err := f.oidc.CreateToken(context.Background(), &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("authorization_code"), Code: aws.String(code),
		RedirectUri: aws.String(cb.uri), CodeVerifier: aws.String(verifier),
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg, out
}

func TestRefreshTokenRotatesAndEnds(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg, tok := f.loginAuthCode(t)
	refresh := func(rt *string) (*ssooidc.CreateTokenOutput, error) {
		return f.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String("refresh_token"), RefreshToken: rt,
		})
	}
	f.clk.Advance(50 * time.Minute)
	next, err := refresh(tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if *next.RefreshToken == *tok.RefreshToken || *next.AccessToken == *tok.AccessToken {
		t.Error("refresh did not rotate the tokens")
	}
	if _, err := refresh(tok.RefreshToken); apiCode(err) != "InvalidGrantException" {
		t.Errorf("reused refresh token: %v", err)
	}
	// Near the end of the sign-in the access token is cut at its end.
	f.clk.Advance(DefaultSessionDuration - 50*time.Minute - 30*time.Minute)
	last, err := refresh(next.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if last.ExpiresIn > 30*60 || last.ExpiresIn < 29*60 {
		t.Errorf("expiresIn %d near the end of the sign-in, want about 30 minutes", last.ExpiresIn)
	}
	f.clk.Advance(31 * time.Minute)
	if _, err := refresh(last.RefreshToken); apiCode(err) != "InvalidGrantException" {
		t.Errorf("refresh after the sign-in ended: %v", err)
	}
}

func TestRegistrationExpiry(t *testing.T) {
	f := newFixture(t)
	reg, tok := f.loginAuthCode(t)
	f.srv.ExpireRegistrations()
	_, err := f.oidc.CreateToken(context.Background(), &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("refresh_token"), RefreshToken: tok.RefreshToken,
	})
	var ic *oidctypes.InvalidClientException
	if !errors.As(err, &ic) {
		t.Fatalf("expired registration: %v", err)
	}
}

func TestRegisterClientRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		in   ssooidc.RegisterClientInput
		code string
	}{
		{"unknown issuer", ssooidc.RegisterClientInput{ClientName: aws.String("c"), ClientType: aws.String("public"),
			GrantTypes: []string{"authorization_code"}, RedirectUris: []string{"http://127.0.0.1/oauth/callback"},
			IssuerUrl: aws.String("https://nobody.awsapps.com/start")}, "InvalidRequestException"},
		{"redirect off loopback", ssooidc.RegisterClientInput{ClientName: aws.String("c"), ClientType: aws.String("public"),
			GrantTypes: []string{"authorization_code"}, RedirectUris: []string{"https://evil.example/cb"},
			IssuerUrl: aws.String(DefaultStartURL)}, "InvalidRedirectUriException"},
		{"unknown scope", ssooidc.RegisterClientInput{ClientName: aws.String("c"), ClientType: aws.String("public"),
			Scopes: []string{"s3:everything"}}, "InvalidScopeException"},
		{"confidential client", ssooidc.RegisterClientInput{ClientName: aws.String("c"), ClientType: aws.String("confidential")},
			"InvalidClientMetadataException"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.oidc.RegisterClient(ctx, &tt.in); apiCode(err) != tt.code {
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
}

func TestPortal(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, tok := f.loginAuthCode(t)
	rc, err := f.portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: tok.AccessToken, AccountId: aws.String("222233334444"), RoleName: aws.String("Developer")})
	if err != nil {
		t.Fatal(err)
	}
	issued := f.srv.IssuedRoleCredentials()
	if len(issued) != 1 || *rc.RoleCredentials.AccessKeyId != issued[0].AccessKeyID ||
		time.UnixMilli(rc.RoleCredentials.Expiration).Sub(f.clk.Now()) > time.Hour {
		t.Fatalf("role credentials %+v, issued %+v", rc.RoleCredentials, issued)
	}
	if _, err := f.portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: tok.AccessToken, AccountId: aws.String("555566667777"), RoleName: aws.String("Developer")}); apiCode(err) != "ForbiddenException" {
		t.Errorf("unassigned role: %v", err)
	}
	accts, err := f.portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	if err != nil || len(accts.AccountList) != 2 {
		t.Fatalf("ListAccounts: %v %+v", err, accts)
	}
	roles, err := f.portal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String("222233334444")})
	if err != nil || len(roles.RoleList) != 2 {
		t.Fatalf("ListAccountRoles: %v %+v", err, roles)
	}
	if _, err := f.portal.Logout(ctx, &sso.LogoutInput{AccessToken: tok.AccessToken}); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if f.srv.AccessTokenValid(*tok.AccessToken) || f.srv.RefreshTokenValid(*tok.RefreshToken) {
		t.Error("tokens still valid after Logout")
	}
	if _, err := f.portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: tok.AccessToken, AccountId: aws.String("222233334444"), RoleName: aws.String("Developer")}); apiCode(err) != "UnauthorizedException" {
		t.Errorf("after logout: %v", err)
	}
}

// The wire: error replies carry the code in x-amzn-ErrorType and the OAuth
// body, which is what the SDKs parse.
func TestErrorWire(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Post(f.srv.URL+"/token", "application/json", strings.NewReader(`{"clientId":"nope","clientSecret":"x","grantType":"refresh_token"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("X-Amzn-Errortype") != "InvalidClientException" ||
		string(body) != `{"error":"invalid_client","error_description":"Invalid client provided"}` {
		t.Errorf("%d %q %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), body)
	}
}

func TestFaults(t *testing.T) {
	f := newFixture(t)
	f.srv.FailNext(1, "RegisterClient", 500, "InternalServerException")
	// The SDK retries a 500; the second attempt succeeds.
	f.registerAuthCode(t)
	if n := f.srv.CountCalls("RegisterClient", ""); n != 2 {
		t.Errorf("%d RegisterClient calls, want 2", n)
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	if err := New().StartOn("0.0.0.0:0"); err == nil {
		t.Fatal("listened on all interfaces")
	}
}
