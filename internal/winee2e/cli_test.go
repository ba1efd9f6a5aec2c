//go:build linux

package winee2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

// cliEnv is one world for awsmfa.exe: CRLF config and credentials files in
// a Linux temp folder, and the STS fake on loopback in this process.
type cliEnv struct {
	cfg, creds string
	original   string // the credentials file as written, CRLF
	env        []string
	fake       *stsfake.Server
	users      map[string]stsfake.User
}

// newCLIEnv lays out the README's convention for profiles, in the CRLF a
// Windows editor writes, with comments and an unrelated profile around.
func newCLIEnv(t *testing.T, profiles ...string) *cliEnv {
	t.Helper()
	dir := t.TempDir()
	e := &cliEnv{
		cfg:   filepath.Join(dir, "config"),
		creds: filepath.Join(dir, "credentials"),
		fake:  stsfake.NewTest(t),
		users: map[string]stsfake.User{},
	}
	cfg := []string{"# written on Windows", "[default]", "region = eu-west-1", ""}
	creds := []string{"# long-term keys; do not share", "[plain]", "aws_access_key_id = AKIAPLAIN00000000000", "aws_secret_access_key = plain/secret", ""}
	for _, p := range profiles {
		u := stsfake.User{
			AccessKeyID:     stsfake.NewAccessKeyID(),
			SecretAccessKey: stsfake.NewSecretAccessKey(),
			MFASerial:       "arn:aws:iam::123456789012:mfa/" + p,
			TOTPSecret:      totp.NewSecret(),
		}
		e.fake.AddUser(u)
		e.users[p] = u
		cfg = append(cfg, "[profile "+p+"Perm]", "mfa_serial = "+u.MFASerial, "[profile "+p+"]", "region = eu-west-1", "")
		creds = append(creds, "["+p+"Perm]", "aws_access_key_id = "+u.AccessKeyID, "aws_secret_access_key = "+u.SecretAccessKey, "")
	}
	e.original = strings.Join(creds, "\r\n")
	for path, text := range map[string]string{e.cfg: strings.Join(cfg, "\r\n"), e.creds: e.original} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e.env = []string{
		"AWS_CONFIG_FILE=" + winPath(e.cfg),
		"AWS_SHARED_CREDENTIALS_FILE=" + winPath(e.creds),
		"AWS_ENDPOINT_URL_STS=" + e.fake.URL,
		"AWS_EC2_METADATA_DISABLED=true",
	}
	return e
}

