package tray

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

// The tray with the real core and the STS fake: it asks again exactly as
// the core's conversation says (the CLI's rules), with the core's reasons
// as the dialog's hint, gives up after session.MaxCodeAttempts answers
// with the core's sentence, and takes "123 456" as the core does.
func TestTrayAsksAsTheCoreDoes(t *testing.T) {
	u := stsfake.User{AccessKeyID: stsfake.NewAccessKeyID(), SecretAccessKey: stsfake.NewSecretAccessKey(),
		MFASerial: "arn:aws:iam::123456789012:mfa/alice", TOTPSecret: totp.NewSecret()}
	srv := stsfake.NewTest(t, stsfake.WithUsers(u))
	dir := t.TempDir()
	cfg, cred := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	os.WriteFile(cfg, []byte("[profile myaccountPerm]\nmfa_serial = "+u.MFASerial+"\n"), 0o600)
	os.WriteFile(cred, []byte("[myaccountPerm]\naws_access_key_id = "+u.AccessKeyID+"\naws_secret_access_key = "+u.SecretAccessKey+"\n"), 0o600)
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", dir)
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	t.Setenv("AWS_REGION", "us-east-1")
	core := session.New(session.Config{ConfigFile: cfg, CredentialsFile: cred, CacheDir: filepath.Join(dir, "cache"), Timeout: 5 * time.Second})

	h := newHarness(t)
	h.start(func(c *Config) { c.Core = core; c.Clock = session.SystemClock{}; c.Location = time.Local })
	wrong := "000000"
	if _, ok := totp.Verify(u.TOTPSecret, wrong, time.Now(), 2); ok {
		wrong = "111111"
	}
	h.click("login:myaccount")
	a := h.ask()
	if a.hint != "" || a.serial != u.MFASerial {
		t.Errorf("first ask %+v", a)
	}
	a.reply <- answer{code: "12 34"}
	a = h.ask()
	if a.hint != session.AskMalformed.Hint() {
		t.Errorf("after a malformed answer: %q", a.hint)
	}
	a.reply <- answer{code: wrong}
	a = h.ask()
	if a.hint != session.AskRejected.Hint() {
		t.Errorf("after a refused code: %q", a.hint)
	}
	a.reply <- answer{code: wrong}
	e := h.errorDialog()
	if !strings.Contains(e.text, "MFA codes in a row were not accepted for myaccount") {
		t.Errorf("gave up with %q", e.text)
	}
	select {
	case extra := <-h.dlg.asks:
		t.Fatalf("asked a fourth time: %+v", extra)
	default:
	}
	h.loginDone()

	h.click("login:myaccount")
	code, _ := totp.Code(u.TOTPSecret, time.Now())
	h.ask().reply <- answer{code: code[:3] + " " + code[3:]}
	if d := h.loginDone(); d.Err != nil || d.Canceled {
		t.Fatalf("login %+v", d)
	}
	if len(srv.IssuedSessions()) != 1 {
		t.Errorf("issued %d sessions", len(srv.IssuedSessions()))
	}
}
