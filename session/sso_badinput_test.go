package session_test

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// closedURL is an address nothing listens on.
func closedURL(t *testing.T, scheme string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return scheme + "://" + addr
}

func TestSSOConfigProblems(t *testing.T) {
	for _, tt := range []struct {
		name, config, session string
		want                  string // in the login error (and the session's Problem, when listed)
	}{
		{"missing sso-session section", "[profile dev]\nsso_session = acme\nsso_account_id = 222233334444\nsso_role_name = Developer\n", "acme",
			"profile dev uses sso_session acme, but " /* path */},
		{"no region", "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n", "acme",
			"[sso-session acme] in "},
		{"no start URL", "[sso-session acme]\nsso_region = eu-west-1\n", "acme", "has no sso_start_url"},
		{"unknown session", acmeConfig, "nope", "there is no [sso-session nope] in "},
		{"no sessions at all", "[profile x]\nregion = eu-west-1\n", "acme", "and no SSO session at all"},
		{"http start URL", "[sso-session acme]\nsso_start_url = http://acme.example/start\nsso_region = eu-west-1\n", "acme", "must use https"},
		{"start URL that is not a URL", "[sso-session acme]\nsso_start_url = acme\nsso_region = eu-west-1\n", "acme", "is not a URL like https://acme.awsapps.com/start"},
		{"legacy profile without account", "[profile old]\nsso_start_url = https://legacy.awsapps.com/start\n", "https://legacy.awsapps.com/start",
			"the profiles of https://legacy.awsapps.com/start have no sso_region"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newSSOEnv(t, tt.config)
			_, err := e.m.SSOLogin(context.Background(), tt.session, e.opts())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
			if len(e.fake.Calls()) != 0 || len(e.browser.Opened()) != 0 || len(e.cacheFiles()) != 0 {
				t.Error("a bad config reached the network or wrote a file")
			}
		})
	}
}

// A profile whose sso_region (or start URL) differs from its sso-session:
// the SDKs refuse it, so status says so, but the session logs in.
func TestSSOProfileMismatch(t *testing.T) {
	e := newSSOEnv(t, acmeConfig+"[profile ops]\nsso_session = acme\nsso_region = us-east-1\nsso_account_id = 555566667777\nsso_role_name = ReadOnly\n"+
		"[profile half]\nsso_session = acme\nsso_account_id = 555566667777\n")
	st := e.status("acme")
	problems := map[string]string{}
	for _, p := range st.Session.Profiles {
		if p.Problem != nil {
			problems[p.Name] = p.Problem.Error()
		}
	}
	if !strings.Contains(problems["ops"], "sso_region of profile ops (us-east-1) differs from sso_region in [sso-session acme] (eu-west-1)") {
		t.Errorf("ops: %q", problems["ops"])
	}
	if !strings.Contains(problems["half"], "has sso_account_id but no sso_role_name") {
		t.Errorf("half: %q", problems["half"])
	}
	if problems["dev"] != "" {
		t.Errorf("dev: %q", problems["dev"])
	}
	e.login("acme", e.opts())
}

func TestSSOStartURLUnknownOrUnreachable(t *testing.T) {
	t.Run("unknown to Identity Center", func(t *testing.T) {
		for _, device := range []bool{false, true} {
			e := newSSOEnv(t, strings.Replace(acmeConfig, "acme.awsapps.com", "other.awsapps.com", 1))
			o := e.opts()
			o.UseDeviceCode = device
			_, err := e.m.SSOLogin(context.Background(), "acme", o)
			if err == nil || !strings.Contains(err.Error(), "does not know the start URL https://other.awsapps.com/start") ||
				!strings.Contains(err.Error(), "check sso_start_url and sso_region in [sso-session acme]") {
				t.Errorf("device %v: %v", device, err)
			}
			if len(e.cacheFiles()) != 0 {
				t.Error("written")
			}
		}
	})
	t.Run("vanity URL that does not answer", func(t *testing.T) {
		e := newSSOEnv(t, strings.Replace(acmeConfig, "https://acme.awsapps.com/start", closedURL(t, "https")+"/start", 1))
		_, err := e.m.SSOLogin(context.Background(), "acme", e.opts())
		if err == nil || !strings.Contains(err.Error(), "did not answer") || !strings.Contains(err.Error(), "check sso_start_url and your network connection") {
			t.Errorf("err %v", err)
		}
		if len(e.fake.Calls()) != 0 || len(e.cacheFiles()) != 0 {
			t.Error("went on after the start URL failed")
		}
	})
	t.Run("Identity Center does not answer", func(t *testing.T) {
		e := newSSOEnv(t, acmeConfig)
		dead := closedURL(t, "http")
		t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", dead)
		_, err := e.m.SSOLogin(context.Background(), "acme", e.opts())
		if err == nil || !strings.Contains(err.Error(), "cannot connect to IAM Identity Center in eu-west-1 ("+dead+")") {
			t.Errorf("err %v", err)
		}
	})
}

