package session_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var cliTokenRE = regexp.MustCompile(`^\{"startUrl": "https://acme\.awsapps\.com/start", "region": "eu-west-1", "accessToken": "aoa[\w-]+", "expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "clientId": "[\w-]+", "clientSecret": "[\w.-]+", "registrationExpiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "refreshToken": "aor[\w-]+"\}$`)

func TestSSOLoginAuthCodeWritesTheCLIsCache(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	tok := e.login("acme", e.opts())
	if tok.Flow != session.SSOAuthCode {
		t.Errorf("flow %v, want the browser sign-in", tok.Flow)
	}
	// The token file: sha1 of the session name, the CLI's fields, order and
	// format, 0600.
	path := e.tokenPath("acme")
	raw := readFile(t, path)
	if !cliTokenRE.MatchString(raw) {
		t.Errorf("token file is not the CLI's layout:\n%s", raw)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("token file mode %v", fi.Mode().Perm())
		}
		if fi, _ := os.Stat(e.cache); fi.Mode().Perm() != 0o700 {
			t.Errorf("cache folder mode %v", fi.Mode().Perm())
		}
	}
	m := e.token("acme")
	if !e.fake.AccessTokenValid(m["accessToken"]) || !e.fake.RefreshTokenValid(m["refreshToken"]) {
		t.Error("the cached tokens are not the ones the fake issued")
	}
	if exp, _ := time.Parse(time.RFC3339, m["expiresAt"]); !exp.Equal(tok.Expiration) || exp.Sub(e.clock.Now()) != time.Hour {
		t.Errorf("expiresAt %s, result %s", m["expiresAt"], tok.Expiration)
	}
	// Registered as the AWS CLI registers, and cached under its key.
	clients := e.fake.Clients()
	if len(clients) != 1 {
		t.Fatalf("%d clients registered", len(clients))
	}
	c := clients[0]
	if c.Name != "botocore-client-acme" || c.Type != "public" || strings.Join(c.GrantTypes, ",") != "authorization_code,refresh_token" ||
		strings.Join(c.RedirectURIs, ",") != "http://127.0.0.1/oauth/callback" || c.IssuerURL != acmeStart || strings.Join(c.Scopes, ",") != "sso:account:access" {
		t.Errorf("registration %+v", c)
	}
	reg := readFile(t, filepath.Join(e.cache, "c18dfa27586773db751d1e2115a31334f50d238d.json"))
	if !strings.Contains(reg, `"clientId": "`+c.ID+`"`) || !strings.Contains(reg, `"grantTypes": ["authorization_code", "refresh_token"]`) {
		t.Errorf("registration cache %s", reg)
	}
	// The browser went to the authorize page with PKCE and a loopback
	// redirect on a real port, and saw our page at the end.
	opened := e.browser.Opened()
	if len(opened) != 1 {
		t.Fatalf("browser opened %d times", len(opened))
	}
	u, _ := url.Parse(opened[0])
	q := u.Query()
	redirect, _ := url.Parse(q.Get("redirect_uri"))
	if u.Path != "/authorize" || q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 ||
		redirect.Hostname() != "127.0.0.1" || redirect.Port() == "" || redirect.Path != "/oauth/callback" || len(q.Get("state")) != 36 {
		t.Errorf("authorize URL %s", opened[0])
	}
	if !strings.Contains(e.browser.CallbackPage(), "Signed in") {
		t.Errorf("callback page %q", e.browser.CallbackPage())
	}
	if len(e.prompts) != 1 || !e.prompts[0].Opened || e.prompts[0].UserCode != "" {
		t.Errorf("prompts %+v", e.prompts)
	}
	e.assertNoSecrets(opened[0])
}

func TestSSOLoginKeepsAValidToken(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	before := readFile(t, e.tokenPath("acme"))
	e.clock.Advance(20 * time.Minute)
	_, err := e.m.SSOLogin(context.Background(), "acme", e.opts())
	var active *session.SSOActiveError
	if !errors.As(err, &active) || active.Left != 40*time.Minute {
		t.Fatalf("second login: %v", err)
	}
	if !strings.Contains(err.Error(), "still logged in for 40m; use --force") {
		t.Errorf("sentence: %v", err)
	}
	if len(e.browser.Opened()) != 1 || readFile(t, e.tokenPath("acme")) != before {
		t.Error("a valid token opened the browser or changed the file")
	}
	// --force signs in again, reusing the cached registration.
	tok := e.login("acme", session.SSOLoginOptions{Open: e.browser.Open, Force: true})
	if tok.Flow != session.SSOAuthCode || len(e.browser.Opened()) != 2 || e.fake.CountCalls("RegisterClient", "") != 1 {
		t.Errorf("forced login: flow %v, %d browser opens, %d registrations", tok.Flow, len(e.browser.Opened()), e.fake.CountCalls("RegisterClient", ""))
	}
}

