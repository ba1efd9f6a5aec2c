package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func TestSSORefreshDue(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	ctx := context.Background()

	// 40 minutes left: not due (the window is 20 minutes).
	e.clock.Advance(20 * time.Minute)
	if out, err := e.m.SSORefreshDue(ctx); err != nil || len(out) != 0 {
		t.Fatalf("early: %+v %v", out, err)
	}
	snap, _ := e.m.SSOSessions()
	if next := session.NextSSOChange(snap, 10*time.Minute, session.DefaultSSORefreshBefore); !next.Equal(snap.Sessions[0].Expiration.Add(-20 * time.Minute)) {
		t.Errorf("next change %v, want the refresh instant", next)
	}
	// A few minutes from the window: refreshed, silently, no browser.
	e.clock.Advance(22 * time.Minute)
	out, err := e.m.SSORefreshDue(ctx)
	if err != nil || len(out) != 1 || out[0].Err != nil || out[0].Token.Flow != session.SSORefreshed {
		t.Fatalf("due: %+v %v", out, err)
	}
	if got := out[0].Token.Expiration.Sub(e.clock.Now()); got != time.Hour {
		t.Errorf("refreshed for %s", got)
	}
	if len(e.browser.Opened()) != 1 || e.fake.CountCalls("CreateToken", "refresh_token") != 1 {
		t.Error("the refresh was not one silent CreateToken")
	}
	// Refreshed again 45 minutes on, and so on for the whole sign-in, until
	// it ends (8 hours): then the refresh is refused, the file says so, and
	// a sign-in is needed.
	start := e.clock.Now().Add(-42 * time.Minute)
	for {
		e.clock.Advance(45 * time.Minute)
		out, _ = e.m.SSORefreshDue(ctx)
		if len(out) != 1 {
			t.Fatalf("at %s: %+v", e.clock.Now().Sub(start), out)
		}
		if out[0].Err != nil {
			break
		}
	}
	if ended := e.clock.Now().Sub(start); ended < 8*time.Hour || ended > 8*time.Hour+45*time.Minute {
		t.Errorf("the refreshes stopped %s after the sign-in", ended)
	}
	if !errors.Is(out[0].Err, session.ErrSSOLoginRequired) || !strings.Contains(out[0].Err.Error(), "log in again with \"awsmfa sso login --session acme\"") {
		t.Fatalf("after the sign-in: %+v", out)
	}
	m := e.token("acme")
	if m["refreshToken"] != "" || m["accessToken"] == "" {
		t.Errorf("refused refresh left %v", m)
	}
	if st := e.status("acme"); st.Refreshable || !st.HasToken {
		t.Errorf("status %+v", st)
	}
	if out, _ := e.m.SSORefreshDue(ctx); len(out) != 0 {
		t.Errorf("a dead token was tried again: %+v", out)
	}
}

func TestSSORefreshWithExpiredRegistration(t *testing.T) {
	e := newSSOEnv(t, acmeConfig, ssofake.WithRegistrationTTL(30*time.Minute))
	e.login("acme", e.opts())
	ctx := context.Background()
	e.clock.Advance(45 * time.Minute) // due, but the registration ended at 30
	if st := e.status("acme"); st.Refreshable {
		t.Fatal("refreshable with an expired registration")
	}
	if out, _ := e.m.SSORefreshDue(ctx); len(out) != 0 {
		t.Errorf("refreshed with an expired registration: %+v", out)
	}
	_, err := e.m.SSORefresh(ctx, "acme")
	if !errors.Is(err, session.ErrSSOLoginRequired) || !strings.Contains(err.Error(), "client registration of acme expired") {
		t.Errorf("SSORefresh: %v", err)
	}
	if e.fake.CountCalls("CreateToken", "refresh_token") != 0 {
		t.Error("a refresh was sent with an expired registration")
	}
	// Expiring soon with no refresh possible: the notice asks for a login.
	e.clock.Advance(10 * time.Minute)
	a := session.NewAlerts(10 * time.Minute)
	snap, _ := e.m.SSOSessions()
	if n := a.DueSSO(snap); len(n) != 1 || n[0].Kind != session.NoticeExpiring || n[0].SSOSession != "acme" {
		t.Errorf("notices %+v", n)
	}
	// A login then registers anew and signs in in the browser.
	tok := e.login("acme", e.opts())
	if tok.Flow != session.SSOAuthCode || e.fake.CountCalls("RegisterClient", "") != 2 {
		t.Errorf("flow %v, %d registrations", tok.Flow, e.fake.CountCalls("RegisterClient", ""))
	}
}