// A vanity start URL redirects once to the AWS-owned one, as the AWS CLI
// resolves it; a region in that host must agree with sso_region.
func TestSSOVanityStartURL(t *testing.T) {
	for _, tt := range []struct {
		name, target, want string
	}{
		{"resolves", "https://d-9067abcd.portal.eu-west-1.app.aws/start/", ""},
		{"another region", "https://d-9067abcd.portal.us-west-2.app.aws/start", "belongs to IAM Identity Center in us-west-2, but [sso-session acme] in "},
		{"not AWS", "https://phish.example/start", "which is not an IAM Identity Center address"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vanity := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodHead {
					w.WriteHeader(http.StatusMethodNotAllowed)
					return
				}
				http.Redirect(w, r, tt.target, http.StatusFound)
			}))
			defer vanity.Close()
			resolved := "https://d-9067abcd.portal.eu-west-1.app.aws/start"
			e := newSSOEnv(t, strings.Replace(acmeConfig, acmeStart, vanity.URL+"/start", 1), ssofake.WithStartURLs(resolved))
			e.m = e.manager(session.SSOConfig{HTTPClient: vanity.Client()})
			_, err := e.m.SSOLogin(context.Background(), "acme", e.opts())
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c := e.fake.Clients()[0]; c.IssuerURL != resolved {
				t.Errorf("issuer %q, want the resolved start URL", c.IssuerURL)
			}
			if m := e.token("acme"); m["startUrl"] != vanity.URL+"/start" {
				t.Errorf("token startUrl %q, want the configured one", m["startUrl"])
			}
		})
	}
}

func TestSSOTokenFileNotJSON(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	if err := os.MkdirAll(e.cache, 0o700); err != nil {
		t.Fatal(err)
	}
	const junk = "this is not JSON {\n"
	writeFile(t, e.tokenPath("acme"), junk)
	st := e.status("acme")
	if st.Problem == nil || !strings.Contains(st.Problem.Error(), "is not a JSON object; it was left as it is") || st.HasToken {
		t.Errorf("status %+v", st)
	}
	ctx := context.Background()
	if _, err := e.m.SSOLogin(ctx, "acme", e.opts()); err == nil || !strings.Contains(err.Error(), "left as it is: remove it, or pass --force") {
		t.Errorf("login: %v", err)
	}
	if out, err := e.m.SSORefreshDue(ctx); err != nil || len(out) != 0 {
		t.Errorf("refresh: %+v %v", out, err)
	}
	if _, err := e.m.SSOLogout(ctx, "acme"); err == nil || !strings.Contains(err.Error(), "left as it is") {
		t.Errorf("logout: %v", err)
	}
	a := session.NewAlerts(10 * time.Minute)
	if n := a.DueSSO(mustSSO(t, e)); len(n) != 0 {
		t.Errorf("notices %+v", n)
	}
	if got := readFile(t, e.tokenPath("acme")); got != junk {
		t.Fatalf("the file was changed: %q", got)
	}
	if len(e.browser.Opened()) != 0 {
		t.Error("the browser opened")
	}
	// --force replaces it with a real login.
	e.login("acme", session.SSOLoginOptions{Open: e.browser.Open, Force: true})
	if !cliTokenRE.MatchString(readFile(t, e.tokenPath("acme"))) {
		t.Error("not replaced")
	}
}

func TestSSOLogout(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	tok := e.token("acme")
	cli := filepath.Join(e.home, ".aws", "cli", "cache")
	if err := os.MkdirAll(cli, 0o700); err != nil {
		t.Fatal(err)
	}
	// botocore's name for dev's role credentials, and a file that is not ours.
	devCreds := filepath.Join(cli, "511a617ae4acd5a39ea8c689f373b5615d14dba7.json")
	writeFile(t, devCreds, `{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIA..."}}`)
	other := filepath.Join(cli, "0123456789abcdef0123456789abcdef01234567.json")
	writeFile(t, other, `{"ProviderType": "assume-role"}`)

	res, err := e.m.SSOLogout(context.Background(), "acme")
	if err != nil || !res.Removed || res.PortalErr != nil || res.CLICredentials != 1 {
		t.Fatalf("logout %+v %v", res, err)
	}
	if _, err := os.Stat(e.tokenPath("acme")); !errors.Is(err, os.ErrNotExist) {
		t.Error("token file still there")
	}
	if e.fake.AccessTokenValid(tok["accessToken"]) || e.fake.RefreshTokenValid(tok["refreshToken"]) {
		t.Error("the portal was not told to end the sign-in")
	}
	if _, err := os.Stat(devCreds); !errors.Is(err, os.ErrNotExist) {
		t.Error("the CLI's cached role credentials of dev are still there")
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("an unrelated cache file was removed")
	}
	if _, err := os.Stat(filepath.Join(e.cache, "c18dfa27586773db751d1e2115a31334f50d238d.json")); err != nil {
		t.Error("the client registration went too (the CLI keeps it)")
	}
	if st := e.status("acme"); st.State != session.LoggedOut || st.HasToken {
		t.Errorf("status %+v", st)
	}
	if res, err := e.m.SSOLogout(context.Background(), "acme"); err != nil || res.Removed {
		t.Errorf("second logout %+v %v", res, err)
	}
}