func TestSSOLoginRefreshesWithoutABrowser(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	old := e.token("acme")
	e.clock.Advance(55 * time.Minute) // 5 minutes left: expiring
	tok := e.login("acme", e.opts())
	if tok.Flow != session.SSORefreshed {
		t.Fatalf("flow %v, want a refresh", tok.Flow)
	}
	if len(e.browser.Opened()) != 1 {
		t.Error("the refresh opened a browser")
	}
	m := e.token("acme")
	if m["accessToken"] == old["accessToken"] || m["refreshToken"] == old["refreshToken"] || !e.fake.RefreshTokenValid(m["refreshToken"]) {
		t.Error("the refresh did not store the new (rotated) tokens")
	}
	if m["clientId"] != old["clientId"] || m["registrationExpiresAt"] != old["registrationExpiresAt"] || m["startUrl"] != old["startUrl"] {
		t.Error("the refresh lost the registration fields")
	}
	if !cliTokenRE.MatchString(readFile(t, e.tokenPath("acme"))) {
		t.Errorf("refreshed file is not the CLI's layout")
	}
}

func TestSSODeviceCode(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	o := e.opts()
	o.UseDeviceCode = true
	tok := e.login("acme", o)
	if tok.Flow != session.SSODeviceCode {
		t.Fatalf("flow %v", tok.Flow)
	}
	if len(e.prompts) != 1 || e.prompts[0].UserCode == "" || !strings.Contains(e.prompts[0].URL, e.prompts[0].UserCode) {
		t.Fatalf("prompt %+v", e.prompts)
	}
	c := e.fake.Clients()[0]
	if len(c.GrantTypes) != 0 || len(c.RedirectURIs) != 0 || c.Name != "botocore-client-acme" {
		t.Errorf("device registration %+v", c)
	}
	// With scopes the device code grant gets a refresh token too.
	if st := e.status("acme"); !st.Refreshable || st.State != session.Active {
		t.Errorf("status %+v", st)
	}
	// A browser login next registers anew: botocore does not reuse a
	// device registration for the authorization code grant.
	e.login("acme", session.SSOLoginOptions{Open: e.browser.Open, Force: true})
	if n := e.fake.CountCalls("RegisterClient", ""); n != 2 {
		t.Errorf("%d registrations, want 2", n)
	}
}

const legacyConfig = `[profile old]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222233334444
sso_role_name = Developer
[profile old2]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 555566667777
sso_role_name = ReadOnly
`

func TestSSOLegacyProfiles(t *testing.T) {
	e := newSSOEnv(t, legacyConfig, ssofake.WithStartURLs("https://legacy.awsapps.com/start"))
	const start = "https://legacy.awsapps.com/start"
	snap, err := e.m.SSOSessions()
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Sessions) != 1 || !snap.Sessions[0].Session.Legacy || snap.Sessions[0].Session.Name != start ||
		len(snap.Sessions[0].Session.Profiles) != 2 || snap.Sessions[0].Session.TokenFile != e.tokenPath(start) {
		t.Fatalf("sessions %+v", snap.Sessions)
	}
	if name, err := e.m.SSOSessionOf("old2"); err != nil || name != start {
		t.Fatalf("SSOSessionOf: %q %v", name, err)
	}
	tok := e.login(start, e.opts())
	if tok.Flow != session.SSODeviceCode {
		t.Errorf("legacy flow %v, want device code as the CLI", tok.Flow)
	}
	m := e.token(start)
	if m["refreshToken"] != "" || m["region"] != "us-east-1" || m["startUrl"] != start {
		t.Errorf("legacy token %v", m)
	}
	if !regexp.MustCompile(`^botocore-client-\d{10}$`).MatchString(e.fake.Clients()[0].Name) {
		t.Errorf("client name %q", e.fake.Clients()[0].Name)
	}
	if _, err := os.Stat(filepath.Join(e.cache, "e20952a21ad8c4e9f17c0a6776c9c4cbbded53d0.json")); err != nil {
		t.Errorf("legacy registration cache: %v", err)
	}
	st := e.status(start)
	if st.Refreshable || st.Left != 8*time.Hour {
		t.Errorf("legacy status %+v", st)
	}
	// Without a refresh token, an expiring legacy token needs a sign-in.
	e.clock.Advance(8*time.Hour - 5*time.Minute)
	_, err = e.m.SSORefresh(context.Background(), start)
	if !errors.Is(err, session.ErrSSOLoginRequired) || !strings.Contains(err.Error(), "no refresh token") {
		t.Errorf("legacy refresh: %v", err)
	}
}

