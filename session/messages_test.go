package session_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// A line indented under a session key: the editor cannot remove the key
// without changing what a reader sees, and the refusal says which line to
// fix. Once fixed, logout works.
func TestLogoutNamesTheIndentedLineToFix(t *testing.T) {
	cred := permCreds + "[myaccount]\nfoo =\naws_session_token = tok\n  region = eu-west-1\n"
	e := newEnv(t, permConfig, cred)
	before := readFile(t, e.credPath)
	_, err := e.m.Logout("myaccount")
	if !errors.Is(err, inifile.ErrUnsafeEdit) {
		t.Fatalf("err = %v, want an unsafe edit", err)
	}
	want := "cannot remove aws_session_token from [myaccount] of " + e.credPath + ": line 8 is indented under it"
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "remove the line's indentation (or the line) by hand") {
		t.Errorf("err = %q, want it to contain %q and what to do", err, want)
	}
	if n := strings.Count(err.Error(), "cannot "); n != 1 {
		t.Errorf("err = %q, want one sentence (%d times \"cannot\")", err, n)
	}
	if readFile(t, e.credPath) != before {
		t.Error("file changed")
	}
	writeFile(t, e.credPath, strings.Replace(readFile(t, e.credPath), "  region", "region", 1))
	if removed, err := e.m.Logout("myaccount"); err != nil || !removed {
		t.Errorf("after the fix: %v, %v", removed, err)
	}
}

// A refusal without an indented line keeps the editor's own sentence,
// which names the line and the fix, and says which file it is about.
func TestUnsafeLogoutIsOneSentence(t *testing.T) {
	cred := permCreds + "[DEFAULT]\naws_session_token = shared\n[myaccount]\naws_session_token = tok\n"
	e := newEnv(t, permConfig, cred)
	before := readFile(t, e.credPath)
	_, err := e.m.Logout("myaccount")
	if !errors.Is(err, inifile.ErrUnsafeEdit) {
		t.Fatalf("err = %v, want an unsafe edit", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, e.credPath+": cannot remove aws_session_token from [myaccount] safely: ") ||
		!strings.Contains(msg, "[DEFAULT]") || !strings.Contains(msg, "by hand") || strings.Count(msg, "cannot ") != 1 {
		t.Errorf("err = %q, want one sentence naming the file, [DEFAULT] and the fix", msg)
	}
	if readFile(t, e.credPath) != before {
		t.Error("file changed")
	}
}

// "read X: read X: read X: is a directory" is one sentence now.
func TestUnreadableFilesAreOneSentence(t *testing.T) {
	e := newEnv(t, permConfig, "-")
	if err := os.Mkdir(e.credPath, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := e.m.Status("myaccount")
	if err == nil {
		t.Fatal("status read a folder")
	}
	want := "the credentials file " + e.credPath + " (AWS_SHARED_CREDENTIALS_FILE) is a folder, not a file"
	if !strings.Contains(err.Error(), want) || strings.Count(err.Error(), e.credPath) != 1 {
		t.Errorf("err = %q, want one mention of the path and %q", err, want)
	}
}

// The login reports what STS granted, not what was asked for: STS caps
// some sessions (a root user at 1h).
func TestLoginReportsTheGrantedDuration(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	e.srv.Close()
	e.srv = stsfake.NewTest(t, stsfake.WithUsers(e.user), stsfake.WithClock(e.clock.Now), stsfake.WithSessionCap(time.Hour))
	t.Setenv("AWS_ENDPOINT_URL_STS", e.srv.URL)
	s, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code(), Duration: 12 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if s.Duration != time.Hour || !s.Expiration.Equal(e.clock.Now().Add(time.Hour)) {
		t.Errorf("session = %+v, want the 1h STS granted", s)
	}
}

// A message never starts with the endpoint's URL: the tray capitalises
// the first letter of a sentence ("Http://...").
func TestTimeoutSentenceStartsWithSTS(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	e.srv.SetDelay(5 * time.Second)
	e.m = session.New(session.Config{Clock: e.clock, Timeout: 200 * time.Millisecond})
	_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()})
	if err == nil || !strings.HasPrefix(err.Error(), "STS at http://") {
		t.Errorf("err = %v, want it to start with \"STS at http://\"", err)
	}
	e.assertOneSentence(err.Error(), "")
}

// A credentials file in the year 9999 shows a sane time left.
func TestStatusOfAFarExpiry(t *testing.T) {
	e := newEnv(t, permConfig, permCreds+"[myaccount]\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s\naws_session_token = t\nexpiration = 9999-12-31T23:59:59Z\n")
	st, err := e.m.Status("myaccount")
	if err != nil || st.State != session.Active {
		t.Fatalf("status = %+v, %v", st, err)
	}
	if got := session.FormatLeft(st.Left); got != "more than 999 days" {
		t.Errorf("FormatLeft = %q", got)
	}
}