func TestSSOLogoutPortalDown(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	t.Setenv("AWS_ENDPOINT_URL_SSO", closedURL(t, "http"))
	res, err := e.m.SSOLogout(context.Background(), "acme")
	if err != nil || !res.Removed || res.PortalErr == nil ||
		!strings.Contains(res.PortalErr.Error(), "the token was removed, but the access portal was not told to end the sign-in") {
		t.Fatalf("logout %+v %v", res, err)
	}
	if _, err := os.Stat(e.tokenPath("acme")); !errors.Is(err, os.ErrNotExist) {
		t.Error("token file still there")
	}
}

func TestSSOSnapshot(t *testing.T) {
	e := newSSOEnv(t, acmeConfig+legacyConfig+"[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n")
	e.login("acme", e.opts())
	snap := mustSSO(t, e)
	var names []string
	for _, s := range snap.Sessions {
		names = append(names, s.Session.Name)
	}
	if strings.Join(names, ",") != "acme,corp,https://legacy.awsapps.com/start" {
		t.Fatalf("sessions %v", names)
	}
	acme, corp := snap.Sessions[0], snap.Sessions[1]
	if acme.State != session.Active || acme.Left != time.Hour || !acme.Refreshable || !acme.HasToken ||
		len(acme.Session.Profiles) != 1 || acme.Session.Profiles[0].Name != "dev" || acme.Session.Profiles[0].RoleName != "Developer" {
		t.Errorf("acme %+v", acme)
	}
	if corp.State != session.LoggedOut || corp.HasToken || len(corp.Session.Profiles) != 0 {
		t.Errorf("corp %+v", corp)
	}
	// The config now points acme elsewhere: the cached token is another
	// instance's and cannot renew.
	writeFile(t, e.cfgPath, strings.Replace(acmeConfig, "acme.awsapps.com", "moved.awsapps.com", 1))
	if st := e.status("acme"); st.Problem == nil || st.Refreshable || !strings.Contains(st.Problem.Error(), "was issued for https://acme.awsapps.com/start") {
		t.Errorf("moved: %+v", st)
	}
}

// A logout while a login waits for the browser says so at once.
func TestSSOLogoutDuringLogin(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	inBrowser, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := e.m.SSOLogin(context.Background(), "acme", session.SSOLoginOptions{Open: func(ctx context.Context, u string) error {
			close(inBrowser)
			<-release
			return e.browser.Open(ctx, u)
		}})
		done <- err
	}()
	<-inBrowser
	_, err := e.manager(session.SSOConfig{}).SSOLogout(context.Background(), "acme")
	close(release)
	if err == nil || !strings.Contains(err.Error(), "a login of acme is running (in the tray or another terminal)") {
		t.Errorf("logout during login: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Behind a TLS-inspecting proxy (here: the fake on TLS with its own CA),
// the login trusts AWS_CA_BUNDLE as the SDKs do, and says what to set when
// it is missing.
func TestSSOCABundle(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	tlsFake := httptest.NewTLSServer(e.fake)
	defer tlsFake.Close()
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", tlsFake.URL)
	t.Setenv("AWS_ENDPOINT_URL_SSO", tlsFake.URL)
	e.browser.Client = tlsFake.Client()
	e.browser.Client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t.Setenv("AWS_CA_BUNDLE", "")
	os.Unsetenv("AWS_CA_BUNDLE")

	_, err := e.m.SSOLogin(context.Background(), "acme", e.opts())
	if err == nil || !strings.Contains(err.Error(), "is not signed by a CA this computer trusts") || !strings.Contains(err.Error(), "set AWS_CA_BUNDLE") {
		t.Fatalf("without the bundle: %v", err)
	}
	bundle := filepath.Join(e.home, "ca.pem")
	writeFile(t, bundle, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsFake.Certificate().Raw})))
	t.Setenv("AWS_CA_BUNDLE", bundle)
	e.login("acme", e.opts())
	res, err := e.m.SSOLogout(context.Background(), "acme")
	if err != nil || res.PortalErr != nil {
		t.Errorf("logout over TLS: %+v %v", res, err)
	}
}
