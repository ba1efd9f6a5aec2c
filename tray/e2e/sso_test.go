//go:build linux

package e2e

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
)

// IAM Identity Center through the real tray: the fake Identity Center
// runs in the test, reached through AWS_ENDPOINT_URL_SSO_OIDC and
// AWS_ENDPOINT_URL_SSO as a user's environment would point the SDKs at
// it, and the tray opens "the browser" through $BROWSER, which is
// testdata/ssobrowser: it follows the sign-in page and clicks Allow.

const ssoSessionConfig = `
[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = acme
sso_account_id = 222233334444
sso_role_name = Developer
region = eu-west-1
`

// ssoWorld is a world with an SSO session, the fake and the browser's
// controls.
type ssoWorld struct {
	*world
	fake    *ssofake.Server
	log     string // the URLs the browser was given, one a line
	gate    string // the browser approves once this file exists
	failBrw bool   // the browser fails to open
}

func newSSOWorld(t *testing.T, opts ...ssofake.Option) *ssoWorld {
	t.Helper()
	w := &ssoWorld{world: newWorld(t)}
	if harness.browserErr != nil {
		t.Fatal(harness.browserErr)
	}
	w.fake = ssofake.NewTest(t, opts...)
	w.log = filepath.Join(w.home, "browser.log")
	w.gate = filepath.Join(w.home, "browser.gate")
	cfg, err := os.ReadFile(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.cfgPath, append(cfg, ssoSessionConfig...), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *ssoWorld) env() []string {
	env := append(w.world.env(),
		"AWS_ENDPOINT_URL_SSO_OIDC="+w.fake.URL,
		"AWS_ENDPOINT_URL_SSO="+w.fake.URL,
		"BROWSER="+harness.browser,
		"AWSMFA_E2E_BROWSER_LOG="+w.log,
		"AWSMFA_E2E_BROWSER_GATE="+w.gate)
	if w.failBrw {
		env = append(env, "AWSMFA_E2E_BROWSER_FAIL=1")
	}
	return env
}

func (w *ssoWorld) cache() string { return filepath.Join(w.home, ".aws", "sso", "cache") }

// tokenFile is where every SDK reads acme's token.
func (w *ssoWorld) tokenFile() string { return w.tokenFileOf("acme") }

func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// browserOpened lists the URLs the browser was given.
func (w *ssoWorld) browserOpened() []string {
	b, _ := os.ReadFile(w.log)
	return strings.Fields(string(b))
}

// cacheJSON lists the cache's files other than lock files.
func (w *ssoWorld) cacheJSON() []string {
	entries, _ := os.ReadDir(w.cache())
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".lock") {
			out = append(out, e.Name())
		}
	}
	return out
}

func startSSOTray(t *testing.T, w *ssoWorld, args ...string) *app {
	t.Helper()
	needHarness(t)
	if harness.trayErr != nil {
		t.Fatal(harness.trayErr)
	}
	a := startApp(t, harness.tray, w.env(), append([]string{"--verbose"}, args...)...)
	a.WaitItem("acme's state", prefixed("acme (SSO)"+dash(w.lcAll)))
	return a
}

const ssoTitle = "awsmfa — acme (SSO)"

