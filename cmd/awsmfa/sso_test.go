package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

const ssoConfig = `[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = acme
sso_account_id = 222233334444
sso_role_name = Developer
region = eu-west-1
`

// ssoTestEnv is newEnv plus the Identity Center fake, reached through the
// SDKs' endpoint variables, and the scripted browser as the opener.
type ssoTestEnv struct {
	*testEnv
	sso     *ssofake.Server
	browser *ssofake.Browser
	cache   string
}

func newSSOTestEnv(t *testing.T, cfg string) *ssoTestEnv {
	t.Helper()
	e := &ssoTestEnv{testEnv: newEnv(t), browser: &ssofake.Browser{}}
	e.write(t, cfg, "")
	e.sso = ssofake.NewTest(t)
	e.cache = filepath.Join(e.dir, ".aws", "sso", "cache")
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", e.sso.URL)
	t.Setenv("AWS_ENDPOINT_URL_SSO", e.sso.URL)
	prev := openBrowser
	openBrowser = e.browser.Open
	t.Cleanup(func() { openBrowser = prev })
	return e
}

// tokens are the secrets in the cache; none may ever be printed.
func (e *ssoTestEnv) assertNoTokens(t *testing.T, outputs ...string) {
	t.Helper()
	entries, _ := os.ReadDir(e.cache)
	for _, en := range entries {
		var m map[string]any
		if json.Unmarshal([]byte(readFile(t, filepath.Join(e.cache, en.Name()))), &m) != nil {
			continue
		}
		for _, k := range []string{"accessToken", "refreshToken", "clientSecret"} {
			v, _ := m[k].(string)
			for _, out := range outputs {
				if v != "" && strings.Contains(out, v) {
					t.Errorf("output holds the %s", k)
				}
			}
		}
	}
}

var loggedInRE = regexp.MustCompile(`^Logged in to acme until \d{4}-\d\d-\d\d \d\d:\d\d \S+ \(1h0m\)\n$`)