func TestSSONoBrowserFallsBackToDeviceCode(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	var wg sync.WaitGroup
	o := session.SSOLoginOptions{
		Open: func(context.Context, string) error { return errors.New("no DISPLAY") },
		Show: func(p session.SSOPrompt) {
			e.prompts = append(e.prompts, p)
			// The user approves on their phone.
			wg.Add(1)
			go func() { defer wg.Done(); e.browser.Open(context.Background(), p.URL) }()
		},
	}
	tok := e.login("acme", o)
	wg.Wait()
	if tok.Flow != session.SSODeviceCode || len(e.prompts) != 1 || e.prompts[0].UserCode == "" ||
		!strings.Contains(e.prompts[0].Fallback, "no DISPLAY") || e.prompts[0].Opened {
		t.Errorf("flow %v, prompts %+v", tok.Flow, e.prompts)
	}
}

func TestSSONoBrowserPrintsTheURL(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	var wg sync.WaitGroup
	o := session.SSOLoginOptions{Show: func(p session.SSOPrompt) {
		e.prompts = append(e.prompts, p)
		wg.Add(1)
		go func() { defer wg.Done(); e.browser.Open(context.Background(), p.URL) }() // the user pastes it
	}}
	tok := e.login("acme", o)
	wg.Wait()
	if tok.Flow != session.SSOAuthCode || len(e.prompts) != 1 || e.prompts[0].Opened || !strings.Contains(e.prompts[0].URL, "/authorize?") {
		t.Errorf("flow %v, prompts %+v", tok.Flow, e.prompts)
	}
}

// The user closes the browser: the wait ends with a sentence and nothing is
// written (no token, no registration).
func TestSSOBrowserClosedTimesOut(t *testing.T) {
	for _, tt := range []struct {
		name    string
		browser *ssofake.Browser
		want    string
	}{
		{"closed", &ssofake.Browser{Close: true}, "no sign-in came back from the browser within"},
		{"forged state", &ssofake.Browser{Tamper: func(u *url.URL) {
			q := u.Query()
			q.Set("state", "forged")
			u.RawQuery = q.Encode()
		}}, "1 redirect with a state that did not match was refused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newSSOEnv(t, acmeConfig)
			e.m = e.manager(session.SSOConfig{LoginTimeout: 300 * time.Millisecond})
			_, err := e.m.SSOLogin(context.Background(), "acme", session.SSOLoginOptions{Open: tt.browser.Open})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was written") {
				t.Fatalf("err %v", err)
			}
			if files := e.cacheFiles(); len(files) != 0 {
				t.Errorf("written: %v", files)
			}
			if e.fake.CountCalls("CreateToken", "") != 0 {
				t.Error("a code was exchanged")
			}
		})
	}
}

func TestSSOBrowserDenied(t *testing.T) {
	for _, device := range []bool{false, true} {
		e := newSSOEnv(t, acmeConfig)
		b := &ssofake.Browser{Deny: true}
		_, err := e.m.SSOLogin(context.Background(), "acme", session.SSOLoginOptions{Open: b.Open, UseDeviceCode: device})
		if err == nil || !strings.Contains(err.Error(), "was denied in the browser, so nothing was written") {
			t.Errorf("device %v: %v", device, err)
		}
		if files := e.cacheFiles(); len(files) != 0 {
			t.Errorf("device %v: written %v", device, files)
		}
	}
}

func TestSSOLoginCanceled(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	ctx, cancel := context.WithCancel(context.Background())
	b := &ssofake.Browser{Close: true}
	_, err := e.m.SSOLogin(ctx, "acme", session.SSOLoginOptions{Open: b.Open, Show: func(session.SSOPrompt) { cancel() }})
	if !errors.Is(err, session.ErrCanceled) {
		t.Fatalf("err %v", err)
	}
	if files := e.cacheFiles(); len(files) != 0 {
		t.Errorf("written: %v", files)
	}
}

// Two logins of one session at once (the tray and a terminal): one flow
// runs, the other waits and takes its token.
func TestSSOOneLoginAtATime(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	release := make(chan struct{})
	inBrowser := make(chan struct{})
	slow := func(ctx context.Context, u string) error {
		close(inBrowser)
		<-release
		return e.browser.Open(ctx, u)
	}
	first := make(chan error, 1)
	go func() {
		_, err := e.m.SSOLogin(context.Background(), "acme", session.SSOLoginOptions{Open: slow})
		first <- err
	}()
	<-inBrowser
	waiting := make(chan string, 1)
	second := make(chan session.SSOToken, 1)
	secondErr := make(chan error, 1)
	go func() {
		tok, err := e.manager(session.SSOConfig{}).SSOLogin(context.Background(), "acme", session.SSOLoginOptions{
			Open:    e.browser.Open,
			Waiting: func(s string) { waiting <- s },
		})
		second <- tok
		secondErr <- err
	}()
	if s := <-waiting; s != "acme" {
		t.Fatalf("waiting for %q", s)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-secondErr; err != nil {
		t.Fatal(err)
	}
	if tok := <-second; tok.Flow != session.SSOByOtherLogin {
		t.Errorf("second login flow %v", tok.Flow)
	}
	if n := e.fake.CountCalls("Authorize", ""); n != 1 {
		t.Errorf("%d authorize pages, want one login flow", n)
	}
}
