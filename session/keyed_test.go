package session_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// An MFA profile beside the SSO session, with a live session in the
// credentials file, so one key-driven call covers both kinds.
const mixedConfig = acmeConfig + `
[profile myaccountPerm]
mfa_serial = arn:aws:iam::111122223333:mfa/alice
[profile myaccount]
region = eu-west-1
`

func (e *ssoEnv) writeMFASession(t *testing.T, exp time.Time) string {
	t.Helper()
	path := filepath.Join(e.home, ".aws", "credentials")
	writeFile(t, path, "[myaccountPerm]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n"+
		"[myaccount]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\naws_session_token = y\nexpiration = "+exp.UTC().Format(time.RFC3339)+"\n")
	return path
}

func TestSnapshotCarriesSSOSessions(t *testing.T) {
	e := newSSOEnv(t, mixedConfig)
	e.writeMFASession(t, e.clock.Now().Add(time.Hour))
	e.login("acme", e.opts())
	snap, keys, err := e.m.SnapshotAndKeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Profiles) != 1 || snap.Profiles[0].Profile.Name != "myaccount" || len(keys) != 1 {
		t.Fatalf("profiles %+v, keys %+v", snap.Profiles, keys)
	}
	if len(snap.SSO) != 1 || snap.SSO[0].Session.Name != "acme" || snap.SSO[0].State != session.Active || !snap.SSO[0].Refreshable {
		t.Fatalf("SSO in the snapshot: %+v", snap.SSO)
	}
	if got := snap.SSO[0].Session.Profiles; len(got) != 1 || got[0].Name != "dev" {
		t.Errorf("the session's profiles: %+v", got)
	}
	plain, err := e.m.Snapshot()
	if err != nil || len(plain.SSO) != 1 || plain.SSO[0].Expiration != snap.SSO[0].Expiration {
		t.Errorf("Snapshot's SSO part differs: %+v, %v", plain.SSO, err)
	}
}

func TestLoginKeyAndLogoutKeyForSSO(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	ctx := context.Background()
	o := e.opts()
	s, err := e.m.LoginKey(ctx, session.SSOKey("acme"), session.LoginOptions{SSO: o})
	if err != nil {
		t.Fatal(err)
	}
	if s.Profile != "acme" || s.SSOFlow != session.SSOAuthCode || !s.Expiration.After(e.clock.Now()) || len(e.browser.Opened()) != 1 {
		t.Fatalf("LoginKey: %+v, browser opened %d times", s, len(e.browser.Opened()))
	}
	// A valid token is kept unless forced; opts.Force forces it as SSOLoginOptions.Force does.
	var active *session.SSOActiveError
	if _, err := e.m.LoginKey(ctx, session.SSOKey("acme"), session.LoginOptions{SSO: o}); !errors.As(err, &active) {
		t.Fatalf("a second LoginKey: %v, want SSOActiveError", err)
	}
	if _, err := e.m.LoginKey(ctx, session.SSOKey("acme"), session.LoginOptions{SSO: o, Force: true}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.browser.Opened()); n != 2 {
		t.Fatalf("Force opened the browser %d times in all, want 2", n)
	}
	res, err := e.m.LogoutKey(ctx, session.SSOKey("acme"))
	if err != nil || !res.Removed || res.Note != nil || res.Key != session.SSOKey("acme") {
		t.Fatalf("LogoutKey: %+v, %v", res, err)
	}
	if _, err := os.Stat(e.tokenPath("acme")); !os.IsNotExist(err) {
		t.Fatalf("the token is still there: %v", err)
	}
	if n := e.fake.CountCalls("Logout", ""); n != 1 {
		t.Errorf("%d portal logouts", n)
	}
}

