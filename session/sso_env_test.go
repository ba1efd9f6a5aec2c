package session_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// ssoEnv is a throwaway home with an AWS config, the Identity Center fake
// reached through AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO (as a
// user's environment would point the SDKs at it), a scripted browser and a
// Manager on a fake clock shared with the fake.
type ssoEnv struct {
	t       *testing.T
	home    string
	cfgPath string
	cache   string // ~/.aws/sso/cache, where every SDK reads
	fake    *ssofake.Server
	browser *ssofake.Browser
	clock   *session.FakeClock
	m       *session.Manager
	prompts []session.SSOPrompt
}

const acmeConfig = `[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = acme
sso_account_id = 222233334444
sso_role_name = Developer
region = eu-west-1
`

const acmeStart = "https://acme.awsapps.com/start"

func newSSOEnv(t *testing.T, config string, opts ...ssofake.Option) *ssoEnv {
	t.Helper()
	e := &ssoEnv{t: t, home: t.TempDir()}
	e.clock = session.NewFakeClock(time.Now().UTC().Truncate(time.Second))
	e.fake = ssofake.NewTest(t, append([]ssofake.Option{ssofake.WithClock(e.clock.Now)}, opts...)...)
	e.cfgPath = filepath.Join(e.home, ".aws", "config")
	e.cache = filepath.Join(e.home, ".aws", "sso", "cache")
	if err := os.MkdirAll(filepath.Dir(e.cfgPath), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, e.cfgPath, config)
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_SHARED_CREDENTIALS_FILE", "AWS_DATA_PATH"} {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)  // botocore reads an empty AWS_CONFIG_FILE as "no config"
	}
	t.Setenv("HOME", e.home)
	t.Setenv("USERPROFILE", e.home)
	// aws-sdk-go-v2 fixes its default config path when it loads, before a
	// test can move HOME; the token cache it finds under HOME when it reads.
	t.Setenv("AWS_CONFIG_FILE", e.cfgPath)
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", e.fake.URL)
	t.Setenv("AWS_ENDPOINT_URL_SSO", e.fake.URL)
	e.browser = &ssofake.Browser{}
	e.m = e.manager(session.SSOConfig{})
	return e
}

// manager builds a Manager on the env with cfg's SSO settings; the cache
// is the default one under HOME, and device codes are polled quickly.
func (e *ssoEnv) manager(cfg session.SSOConfig) *session.Manager {
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 10 * time.Millisecond
	}
	if cfg.LoginTimeout == 0 {
		cfg.LoginTimeout = time.Minute // an upper bound on waiting for the scripted browser
	}
	return session.New(session.Config{Clock: e.clock, SSO: cfg})
}

// opts are login options with the scripted browser as the opener.
func (e *ssoEnv) opts() session.SSOLoginOptions {
	return session.SSOLoginOptions{
		Open: e.browser.Open,
		Show: func(p session.SSOPrompt) { e.prompts = append(e.prompts, p) },
	}
}

func (e *ssoEnv) login(name string, o session.SSOLoginOptions) session.SSOToken {
	e.t.Helper()
	tok, err := e.m.SSOLogin(context.Background(), name, o)
	if err != nil {
		e.t.Fatalf("SSOLogin(%s): %v", name, err)
	}
	return tok
}

func sha1Of(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (e *ssoEnv) tokenPath(key string) string { return filepath.Join(e.cache, sha1Of(key)+".json") }

// token reads a token file as the SDKs do: plain JSON.
func (e *ssoEnv) token(key string) map[string]string {
	e.t.Helper()
	var m map[string]string
	if err := json.Unmarshal([]byte(readFile(e.t, e.tokenPath(key))), &m); err != nil {
		e.t.Fatalf("token file: %v", err)
	}
	return m
}

// setTokenField rewrites one field of a token file, as another tool or
// the passing of time would leave it.
func (e *ssoEnv) setTokenField(key, field, value string) {
	e.t.Helper()
	m := e.token(key)
	if value == "" {
		delete(m, field)
	} else {
		m[field] = value
	}
	b, _ := json.Marshal(m)
	writeFile(e.t, e.tokenPath(key), string(b))
}

// cacheFiles lists the cache folder, lock files left out.
func (e *ssoEnv) cacheFiles() []string {
	entries, _ := os.ReadDir(e.cache)
	var out []string
	for _, en := range entries {
		if !strings.HasSuffix(en.Name(), ".lock") {
			out = append(out, en.Name())
		}
	}
	return out
}

func (e *ssoEnv) status(name string) session.SSOStatus {
	e.t.Helper()
	st, err := e.m.SSOStatusOf(name)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// assertNoSecrets fails if s holds a token or secret in the cache.
func (e *ssoEnv) assertNoSecrets(s string) {
	e.t.Helper()
	for _, f := range e.cacheFiles() {
		var m map[string]any
		if json.Unmarshal([]byte(readFile(e.t, filepath.Join(e.cache, f))), &m) != nil {
			continue
		}
		for _, k := range []string{"accessToken", "refreshToken", "clientSecret"} {
			if v, _ := m[k].(string); v != "" && strings.Contains(s, v) {
				e.t.Errorf("output holds the %s: %q", k, s)
			}
		}
	}
}