func (e *cliEnv) read(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(e.creds)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (e *cliEnv) code(t *testing.T, profile string) string {
	t.Helper()
	c, err := totp.Code(e.users[profile].TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// awsmfa runs awsmfa.exe and fails the test unless it exits 0 with want in
// its output. No secret of any user may appear in the output.
func (e *cliEnv) awsmfa(t *testing.T, want string, args ...string) result {
	t.Helper()
	r := run(t, "awsmfa.exe", e.env, args...)
	e.noSecrets(t, r.stdout+r.stderr)
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Fatalf("awsmfa %s: exit %d\nstdout %q\nstderr %q\nwant %q", strings.Join(args, " "), r.code, r.stdout, r.stderr, want)
	}
	return r
}

func (e *cliEnv) login(t *testing.T, profile string) {
	t.Helper()
	e.awsmfa(t, "Logged in "+profile+" until", "--profile", profile, "login", "--token-code", e.code(t, profile))
}

func (e *cliEnv) noSecrets(t *testing.T, out string) {
	t.Helper()
	for _, u := range e.users {
		if strings.Contains(out, u.SecretAccessKey) || strings.Contains(out, u.AccessKeyID) {
			t.Fatalf("output shows a long-term key:\n%s", out)
		}
	}
	for _, s := range e.fake.IssuedSessions() {
		if strings.Contains(out, s.SecretAccessKey) || strings.Contains(out, s.SessionToken) {
			t.Fatalf("output shows a session secret:\n%s", out)
		}
	}
}

// checkSession: [profile] holds the last session STS issued for it, every
// line of the file still ends in CRLF, and each long-term section is
// byte for byte as written.
func (e *cliEnv) checkSession(t *testing.T, got, profile string) {
	t.Helper()
	if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
		t.Errorf("a line lost its CR:\n%q", got)
	}
	var issued *stsfake.Session
	for _, s := range e.fake.IssuedSessions() {
		if s.UserAccessKeyID == e.users[profile].AccessKeyID {
			issued = &s
		}
	}
	if issued == nil {
		t.Fatalf("STS issued no session for %s", profile)
	}
	want := regexp.QuoteMeta("["+profile+"]\r\n") + "(?:[a-z_]+ = .*\r\n)*?" + regexp.QuoteMeta("aws_access_key_id = "+issued.AccessKeyID+"\r\n")
	if !regexp.MustCompile(want).MatchString(got) || !strings.Contains(got, "aws_session_token = "+issued.SessionToken+"\r\n") {
		t.Errorf("[%s] does not hold the issued session:\n%s", profile, got)
	}
	for _, block := range strings.Split(e.original, "\r\n\r\n") {
		if !strings.Contains(got, block) {
			t.Errorf("a long-term section changed; want it intact:\n%q", block)
		}
	}
}

// The CLI's whole life on Windows: login, status, logout, logout --all,
// two logins at once, each leaving the CRLF files byte for byte as they
// were once logged out.
func TestCLILoginStatusLogout(t *testing.T) {
	needWine(t)
	e := newCLIEnv(t, "myaccount", "other", "third")

	e.login(t, "myaccount")
	e.checkSession(t, e.read(t), "myaccount")
	r := e.awsmfa(t, "myaccount", "status")
	if !regexp.MustCompile(`(?m)^myaccount +active `).MatchString(r.stdout) || !regexp.MustCompile(`(?m)^other +logged out `).MatchString(r.stdout) {
		t.Errorf("status:\n%s", r.stdout)
	}
	e.awsmfa(t, "Logged out myaccount", "--profile", "myaccount", "logout")
	if got := e.read(t); got != e.original {
		t.Fatalf("after login and logout the file is\n%q\nwant\n%q", got, e.original)
	}

	// Two awsmfa.exe at the same time, each logging in its own profile
	// (myaccount's code of this half minute is spent): the lock keeps both
	// sessions.
	var wg sync.WaitGroup
	codes := map[string]string{"other": e.code(t, "other"), "third": e.code(t, "third")}
	results := make(chan result, 2)
	for p, c := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- run(t, "awsmfa.exe", e.env, "--profile", p, "login", "--token-code", c)
		}()
	}
	wg.Wait()
	close(results)
	for r := range results {
		if r.code != 0 {
			t.Fatalf("concurrent login: exit %d: %s", r.code, r.stderr)
		}
	}
	got := e.read(t)
	e.checkSession(t, got, "other")
	e.checkSession(t, got, "third")

	// The session written last goes first, then logout --all takes the
	// other: until the writer removes a created section that is not the
	// last block (issue 11, "The file returns to its bytes"), the other
	// order leaves an empty header, and which one the race wrote last is
	// chance.
	last := "other"
	if strings.Index(got, "[third]") > strings.Index(got, "[other]") {
		last = "third"
	}
	e.awsmfa(t, "Logged out "+last, "--profile", last, "logout")
	e.awsmfa(t, "Logged out", "logout", "--all")
	if got := e.read(t); got != e.original {
		t.Fatalf("after logout --all the file is\n%q\nwant\n%q", got, e.original)
	}
}

// Long-term keys through the Windows Credential Manager: import, login
// signed by the keys from there, logout, export, and the file is back to
// its bytes.
func TestCLIKeychain(t *testing.T) {
	needWine(t)
	e := newCLIEnv(t, "vaulted")
	u := e.users["vaulted"]

	e.awsmfa(t, "into the OS keychain", "--profile", "vaulted", "keychain", "import")
	got := e.read(t)
	if strings.Contains(got, u.SecretAccessKey) || strings.Contains(got, u.AccessKeyID) {
		t.Fatalf("after import the file still holds the long-term key:\n%s", got)
	}
	if !strings.Contains(got, "[vaultedPerm]\r\nawsmfa_keychain = true\r\n") {
		t.Errorf("after import [vaultedPerm] does not say awsmfa_keychain = true (CRLF):\n%q", got)
	}
	if r := e.awsmfa(t, "vaulted", "keychain", "status"); !regexp.MustCompile(`(?m)^vaulted +vaultedPerm +keychain`).MatchString(r.stdout) {
		t.Errorf("keychain status:\n%s", r.stdout)
	}
	// Wine keeps the Credential Manager's items in its registry.
	if items := credentials(t); !strings.Contains(items, "awsmfa") {
		t.Errorf("no awsmfa item in the Credential Manager:\n%s", items)
	}

	e.login(t, "vaulted")
	if is := e.fake.IssuedSessions(); len(is) != 1 || is[0].UserAccessKeyID != u.AccessKeyID {
		t.Fatalf("STS issued %d sessions, want one signed by the key from the Credential Manager", len(is))
	}
	e.awsmfa(t, "Logged out vaulted", "--profile", "vaulted", "logout")
	e.awsmfa(t, "back into", "--profile", "vaulted", "keychain", "export")
	if got := e.read(t); got != e.original {
		t.Errorf("after import, login, logout, export the file is\n%q\nwant\n%q", got, e.original)
	}
	if items := credentials(t); strings.Contains(items, "awsmfa") {
		t.Errorf("export left the item in the Credential Manager:\n%s", items)
	}
}

// credentials lists the Credential Manager's items as wine stores them.
func credentials(t *testing.T) string {
	t.Helper()
	r := run(t, "reg", nil, "query", `HKCU\Software\Wine\Credential Manager`, "/s")
	if r.code != 0 {
		t.Fatalf("reg query: exit %d: %s", r.code, r.stderr)
	}
	return r.stdout
}