func TestLogoutEveryCoversBothKinds(t *testing.T) {
	e := newSSOEnv(t, mixedConfig)
	cred := e.writeMFASession(t, e.clock.Now().Add(time.Hour))
	e.login("acme", e.opts())
	out, err := e.m.LogoutEvery(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out {
		got = append(got, r.Key.String())
	}
	if strings.Join(got, ",") != "myaccount,acme (SSO)" {
		t.Fatalf("logged out of %q", got)
	}
	if b := readFile(t, cred); strings.Contains(b, "aws_session_token") {
		t.Errorf("the MFA session is still in the file:\n%s", b)
	}
	if _, err := os.Stat(e.tokenPath("acme")); !os.IsNotExist(err) {
		t.Errorf("the SSO token is still there: %v", err)
	}
	// Nothing left: nothing to report, no error.
	if out, err := e.m.LogoutEvery(context.Background()); err != nil || len(out) != 0 {
		t.Errorf("a second LogoutEvery: %+v, %v", out, err)
	}
}

func TestLogoutEveryGoesOnAfterAFailure(t *testing.T) {
	e := newSSOEnv(t, mixedConfig)
	e.writeMFASession(t, e.clock.Now().Add(time.Hour))
	e.login("acme", e.opts())
	// A login of acme is running elsewhere: its logout is refused, the
	// MFA logout still happens.
	m := session.New(session.Config{Clock: e.clock})
	release := make(chan struct{})
	running, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		o := e.opts()
		o.Force = true
		o.Open = func(ctx context.Context, url string) error {
			close(running)
			<-release
			return e.browser.Open(ctx, url)
		}
		m.SSOLogin(context.Background(), "acme", o)
	}()
	<-running
	out, err := e.m.LogoutEvery(context.Background())
	close(release)
	<-done
	if err == nil || !strings.Contains(err.Error(), "a login of acme is running") {
		t.Fatalf("err = %v, want the running login named", err)
	}
	if len(out) != 1 || out[0].Key != session.ProfileKey("myaccount") {
		t.Fatalf("logged out of %+v", out)
	}
}

func TestRenewDueRefreshesWithoutABrowser(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	ctx := context.Background()
	if r, err := e.m.RenewDue(ctx); err != nil || len(r) != 0 {
		t.Fatalf("a fresh token renewed: %+v, %v", r, err)
	}
	st := e.status("acme")
	if session.RenewDueAt(st, e.clock.Now(), e.m.SSORefreshBefore()) {
		t.Fatal("RenewDueAt says a fresh token is due")
	}
	e.clock.Advance(st.Expiration.Sub(e.clock.Now()) - 5*time.Minute)
	if !session.RenewDueAt(e.status("acme"), e.clock.Now(), e.m.SSORefreshBefore()) {
		t.Fatal("RenewDueAt says a token 5 minutes from expiry is not due")
	}
	r, err := e.m.RenewDue(ctx)
	if err != nil || len(r) != 1 || r[0].Err != nil || r[0].Key != session.SSOKey("acme") || r[0].Session.SSOFlow != session.SSORefreshed {
		t.Fatalf("RenewDue: %+v, %v", r, err)
	}
	if !r[0].Session.Expiration.After(st.Expiration) || len(e.browser.Opened()) != 1 {
		t.Errorf("renewed until %v (was %v), browser opened %d times", r[0].Session.Expiration, st.Expiration, len(e.browser.Opened()))
	}
	// The sign-in ends: the next renewal says only a sign-in helps.
	e.fake.EndSessions()
	e.clock.Advance(r[0].Session.Expiration.Sub(e.clock.Now()) - 5*time.Minute)
	r, err = e.m.RenewDue(ctx)
	if err != nil || len(r) != 1 || !errors.Is(r[0].Err, session.ErrSSOLoginRequired) {
		t.Fatalf("RenewDue after the sign-in ended: %+v, %v", r, err)
	}
	if st := e.status("acme"); st.Refreshable || session.RenewDueAt(st, e.clock.Now(), e.m.SSORefreshBefore()) {
		t.Errorf("after a refused renewal the token still renews itself: %+v", st)
	}
}

func TestKeysNameTheirSession(t *testing.T) {
	for _, tc := range []struct {
		key  session.Key
		want string
	}{
		{session.ProfileKey("myaccount"), "myaccount"},
		{session.SSOKey("acme"), "acme (SSO)"},
		{session.SSOKey("https://legacy.awsapps.com/start"), "legacy.awsapps.com (SSO)"},
	} {
		if got := tc.key.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.key, got, tc.want)
		}
	}
	if k := (session.Notice{SSOSession: "acme"}).Key(); k != session.SSOKey("acme") {
		t.Errorf("an SSO notice's key: %+v", k)
	}
	if k := (session.Notice{Profile: "myaccount"}).Key(); k != session.ProfileKey("myaccount") {
		t.Errorf("a profile notice's key: %+v", k)
	}
}