// "Login acme" opens the browser once; a click while the sign-in runs
// brings its dialog to the front and starts no second one; once the
// browser approves, the token is where the SDKs read it, the row says
// active, and aws-sdk-go-v2 gets role credentials for dev with it.
func TestTraySSOLogin(t *testing.T) {
	w := newSSOWorld(t)
	a := startSSOTray(t, w)
	a.WaitItem("logged out", exactly("acme (SSO) — logged out"))
	a.WaitItem("the profiles", exactly("Profiles: dev"))
	a.Click("Login acme", exactly("Login acme"))
	eventually(t, menuWait, "the browser opened on the sign-in page", func() error {
		if got := w.browserOpened(); len(got) != 1 || !strings.HasPrefix(got[0], w.fake.URL+"/authorize?") {
			return fmt.Errorf("opened %q", got)
		}
		return nil
	})
	d, win := a.waitDialog(ssoTitle)
	if !strings.Contains(flat(d.Args), "in the browser window that opened") || !strings.Contains(d.Args, "--entry-text "+w.browserOpened()[0]) {
		t.Errorf("the dialog does not say where to sign in: %q", d.Args)
	}
	screenshot(t, win, "sso-signin-dialog")
	a.WaitItem("signing in", exactly("acme (SSO) — signing in…"))

	a.Click("Login acme again", exactly("Login acme"))
	waitLogged(t, w.world, "sso sign-in already running; raising its dialog", 1)
	if ds := a.dialogs(); len(ds) != 1 {
		t.Fatalf("dialogs after the second click: %v", ds)
	}

	if err := os.WriteFile(w.gate, nil, 0o600); err != nil { // the user clicks Allow
		t.Fatal(err)
	}
	a.waitNoDialog()
	a.WaitItem("active", prefixed("acme (SSO) — active, "))
	if _, err := os.Stat(w.tokenFile()); err != nil {
		t.Fatalf("no token where the SDKs read it: %v", err)
	}
	waitNotification(t, a, "the logged-in notice", func(n notification) bool {
		return strings.HasPrefix(n.Summary, "acme (SSO): logged in until ") && n.Body == "Use it with AWS_PROFILE=dev or --profile dev."
	})
	if r, au, o := w.fake.CountCalls("RegisterClient", ""), w.fake.CountCalls("Authorize", ""), len(w.browserOpened()); r != 1 || au != 1 || o != 1 {
		t.Errorf("RegisterClient %d, Authorize %d, browser opened %d times; want 1 each", r, au, o)
	}

	// aws-sdk-go-v2 reads the tray's token and gets dev's role credentials
	// from the portal.
	t.Setenv("HOME", w.home)
	t.Setenv("AWS_CONFIG_FILE", w.cfgPath)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", w.credPath)
	t.Setenv("AWS_ENDPOINT_URL_SSO", w.fake.URL)
	t.Setenv("AWS_PROFILE", "")
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile("dev"))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatalf("aws-sdk-go-v2 with the tray's token: %v", err)
	}
	issued := w.fake.IssuedRoleCredentials()
	if len(issued) != 1 || creds.AccessKeyID != issued[0].AccessKeyID || issued[0].AccountID != "222233334444" || issued[0].RoleName != "Developer" {
		t.Error("the SDK's credentials are not the ones the portal issued for dev")
	}

	// Logout acme ends the sign-in at the portal.
	a.Click("Logout acme", exactly("Logout acme"))
	a.WaitItem("logged out again", exactly("acme (SSO) — logged out"))
	waitNotification(t, a, "the logout notice", func(n notification) bool { return n.Summary == "acme (SSO): logged out" })
	if _, err := os.Stat(w.tokenFile()); !os.IsNotExist(err) {
		t.Errorf("the token is still there: %v", err)
	}
	if n := w.fake.CountCalls("Logout", ""); n != 1 {
		t.Errorf("%d portal logouts", n)
	}
}

var userCodeRE = regexp.MustCompile(`user_code=([A-Z0-9]{4}-[A-Z0-9]{4})`)

// Where no browser can open, the dialog shows the address and the code;
// Cancel closes it and nothing is written.
func TestTraySSODeviceCodeCancel(t *testing.T) {
	w := newSSOWorld(t)
	w.failBrw = true
	a := startSSOTray(t, w)
	a.Click("Login acme", exactly("Login acme"))
	d, win := a.waitDialog(ssoTitle)
	m := userCodeRE.FindStringSubmatch(d.Args)
	if m == nil || !strings.Contains(flat(d.Args), "shows the code "+m[1]) || !strings.Contains(flat(d.Args), "No browser could be opened") {
		t.Fatalf("the dialog does not show the page and the code: %q", d.Args)
	}
	if n := w.fake.CountCalls("StartDeviceAuthorization", ""); n != 1 {
		t.Errorf("%d device authorizations", n)
	}
	screenshot(t, win, "sso-device-code-dialog")
	pressKey(t, win, "Return") // its one button: Cancel
	a.waitNoDialog()
	waitLogged(t, w.world, "sso sign-in canceled", 1)
	a.WaitItem("logged out", exactly("acme (SSO) — logged out"))
	if got := w.cacheJSON(); len(got) != 0 {
		t.Errorf("the cache holds %v after Cancel", got)
	}
	if n := w.fake.CountCalls("CreateToken", ""); n < 1 {
		t.Errorf("the fake was never polled (%d), so the wait was not real", n)
	}
	if b, _ := os.ReadFile(filepath.Join(w.home, ".cache", "awsmfa-tray", "awsmfa-tray.log")); strings.Contains(string(b), "sso sign-in failed") {
		t.Error("Cancel was logged as a failure")
	}
}