// botocore or the JS SDK refreshed with the same refresh token a moment
// before us: the service refuses our (now used) token, and the file holds
// theirs, which we keep.
func TestSSORefreshLosesARaceToAnotherReader(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	e.clock.Advance(45 * time.Minute)
	real := ssooidc.New(ssooidc.Options{Region: "eu-west-1", BaseEndpoint: aws.String(e.fake.URL)})
	var theirs string
	e.m = e.manager(session.SSOConfig{NewOIDC: func(region, endpoint string) session.SSOOIDCAPI {
		return racingOIDC{real, func() {
			m := e.token("acme")
			out, err := real.CreateToken(context.Background(), &ssooidc.CreateTokenInput{
				ClientId: aws.String(m["clientId"]), ClientSecret: aws.String(m["clientSecret"]),
				GrantType: aws.String("refresh_token"), RefreshToken: aws.String(m["refreshToken"])})
			if err != nil {
				t.Errorf("the other reader's refresh: %v", err)
				return
			}
			theirs = *out.RefreshToken
			e.setTokenField("acme", "refreshToken", theirs)
			e.setTokenField("acme", "accessToken", *out.AccessToken)
			e.setTokenField("acme", "expiresAt", e.clock.Now().Add(time.Hour).Format(time.RFC3339))
		}}
	}})
	tok, err := e.m.SSORefresh(context.Background(), "acme")
	if err != nil || tok.Flow != session.SSOByOtherLogin {
		t.Fatalf("refresh: %+v %v", tok, err)
	}
	if m := e.token("acme"); m["refreshToken"] != theirs || !e.fake.RefreshTokenValid(theirs) {
		t.Error("the other reader's fresh token was not kept")
	}
}

// racingOIDC runs before() ahead of the first CreateToken.
type racingOIDC struct {
	*ssooidc.Client
	before func()
}

func (r racingOIDC) CreateToken(ctx context.Context, in *ssooidc.CreateTokenInput, o ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error) {
	r.before()
	return r.Client.CreateToken(ctx, in, o...)
}

func TestSSORefreshTransientFailureKeepsTheToken(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	before := readFile(t, e.tokenPath("acme"))
	e.clock.Advance(45 * time.Minute)
	e.fake.FailNext(3, "CreateToken", 500, "InternalServerException")
	out, _ := e.m.SSORefreshDue(context.Background())
	if len(out) != 1 || out[0].Err == nil || errors.Is(out[0].Err, session.ErrSSOLoginRequired) ||
		!strings.Contains(out[0].Err.Error(), "is unavailable (HTTP 500, tried 3 times)") {
		t.Fatalf("outcome %+v", out)
	}
	if readFile(t, e.tokenPath("acme")) != before {
		t.Error("a failed refresh changed the token file")
	}
	// The next tick succeeds.
	if out, _ := e.m.SSORefreshDue(context.Background()); len(out) != 1 || out[0].Err != nil {
		t.Errorf("retry: %+v", out)
	}
}

func TestSSOAlerts(t *testing.T) {
	e := newSSOEnv(t, acmeConfig+legacyConfig, ssofake.WithStartURLs(acmeStart, "https://legacy.awsapps.com/start"))
	a := session.NewAlerts(10 * time.Minute)
	e.login("acme", e.opts())
	e.login("https://legacy.awsapps.com/start", e.opts())
	due := func() []session.Notice {
		snap, err := e.m.SSOSessions()
		if err != nil {
			t.Fatal(err)
		}
		return a.DueSSO(snap)
	}
	if n := due(); len(n) != 0 {
		t.Fatalf("fresh logins: %+v", n)
	}
	// acme renews itself: no notice even inside the window; the legacy
	// token cannot, and warns once.
	e.clock.Advance(55 * time.Minute)
	if n := due(); len(n) != 0 {
		t.Fatalf("refreshable token in the window: %+v", n)
	}
	e.clock.Advance(7*time.Hour - 5*time.Minute) // legacy has 10 minutes left
	n := due()                                   // acme expired unrefreshed; legacy enters its window
	if len(n) != 2 {
		t.Fatalf("notices %+v", n)
	}
	var legacy session.Notice
	for _, x := range n {
		if x.SSOSession == "https://legacy.awsapps.com/start" {
			legacy = x
		}
	}
	if legacy.Kind != session.NoticeExpiring || !strings.Contains(legacy.Title, "(SSO): login expires in 10m") ||
		!strings.Contains(legacy.Body, "awsmfa sso login --session https://legacy.awsapps.com/start") || legacy.Profile != "" {
		t.Errorf("legacy notice %+v", legacy)
	}
	if n := due(); len(n) != 0 {
		t.Errorf("repeated: %+v", n)
	}
	e.clock.Advance(10 * time.Minute)
	if n := due(); len(n) != 1 || n[0].Kind != session.NoticeExpired || n[0].SSOSession != "https://legacy.awsapps.com/start" {
		t.Errorf("expired: %+v", n)
	}
	if n := due(); len(n) != 0 {
		t.Errorf("repeated: %+v", n)
	}
	// A fresh watcher sums up what had expired before it started.
	if n := session.NewAlerts(10 * time.Minute).DueSSO(mustSSO(t, e)); len(n) != 1 || n[0].Kind != session.NoticeSummary || n[0].Title != "2 expired SSO logins" {
		t.Errorf("summary %+v", n)
	}
}

func mustSSO(t *testing.T, e *ssoEnv) session.SSOSnapshot {
	t.Helper()
	s, err := e.m.SSOSessions()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