func TestSSOLoginCommand(t *testing.T) {
	e := newSSOTestEnv(t, ssoConfig)
	r := cli(t, "sso", "login", "--session", "acme")
	if r.code != 0 || !loggedInRE.MatchString(r.stdout) {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "Opened your browser to sign in to acme") || !strings.Contains(r.stderr, e.sso.URL+"/authorize?") {
		t.Errorf("stderr %s", r.stderr)
	}
	e.assertNoTokens(t, r.stdout, r.stderr)

	// Logged in: the browser is not opened again.
	r = cli(t, "sso", "login", "--profile", "dev")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "acme is still logged in for 59m") && !strings.HasPrefix(r.stdout, "acme is still logged in for 1h0m") ||
		!strings.HasSuffix(r.stdout, "; use --force to log in again\n") || len(e.browser.Opened()) != 1 {
		t.Errorf("second login: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	// Status, alone and within "awsmfa status".
	r = cli(t, "sso", "status")
	if r.code != 0 || !regexp.MustCompile(`(?m)^SSO SESSION +STATE +LEFT +EXPIRES +RENEWS +PROFILES\nacme +active +(59m|1h0m) +\d{4}-\d\d-\d\d \d\d:\d\d \S+ +yes +dev$`).MatchString(r.stdout) {
		t.Errorf("sso status: %d %q", r.code, r.stdout)
	}
	// In "awsmfa status", dev is a row of the one table, its source the
	// session; with no MFA profile there is no MFA setup advice.
	r = cli(t, "status")
	if r.code != 0 || strings.Contains(r.stdout, "No MFA profiles") ||
		!regexp.MustCompile(`(?m)^PROFILE +STATE +LEFT +EXPIRES +SOURCE\ndev +active +(59m|1h0m) +\d{4}-\d\d-\d\d \d\d:\d\d \S+ +sso acme$`).MatchString(r.stdout) {
		t.Errorf("status: %d %q", r.code, r.stdout)
	}
	r = cli(t, "sso", "status", "--json")
	var js []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &js); err != nil || len(js) != 1 || js[0]["session"] != "acme" ||
		js[0]["state"] != "active" || js[0]["refreshable"] != true || js[0]["token_file"] != filepath.Join(e.cache, "293abb6b76d7791c0732cc517d38c4b5c734b87f.json") {
		t.Errorf("json %v %s", err, r.stdout)
	}
	e.assertNoTokens(t, r.stdout)

	r = cli(t, "sso", "logout", "--session", "acme")
	if r.code != 0 || r.stdout != "Logged out of acme\n" || r.stderr != "" {
		t.Errorf("logout: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = cli(t, "sso", "logout")
	if r.code != 0 || r.stdout != "acme is not logged in; nothing to log out\n" {
		t.Errorf("second logout: %d %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestSSOLoginDeviceCodeCommand(t *testing.T) {
	e := newSSOTestEnv(t, ssoConfig)
	t.Setenv("AWS_PROFILE", "dev")
	withManager(t, session.Config{SSO: session.SSOConfig{PollInterval: 10 * time.Millisecond}})
	r := cli(t, "sso", "login", "--use-device-code")
	if r.code != 0 || !loggedInRE.MatchString(r.stdout) {
		t.Fatalf("exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	if !regexp.MustCompile(`and check that it shows the code\n\n  [A-Z]{4}-[A-Z]{4}\n`).MatchString(r.stderr) {
		t.Errorf("stderr %s", r.stderr)
	}
	_ = e
}

// --no-browser prints the address; the user opens it by hand.
func TestSSOLoginNoBrowser(t *testing.T) {
	e := newSSOTestEnv(t, ssoConfig)
	openBrowser = func(context.Context, string) error {
		t.Error("--no-browser opened the browser")
		return nil
	}
	stderr := &urlWatcher{found: make(chan string, 1)}
	var out bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- runContext(context.Background(), []string{"sso", "login", "--no-browser"}, strings.NewReader(""), &out, stderr)
	}()
	u := <-stderr.found
	if err := e.browser.Open(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 || !loggedInRE.MatchString(out.String()) {
		t.Errorf("exit %d %q %s", code, out.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "To sign in to acme, open this page in a browser on this machine") {
		t.Errorf("stderr %s", stderr.String())
	}
}

// urlWatcher is a stderr that reports the first sign-in address printed.
type urlWatcher struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	found chan string
	sent  bool
}

var indentedURL = regexp.MustCompile(`(?m)^  (http://\S+)$`)

func (w *urlWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := indentedURL.FindStringSubmatch(w.buf.String()); m != nil && !w.sent {
		w.sent = true
		w.found <- m[1]
	}
	return len(p), nil
}

func (w *urlWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestSSOCommandErrors(t *testing.T) {
	e := newSSOTestEnv(t, ssoConfig+"[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n[profile plain]\nregion = eu-west-1\n")
	for _, tt := range []struct {
		args []string
		code int
		want string // in stderr
	}{
		{[]string{"sso"}, 2, "awsmfa: sso needs login, logout or status\nusage: awsmfa sso login|logout|status"},
		{[]string{"sso", "bogus"}, 2, `unknown sso command "bogus"`},
		{[]string{"sso", "login", "--session", "acme", "--profile", "dev"}, 2, "give either --session or --profile, not both"},
		{[]string{"sso", "login"}, 2, "name the session with --session: acme, corp"},
		{[]string{"sso", "login", "--session", "nope"}, 1, "awsmfa: there is no [sso-session nope] in " + e.cfg + ": the SSO sessions there are acme, corp\n"},
		{[]string{"sso", "login", "--profile", "plain"}, 1, "awsmfa: profile plain does not use IAM Identity Center"},
		{[]string{"sso", "status", "--session", "acme"}, 2, "--session is not an option of sso status"},
		{[]string{"sso", "logout", "--force"}, 2, "--force is not an option of sso logout"},
		{[]string{"sso", "login", "--json"}, 2, "--json is not an option of sso login"},
	} {
		r := cli(t, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tt.args, r.code, r.stdout, r.stderr)
		}
	}
	if len(e.sso.Calls()) != 0 {
		t.Error("a usage error reached Identity Center")
	}
}

// The user closes the browser: one sentence, exit 1, nothing written.
func TestSSOLoginBrowserClosed(t *testing.T) {
	e := newSSOTestEnv(t, ssoConfig)
	e.browser.Close = true
	withManager(t, session.Config{SSO: session.SSOConfig{LoginTimeout: 300 * time.Millisecond}})
	r := cli(t, "sso", "login")
	if r.code != 1 || !strings.HasPrefix(lastLine(r.stderr), "awsmfa: no sign-in came back from the browser within 300ms, so nothing was written") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(e.cache); len(entries) > 1 { // the login lock only
		t.Errorf("written: %v", entries)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestSSOHelp(t *testing.T) {
	for _, args := range [][]string{{"sso", "--help"}, {"help", "sso"}, {"sso", "login", "--help"}} {
		r := cli(t, args...)
		if r.code != 0 {
			t.Errorf("%v: exit %d", args, r.code)
		}
		golden(t, "help/sso.golden", r.stdout)
	}
}

// Two awsmfa processes log in to one session at once: one sign-in runs,
// the other waits for it and uses its token.
func TestBinarySSOOneLoginAtATime(t *testing.T) {
	e := newSSOTestEnv(t, ssoConfig)
	first := exec.Command(binary(t), "sso", "login", "--no-browser")
	firstOut, firstErr := &bytes.Buffer{}, &urlWatcher{found: make(chan string, 1)}
	first.Stdout, first.Stderr = firstOut, firstErr
	detach(first)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	u := <-firstErr.found

	second := exec.Command(binary(t), "sso", "login", "--no-browser")
	secondOut := &bytes.Buffer{}
	pr, pw := io.Pipe()
	second.Stdout, second.Stderr = secondOut, pw
	detach(second)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	waiting := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "another login of acme is running") {
				waiting <- sc.Text()
			}
		}
	}()
	<-waiting
	if err := e.browser.Open(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if err := first.Wait(); err != nil || !loggedInRE.MatchString(firstOut.String()) {
		t.Errorf("first: %v %q %s", err, firstOut.String(), firstErr.String())
	}
	err := second.Wait()
	pw.Close()
	if err != nil || !strings.HasPrefix(secondOut.String(), "Logged in to acme by the other login, until ") {
		t.Errorf("second: %v %q", err, secondOut.String())
	}
	if n := e.sso.CountCalls("Authorize", ""); n != 1 {
		t.Errorf("%d sign-ins, want 1", n)
	}
}