// A token whose client registration has expired cannot renew itself: the
// tray tries nothing and says a sign-in is needed before it ends.
func TestTraySSOExpiredRegistration(t *testing.T) {
	w := newSSOWorld(t)
	if err := os.MkdirAll(w.cache(), 0o700); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	tok := fmt.Sprintf(`{"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoa-not-a-token", `+
		`"expiresAt": %q, "clientId": "client-id", "clientSecret": "not-a-secret", "registrationExpiresAt": %q, "refreshToken": "aor-not-a-token"}`,
		now.Add(4*time.Minute+30*time.Second).Format(time.RFC3339), now.Add(-time.Hour).Format(time.RFC3339))
	if err := os.WriteFile(w.tokenFile(), []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	a := startSSOTray(t, w)
	n := waitNotification(t, a, "the expiring notice", func(n notification) bool {
		return strings.HasPrefix(n.Summary, "acme (SSO): login expires in ")
	})
	if !strings.Contains(n.Body, `"Login acme" in the tray menu, or awsmfa sso login --session acme`) {
		t.Errorf("the notice does not say how to sign in: %q", n.Body)
	}
	stays(t, "the SSO warning", n)
	a.WaitItem("expiring", prefixed("acme (SSO) — expiring in "))
	if c := w.fake.CountCalls("CreateToken", ""); c != 0 {
		t.Errorf("%d CreateToken calls with an expired registration", c)
	}
	if got, _ := os.ReadFile(w.tokenFile()); string(got) != tok {
		t.Error("the token file changed")
	}

	// Renew on the warning signs in, in the browser; the logged-in notice
	// takes the warning's place.
	w.openGate()
	if err := harness.bus.InvokeAction(n.ID, "renew"); err != nil {
		t.Fatal(err)
	}
	a.WaitItem("active", prefixed("acme (SSO) — active, "))
	in := waitNotification(t, a, "the logged-in notice", func(n notification) bool {
		return strings.HasPrefix(n.Summary, "acme (SSO): logged in until ")
	})
	if in.ReplacesID != n.ID {
		t.Errorf("the logged-in notice replaces %d, not the warning %d", in.ReplacesID, n.ID)
	}
	if got := w.browserOpened(); len(got) != 1 {
		t.Errorf("Renew opened the browser %d times", len(got))
	}
	if tok := w.token(); !w.fake.AccessTokenValid(tok["accessToken"]) {
		t.Error("Renew wrote no token the fake issued")
	}
}

// flat is s with every run of spaces and newlines one space: dialog texts
// are wrapped to fit.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// A sign-in by another tool (aws sso login, awsmfa sso login) shows at
// once, also when the token cache did not exist when the tray started:
// the tray watches each session's token file through the nearest folder
// that exists.
func TestTraySSOSeesOtherLogins(t *testing.T) {
	w := newSSOWorld(t)
	a := startSSOTray(t, w)
	a.WaitItem("logged out", exactly("acme (SSO) — logged out"))
	if err := os.MkdirAll(w.cache(), 0o700); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(2*time.Hour + 30*time.Second).UTC().Format(time.RFC3339)
	tok := fmt.Sprintf(`{"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoa-not-a-token", "expiresAt": %q}`, exp)
	if err := os.WriteFile(w.tokenFile(), []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	a.WaitItem("active", exactly("acme (SSO) — active, 2h0m left"))
	if err := os.Remove(w.tokenFile()); err != nil {
		t.Fatal(err)
	}
	a.WaitItem("logged out again", exactly("acme (SSO) — logged out"))
}
