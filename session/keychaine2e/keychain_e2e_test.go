package keychaine2e

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/session/keychain"
)

const serial = "arn:aws:iam::123456789012:mfa/alice"

const config = "[profile myaccountPerm]\nmfa_serial = " + serial + "\n\n[profile myaccount]\nregion = eu-west-1\n"

// A realistic file: comments, another profile, a default section.
const credentials = "# work laptop\n[default]\nregion = eu-west-1\n\n[myaccountPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n\n; another tool's profile\n[ci]\naws_access_key_id = AKIAOTHEREXAMPLE0000\naws_secret_access_key = othersecret\n"

type env struct {
	t        *testing.T
	user     stsfake.User
	srv      *stsfake.Server
	credPath string
	original string
	m        *session.Manager
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t}
	e.user = stsfake.User{
		AccessKeyID:     stsfake.NewAccessKeyID(),
		SecretAccessKey: stsfake.NewSecretAccessKey(),
		MFASerial:       serial,
		TOTPSecret:      totp.NewSecret(),
	}
	e.srv = stsfake.NewTest(t, stsfake.WithUsers(e.user))
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config")
	e.credPath = filepath.Join(dir, "credentials")
	e.original = strings.NewReplacer("KEYID", e.user.AccessKeyID, "SECRET", e.user.SecretAccessKey).Replace(credentials)
	for path, content := range map[string]string{cfgPath: config, e.credPath: e.original} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", cfgPath)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.credPath)
	t.Setenv("AWS_ENDPOINT_URL_STS", e.srv.URL)
	// Keychain left nil: the real OS keychain, here gnome-keyring.
	e.m = session.New(session.Config{Timeout: 10 * time.Second})
	_ = keychain.Store{}.Delete("myaccountPerm")
	t.Cleanup(func() { _ = keychain.Store{}.Delete("myaccountPerm") })
	return e
}

func (e *env) read() string {
	e.t.Helper()
	b, err := os.ReadFile(e.credPath)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// noSecrets fails when s holds the long-term keys, the TOTP secret or a
// session's secrets.
func (e *env) noSecrets(what, s string) {
	e.t.Helper()
	secrets := []string{e.user.SecretAccessKey, e.user.AccessKeyID, e.user.TOTPSecret}
	for _, is := range e.srv.IssuedSessions() {
		secrets = append(secrets, is.SecretAccessKey, is.SessionToken)
	}
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			e.t.Errorf("%s holds a secret", what)
		}
	}
}

func TestImportLoginLogoutExport(t *testing.T) {
	skipUnlessSecretService(t)
	e := newEnv(t)
	ctx := context.Background()

	if err := e.m.KeychainImport(ctx, "myaccount"); err != nil {
		t.Fatal(err)
	}
	imported := e.read()
	want := strings.Replace(e.original, "aws_access_key_id = "+e.user.AccessKeyID+"\naws_secret_access_key = "+e.user.SecretAccessKey+"\n", "awsmfa_keychain = true\n", 1)
	if imported != want {
		t.Fatalf("after import:\n%q\nwant:\n%q", imported, want)
	}
	e.noSecrets("the file after import", imported)

	// The item as the Secret Service holds it: service awsmfa, account L,
	// the documented JSON.
	raw, err := keyring.Get("awsmfa", "myaccountPerm")
	if err != nil {
		t.Fatal(err)
	}
	if wantRaw := `{"aws_access_key_id":"` + e.user.AccessKeyID + `","aws_secret_access_key":"` + e.user.SecretAccessKey + `"}`; raw != wantRaw {
		t.Error("the keychain item is not the documented JSON of the keys")
	}
	locs, err := e.m.KeychainStatus(true)
	if err != nil || len(locs) != 1 || locs[0].Store != session.KeysInKeychain || locs[0].Problem != nil {
		t.Fatalf("status = %+v, %v", locs, err)
	}

	code, err := totp.Code(e.user.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.m.Login(ctx, "myaccount", session.LoginOptions{TokenCode: code})
	if err != nil {
		t.Fatal(err)
	}
	issued := e.srv.IssuedSessions()
	if len(issued) != 1 || issued[0].UserAccessKeyID != e.user.AccessKeyID || !issued[0].MFA {
		t.Fatalf("issued = %+v", issued)
	}
	if s.Profile != "myaccount" || !s.Expiration.After(time.Now()) {
		t.Errorf("session = %+v", s)
	}
	loggedIn := e.read()
	if !strings.Contains(loggedIn, issued[0].SessionToken) || strings.Contains(loggedIn, e.user.SecretAccessKey) || strings.Contains(loggedIn, e.user.AccessKeyID) {
		t.Error("after login the file must hold the session and not the long-term keys")
	}

	if _, err := e.m.Logout("myaccount"); err != nil {
		t.Fatal(err)
	}
	if got := e.read(); got != imported {
		t.Errorf("after logout:\n%q\nwant:\n%q", got, imported)
	}

	if err := e.m.KeychainExport(ctx, "myaccount"); err != nil {
		t.Fatal(err)
	}
	if got := e.read(); got != e.original {
		t.Errorf("after export:\n%q\nwant the original:\n%q", got, e.original)
	}
	if _, err := keyring.Get("awsmfa", "myaccountPerm"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("keychain item after export: %v", err)
	}
}

func TestMissingItemSaysWhatToDo(t *testing.T) {
	skipUnlessSecretService(t)
	e := newEnv(t)
	ctx := context.Background()
	if err := e.m.KeychainImport(ctx, "myaccount"); err != nil {
		t.Fatal(err)
	}
	if err := keyring.Delete("awsmfa", "myaccountPerm"); err != nil {
		t.Fatal(err)
	}
	code, err := totp.Code(e.user.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.m.Login(ctx, "myaccount", session.LoginOptions{TokenCode: code})
	if !errors.Is(err, session.ErrKeychainNotFound) || !strings.Contains(err.Error(), "put aws_access_key_id and aws_secret_access_key back into [myaccountPerm]") {
		t.Fatalf("login without the keychain item: %v", err)
	}
	e.noSecrets("the error", err.Error())
	err = e.m.KeychainExport(ctx, "myaccount")
	if !errors.Is(err, session.ErrKeychainNotFound) {
		t.Errorf("export without the keychain item: %v", err)
	}
	locs, err := e.m.KeychainStatus(true)
	if err != nil || len(locs) != 1 || locs[0].Store != session.KeysMissing {
		t.Errorf("status = %+v, %v; want missing", locs, err)
	}
}
