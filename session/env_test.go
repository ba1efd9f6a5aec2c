package session_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// testEnv is a throwaway AWS folder, an STS fake and a Manager on both.
type testEnv struct {
	t                 *testing.T
	dir               string
	cfgPath, credPath string
	srv               *stsfake.Server
	user              stsfake.User
	clock             *session.FakeClock
	m                 *session.Manager
}

const testSerial = "arn:aws:iam::123456789012:mfa/alice"

// newEnv writes config and credentials (with the placeholders KEYID and
// SECRET replaced by the fake user's keys) and points the SDK at the fake
// through AWS_ENDPOINT_URL_STS, as a user's environment would.
func newEnv(t *testing.T, config, credentials string) *testEnv {
	t.Helper()
	e := &testEnv{t: t, dir: t.TempDir()}
	e.user = stsfake.User{
		AccessKeyID:     stsfake.NewAccessKeyID(),
		SecretAccessKey: stsfake.NewSecretAccessKey(),
		MFASerial:       testSerial,
		TOTPSecret:      totp.NewSecret(),
	}
	e.clock = session.NewFakeClock(time.Now().Truncate(time.Second)) // STS expiries are whole seconds
	// The fake judges codes and expiries by the same clock as the Manager;
	// only SigV4's freshness check uses the wall clock.
	e.srv = stsfake.NewTest(t, stsfake.WithUsers(e.user), stsfake.WithClock(e.clock.Now))
	e.cfgPath = filepath.Join(e.dir, "config")
	e.credPath = filepath.Join(e.dir, "credentials")
	credentials = strings.NewReplacer("KEYID", e.user.AccessKeyID, "SECRET", e.user.SecretAccessKey).Replace(credentials)
	writeFile(t, e.cfgPath, config)
	writeFile(t, e.credPath, credentials)
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", e.dir)
	t.Setenv("AWS_CONFIG_FILE", e.cfgPath)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.credPath)
	t.Setenv("AWS_ENDPOINT_URL_STS", e.srv.URL)
	e.m = session.New(session.Config{Clock: e.clock, Timeout: 5 * time.Second})
	return e
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if content == "-" {
		return // "-" means: no such file
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// code is a valid TOTP code for the fake user's device now.
func (e *testEnv) code() string {
	e.t.Helper()
	c, err := totp.Code(e.user.TOTPSecret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// assertNoSecrets fails if s holds any secret the test knows of.
func (e *testEnv) assertNoSecrets(s string) {
	e.t.Helper()
	secrets := []string{e.user.SecretAccessKey, e.user.TOTPSecret}
	for _, is := range e.srv.IssuedSessions() {
		secrets = append(secrets, is.SecretAccessKey, is.SessionToken)
	}
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			e.t.Errorf("output holds a secret: %q", s)
		}
	}
}

const permConfig = "[profile myaccountPerm]\nmfa_serial = " + testSerial + "\n[profile myaccount]\nregion = eu-west-1\n"
const permCreds = "# my keys\n[myaccountPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n"
