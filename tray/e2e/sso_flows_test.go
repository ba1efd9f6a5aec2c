//go:build linux

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
)

// The rest of issue 13 through the real tray: the device-code sign-in
// completed on "another device", renewal with no browser, the expiry
// notices, a sign-in by the CLI the tray waits for, Logout all over both
// kinds, and the rows of a config that cannot sign in.

// cli runs the real awsmfa in w (its browser is the scripted one).
func (w *ssoWorld) cli(args ...string) string {
	w.t.Helper()
	if harness.cliErr != nil {
		w.t.Fatal(harness.cliErr)
	}
	cmd := exec.Command(harness.cli, args...)
	cmd.Env = w.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		w.t.Fatalf("awsmfa %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// openGate lets the scripted browser click Allow.
func (w *ssoWorld) openGate() {
	w.t.Helper()
	if err := os.WriteFile(w.gate, nil, 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// token reads acme's token file.
func (w *ssoWorld) token() map[string]string {
	w.t.Helper()
	b, err := os.ReadFile(w.tokenFile())
	if err != nil {
		w.t.Fatal(err)
	}
	var tok map[string]string
	if err := json.Unmarshal(b, &tok); err != nil {
		w.t.Fatalf("the token file is not what the SDKs read: %v", err)
	}
	return tok
}

// writeToken writes a hand-made token for start URL start, ending at exp
// (no refresh token: only a sign-in renews it) to file.
func (w *ssoWorld) writeToken(file, start string, exp time.Time) {
	w.t.Helper()
	if err := os.MkdirAll(w.cache(), 0o700); err != nil {
		w.t.Fatal(err)
	}
	tok := fmt.Sprintf(`{"startUrl": %q, "region": "eu-west-1", "accessToken": "aoa-not-a-token", "expiresAt": %q}`,
		start, exp.UTC().Format(time.RFC3339))
	if err := os.WriteFile(file, []byte(tok), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// tokenFileOf is where every SDK reads the token of a session (or of a
// legacy profile's start URL).
func (w *ssoWorld) tokenFileOf(name string) string {
	return filepath.Join(w.cache(), sha1Hex(name)+".json")
}

var deviceURLRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/device\?user_code=[A-Z0-9-]+`)

// Where no browser can open, the person signs in on another device with
// the address and code the dialog shows: the dialog closes by itself,
// the token is written and the row says active.
func TestTraySSODeviceCodeSignIn(t *testing.T) {
	w := newSSOWorld(t)
	w.failBrw = true
	a := startSSOTray(t, w)
	a.Click("Login acme", exactly("Login acme"))
	d, _ := a.waitDialog(ssoTitle)
	page := deviceURLRE.FindString(d.Args)
	code := userCodeRE.FindStringSubmatch(d.Args)
	if page == "" || code == nil || !strings.Contains(flat(d.Args), "shows the code "+code[1]) {
		t.Fatalf("the dialog does not show the page and the code: %q", d.Args)
	}
	// The person's phone: opens the page shown and clicks Allow.
	b := &ssofake.Browser{}
	ctx, cancel := context.WithTimeout(context.Background(), dialogWait)
	defer cancel()
	if err := b.Open(ctx, page); err != nil {
		t.Fatal(err)
	}
	a.waitNoDialog()
	a.WaitItem("active", prefixed("acme (SSO) — active, "))
	waitNotification(t, a, "the logged-in notice", func(n notification) bool {
		return strings.HasPrefix(n.Summary, "acme (SSO): logged in until ")
	})
	tok := w.token()
	if !w.fake.AccessTokenValid(tok["accessToken"]) || tok["startUrl"] != ssofake.DefaultStartURL {
		t.Errorf("the token written is not the one the fake issued for acme")
	}
	if n := w.fake.CountCalls("CreateToken", "urn:ietf:params:oauth:grant-type:device_code"); n < 1 {
		t.Errorf("%d device-code grants", n)
	}
	if n := w.fake.CountCalls("Authorize", ""); n != 0 {
		t.Errorf("%d authorize pages with no browser", n)
	}
}

// A token minutes from its end that renews itself is renewed by the tray
// with no browser and no notice; a click on Login renews it the same way
// and says so.
func TestTraySSORenewsWithoutBrowser(t *testing.T) {
	w := newSSOWorld(t, ssofake.WithAccessTokenTTL(5*time.Minute))
	w.openGate()
	w.cli("sso", "login", "--session", "acme")
	first := w.token()
	if first["refreshToken"] == "" {
		t.Fatal("the CLI's sign-in left no refresh token")
	}
	a := startSSOTray(t, w)
	eventually(t, menuWait, "the tray's renewal", func() error {
		if n := w.fake.CountCalls("CreateToken", "refresh_token"); n < 1 {
			return fmt.Errorf("%d refreshes", n)
		}
		return nil
	})
	waitLogged(t, w.world, `msg="renewed without a browser" sso=acme`, 1)
	renewed := w.token()
	if renewed["accessToken"] == first["accessToken"] || !w.fake.AccessTokenValid(renewed["accessToken"]) {
		t.Error("the token file does not hold the renewed token")
	}
	a.WaitItem("renews itself", regexp.MustCompile(`^acme \(SSO\) — expiring in \d+m, renews itself$`).MatchString)
	if got := w.browserOpened(); len(got) != 1 {
		t.Errorf("the browser opened %d times (only the CLI's sign-in should): %q", len(got), got)
	}
	for _, n := range harness.bus.Notifications(a.pid) {
		if strings.HasPrefix(n.Summary, "acme (SSO)") {
			t.Errorf("a notice for a token that renews itself: %q", n.Summary)
		}
	}

	a.Click("Login acme", exactly("Login acme"))
	waitNotification(t, a, "the renewed notice", func(n notification) bool {
		return strings.HasPrefix(n.Summary, "acme (SSO): renewed until ") && n.Body == "Without a browser, with its refresh token."
	})
	if got := w.browserOpened(); len(got) != 1 {
		t.Errorf("Login opened the browser for a token that renews itself: %q", got)
	}
	if ds := a.dialogs(); len(ds) != 0 {
		t.Errorf("dialogs for a renewal: %v", ds)
	}
}

// The SSO expiry notices: at start, one summary of the logins that ended
// while the tray was not running; while it runs, the warning and then
// "login expired" for a token only a sign-in renews, with the row.
func TestTraySSOExpiryNotices(t *testing.T) {
	const ops = "https://ops.awsapps.com/start"
	w := newSSOWorld(t, ssofake.WithStartURLs(ssofake.DefaultStartURL, ops))
	cfg, _ := os.ReadFile(w.cfgPath)
	cfg = append(cfg, "\n[sso-session ops]\nsso_start_url = "+ops+"\nsso_region = eu-west-1\n"...)
	if err := os.WriteFile(w.cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	w.writeToken(w.tokenFileOf("ops"), ops, time.Now().Add(-time.Hour))
	w.writeToken(w.tokenFile(), ssofake.DefaultStartURL, time.Now().Add(2*time.Hour+30*time.Second))
	a := startSSOTray(t, w)
	waitNotification(t, a, "the summary at start", func(n notification) bool {
		return n.Summary == "1 expired SSO login" && n.Body == "ops: log in again from the tray menu or with awsmfa sso login."
	})
	a.WaitItem("ops expired", exactly("ops (SSO) — expired"))
	a.WaitItem("acme active", exactly("acme (SSO) — active, 2h0m left"))

	// Another tool wrote a token that ends in a few seconds.
	w.writeToken(w.tokenFile(), ssofake.DefaultStartURL, time.Now().Add(3*time.Second))
	n := waitNotification(t, a, "the expired notice", func(n notification) bool { return n.Summary == "acme (SSO): login expired" })
	stays(t, "the expired notice", n)
	if n.Body != `Log in again: "Login acme" in the tray menu, or awsmfa sso login --session acme` {
		t.Errorf("body %q", n.Body)
	}
	a.WaitItem("acme expired", exactly("acme (SSO) — expired"))
	count := 0
	for _, n := range harness.bus.Notifications(a.pid) {
		if strings.Contains(n.Summary, "expired SSO login") {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d summaries", count)
	}
}

// A sign-in the CLI runs is waited for: Login acme in the tray says so
// and opens no second browser; when the CLI's sign-in ends, the tray's
// dialog closes and it uses that token.
func TestTraySSOWaitsForTheCLI(t *testing.T) {
	w := newSSOWorld(t)
	a := startSSOTray(t, w)
	a.WaitItem("logged out", exactly("acme (SSO) — logged out"))
	if harness.cliErr != nil {
		t.Fatal(harness.cliErr)
	}
	cmd := exec.Command(harness.cli, "sso", "login", "--session", "acme")
	cmd.Env = w.env()
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cliDone := make(chan error, 1)
	go func() { cliDone <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-cliDone
	})
	// The CLI holds the session's lock once its browser has the page.
	eventually(t, menuWait, "the CLI's browser", func() error {
		if got := w.browserOpened(); len(got) != 1 {
			return fmt.Errorf("opened %q; the CLI said: %s", got, out.String())
		}
		return nil
	})
	a.Click("Login acme", exactly("Login acme"))
	d, _ := a.waitDialog(ssoTitle)
	if !strings.Contains(flat(d.Args), "Another sign-in to acme is running") {
		t.Fatalf("the dialog does not say it waits: %q", d.Args)
	}
	a.WaitItem("signing in", exactly("acme (SSO) — signing in…"))

	w.openGate()
	select {
	case err := <-cliDone:
		cliDone <- err
		if err != nil {
			t.Fatalf("awsmfa sso login: %v\n%s", err, out.String())
		}
	case <-time.After(loginWait):
		t.Fatalf("the CLI's sign-in did not end: %s", out.String())
	}
	a.waitNoDialog()
	waitNotification(t, a, "the notice", func(n notification) bool {
		return strings.HasPrefix(n.Summary, "acme (SSO): logged in until ") && n.Body == "By the other sign-in that was running."
	})
	a.WaitItem("active", prefixed("acme (SSO) — active, "))
	if got := w.browserOpened(); len(got) != 1 {
		t.Errorf("the browser opened %d times: %q", len(got), got)
	}
	if n := w.fake.CountCalls("CreateToken", "authorization_code"); n != 1 {
		t.Errorf("%d authorization-code grants", n)
	}
}

// Logout all with an MFA session and an SSO sign-in asks once, naming
// both, then logs out of both: the MFA keys leave the credentials file,
// the sign-in ends at the portal and its token goes.
func TestTraySSOLogoutAllBothKinds(t *testing.T) {
	w := newSSOWorld(t)
	exp := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	original := w.credentials()
	edited := append(append([]byte(nil), original...), []byte("\n["+profile+"]\naws_access_key_id = ASIAEXAMPLEMINE\n"+
		"aws_secret_access_key = not-a-secret\naws_session_token = not-a-token\nexpiration = "+exp+"\n")...)
	if err := os.WriteFile(w.credPath, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	w.openGate()
	w.cli("sso", "login", "--session", "acme")
	a := startSSOTray(t, w)
	a.WaitItem("myaccount active", activeLabel(w.lcAll))
	a.WaitItem("acme active", prefixed("acme (SSO) — active, "))

	a.Click(labelLogoutAll, exactly(labelLogoutAll))
	d, win := a.waitDialog("awsmfa — " + labelLogoutAll)
	text := flat(d.Args)
	for _, want := range []string{"Log out of 2 active sessions (", "myaccount", "acme (SSO)",
		"MFA session keys are removed from the credentials file (AWS keeps them valid until they expire); SSO sign-ins are ended at the access portal and their tokens removed."} {
		if !strings.Contains(text, want) {
			t.Errorf("the question %q lacks %q", text, want)
		}
	}
	pressKey(t, win, "Return")
	a.WaitItem("myaccount logged out", exactly(statusLabel(w.lcAll, labelLoggedOut)))
	a.WaitItem("acme logged out", exactly("acme (SSO) — logged out"))
	n := waitNotification(t, a, "the notice", func(n notification) bool { return n.Summary == "Logged out of 2 sessions" })
	if !strings.Contains(n.Body, "SSO sign-ins were ended at the access portal and their tokens removed.") {
		t.Errorf("body %q", n.Body)
	}
	if _, err := os.Stat(w.tokenFile()); !os.IsNotExist(err) {
		t.Errorf("acme's token is still there: %v", err)
	}
	if c := w.fake.CountCalls("Logout", ""); c != 1 {
		t.Errorf("%d portal logouts", c)
	}
	got := w.credentials()
	if keys := sectionKeys(got, profile); len(keys) != 0 {
		t.Errorf("[%s] still holds %d keys", profile, len(keys))
	}
	if !bytes.HasPrefix(got, original) {
		t.Errorf("Logout all changed more than the session:\n%s", redact(got, w.world))
	}
}

// A config that cannot sign in, a token file that is not JSON and a
// legacy profile: each row says so, Login on the first shows the core's
// sentence, the second is replaced only when the person says so, and the
// legacy one signs in with a code in the browser.
func TestTraySSORowsThatNeedCare(t *testing.T) {
	const legacy = "https://legacy.awsapps.com/start"
	w := newSSOWorld(t, ssofake.WithStartURLs(ssofake.DefaultStartURL, legacy))
	cfg, _ := os.ReadFile(w.cfgPath)
	cfg = append(cfg, "\n[profile stray]\nsso_session = nosuch\nsso_account_id = 222233334444\nsso_role_name = Developer\n"+
		"\n[profile old]\nsso_start_url = "+legacy+"\nsso_region = eu-west-1\nsso_account_id = 333344445555\nsso_role_name = ReadOnly\n"...)
	if err := os.WriteFile(w.cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(w.cache(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.tokenFile(), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := startSSOTray(t, w)
	a.WaitItem("unreadable", exactly("acme (SSO) — token file unreadable"))
	a.WaitItem("needs setup", exactly("nosuch (SSO) — needs setup"))
	a.WaitItem("legacy", exactly("legacy.awsapps.com (SSO) — logged out"))

	a.Click("Login nosuch", exactly("Login nosuch"))
	d, win := a.waitDialog("awsmfa — nosuch (SSO)")
	if !strings.Contains(d.Args, "--error") || !strings.Contains(flat(d.Args), "[sso-session nosuch]") {
		t.Errorf("the error dialog %q does not name the missing section", d.Args)
	}
	pressKey(t, win, "Return")
	a.waitNoDialog()
	waitLogged(t, w.world, `msg="sso sign-in failed" sso=nosuch`, 1)

	a.Click("Login acme", exactly("Login acme"))
	d, win = a.waitDialog(ssoTitle, d)
	if !strings.Contains(d.Args, "--question") || !strings.Contains(d.Args, "Sign in and replace it") {
		t.Fatalf("no question before replacing the file: %q", d.Args)
	}
	pressEscape(t, win)
	a.waitNoDialog()
	waitLogged(t, w.world, `msg="sso sign-in canceled" sso=acme`, 1)
	if b, _ := os.ReadFile(w.tokenFile()); string(b) != "not json" || len(w.browserOpened()) != 0 {
		t.Fatalf("Cancel changed the file to %q or opened the browser", b)
	}
	a.Click("Login acme", exactly("Login acme"))
	_, win = a.waitDialog(ssoTitle, d)
	w.openGate()
	pressKey(t, win, "Return") // Sign in and replace it
	a.WaitItem("acme active", prefixed("acme (SSO) — active, "))
	a.waitNoDialog()
	if tok := w.token(); !w.fake.AccessTokenValid(tok["accessToken"]) {
		t.Error("the file does not hold the new sign-in's token")
	}

	// Legacy: a device code, in the browser that opened; the dialog shows
	// the code the page must show.
	if err := os.Remove(w.gate); err != nil {
		t.Fatal(err)
	}
	a.Click("Login legacy.awsapps.com", exactly("Login legacy.awsapps.com"))
	d, _ = a.waitDialog("awsmfa — legacy.awsapps.com (SSO)")
	eventually(t, menuWait, "the browser on the device page", func() error {
		if got := w.browserOpened(); len(got) != 2 {
			return fmt.Errorf("opened %q", got)
		}
		return nil
	})
	code := userCodeRE.FindStringSubmatch(w.browserOpened()[1])
	if code == nil || !strings.Contains(flat(d.Args), "in the browser window that opened, and check that the page shows the code "+code[1]) {
		t.Errorf("the dialog does not show the code of the page that opened: %q", d.Args)
	}
	w.openGate()
	a.waitNoDialog()
	a.WaitItem("legacy active", prefixed("legacy.awsapps.com (SSO) — active, "))
	var tok struct{ StartURL, AccessToken, RefreshToken string }
	if b, err := os.ReadFile(w.tokenFileOf(legacy)); err != nil || json.Unmarshal(b, &tok) != nil || tok.StartURL != legacy {
		t.Errorf("no legacy token named for its start URL: %v", err)
	} else if !w.fake.AccessTokenValid(tok.AccessToken) || tok.RefreshToken != "" {
		t.Error("the legacy token is not the fake's, or has a refresh token (the CLI keeps none for legacy profiles)")
	}
	opened := w.browserOpened()
	if len(opened) != 2 || !strings.Contains(opened[1], "/device?user_code=") {
		t.Errorf("the browser opened %q", opened)
	}
}

// --demo's IAM Identity Center session signs in through the browser at
// the demo's own fake, keeps its token in the demo's folder (never in
// ~/.aws/sso/cache), renews itself, and goes with the folder on Quit.
func TestTrayDemoSSO(t *testing.T) {
	w := newSSOWorld(t)
	w.openGate()
	a := startApp(t, harness.tray, w.env(), "--demo", "--verbose")
	a.WaitItem("demo-sso's row", exactly("demo-sso (SSO) — logged out"))
	a.WaitItem("its profile", exactly("Profiles: demo-dev"))
	a.Click("Login demo-sso", exactly("Login demo-sso"))
	n := waitNotification(t, a, "the logged-in notice", func(n notification) bool {
		return strings.HasPrefix(n.Summary, "demo-sso (SSO): logged in until ")
	})
	dir, ok := strings.CutPrefix(n.Body, "A demo sign-in at a local fake of IAM Identity Center: no AWS service accepts it. Its token is in ")
	dir = strings.TrimSuffix(dir, ".")
	if !ok || !filepath.IsAbs(dir) {
		t.Fatalf("the notice does not say where the token is: %q", n.Body)
	}
	a.WaitItem("active, renewing itself", regexp.MustCompile(`^demo-sso \(SSO\) — active, \d+m left, renews itself$`).MatchString)
	opened := w.browserOpened()
	if len(opened) != 1 || strings.HasPrefix(opened[0], w.fake.URL) || !strings.Contains(opened[0], "/authorize?") {
		t.Errorf("the browser was not sent to the demo's own sign-in page: %q", opened)
	}
	if _, err := os.Stat(filepath.Join(dir, ".aws", "sso", "cache", sha1Hex("demo-sso")+".json")); err != nil {
		t.Errorf("no token in the demo's folder: %v", err)
	}
	if _, err := os.Stat(w.cache()); !os.IsNotExist(err) {
		t.Errorf("the demo touched ~/.aws/sso/cache: %v", err)
	}
	if c := len(w.fake.Calls()); c != 0 {
		t.Errorf("the demo called the test's Identity Center %d times", c)
	}
	a.Click(labelQuit, exactly(labelQuit))
	select {
	case <-a.done:
	case <-time.After(menuWait):
		t.Fatal("the demo did not quit")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the demo's folder is still there: %v", err)
	}
}

// When IAM Identity Center does not answer, or does not know the start
// URL, Login shows the core's sentence in an error dialog, opens no
// browser and writes nothing.
func TestTraySSOSignInErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		down bool
		want string
	}{
		{"no answer", true, "IAM Identity Center in eu-west-1"},
		{"unknown start URL", false, "does not know the start URL https://acme.awsapps.com/start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newSSOWorld(t, ssofake.WithStartURLs("https://other.awsapps.com/start"))
			env := w.env()
			if tc.down {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				addr := l.Addr().String()
				l.Close()                                                   // nothing answers there now
				env = append(env, "AWS_ENDPOINT_URL_SSO_OIDC=http://"+addr) // the last one counts
			}
			a := startApp(t, harness.tray, env, "--verbose")
			a.Click("Login acme", exactly("Login acme"))
			d, win := a.waitDialog(ssoTitle)
			if !strings.Contains(d.Args, "--error") || !strings.Contains(flat(d.Args), tc.want) {
				t.Errorf("the error dialog %q lacks %q", d.Args, tc.want)
			}
			pressKey(t, win, "Return")
			a.waitNoDialog()
			waitLogged(t, w.world, `msg="sso sign-in failed" sso=acme`, 1)
			a.WaitItem("still logged out", exactly("acme (SSO) — logged out"))
			if got := w.cacheJSON(); len(got) != 0 || len(w.browserOpened()) != 0 {
				t.Errorf("the cache holds %v, the browser got %q", got, w.browserOpened())
			}
		})
	}
}
