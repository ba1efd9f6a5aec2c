package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

func TestLoginWritesSessionAndNothingElse(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	// Env credentials must never sign the call: only [myaccountPerm]'s do.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
	t.Setenv("AWS_SESSION_TOKEN", "envtoken")
	before := readFile(t, e.credPath)

	s, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code(), Duration: 8 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	issued := e.srv.IssuedSessions()
	if len(issued) != 1 {
		t.Fatalf("issued %d sessions, want 1", len(issued))
	}
	is := issued[0]
	if is.UserAccessKeyID != e.user.AccessKeyID || !is.MFA || is.SerialNumber != testSerial {
		t.Errorf("STS saw key %s mfa=%v serial %s", is.UserAccessKeyID, is.MFA, is.SerialNumber)
	}
	calls := e.srv.Calls()
	if len(calls) != 1 || calls[0].DurationSeconds != 8*3600 || calls[0].SessionToken {
		t.Errorf("calls = %+v", calls)
	}
	if !s.Expiration.Equal(is.Expiration) || s.Profile != "myaccount" || s.Duration != 8*time.Hour {
		t.Errorf("session = %+v, fake issued expiry %v", s, is.Expiration)
	}
	after := readFile(t, e.credPath)
	want := before + "\n[myaccount]\n" +
		"aws_access_key_id = " + is.AccessKeyID + "\n" +
		"aws_secret_access_key = " + is.SecretAccessKey + "\n" +
		"aws_session_token = " + is.SessionToken + "\n" +
		"expiration = " + is.Expiration.UTC().Format(time.RFC3339) + "\n" +
		"awsmfa_created = true\n"
	if after != want {
		t.Errorf("credentials file:\n%s\nwant:\n%s", after, want)
	}
	st, err := e.m.Status("myaccount")
	if err != nil || st.State != session.Active {
		t.Errorf("status after login = %+v, %v", st, err)
	}
}

func TestLoginRenewsInPlaceAndDropsStaleSecurityToken(t *testing.T) {
	cred := permCreds + "\n[myaccount] ; managed by awsmfa\r\nregion_hint = keep-me\naws_security_token = STALE\naws_session_token = OLD\nexpiration = 2000-01-01T00:00:00Z\n# trailing note\n"
	e := newEnv(t, permConfig, cred)
	before := readFile(t, e.credPath)
	longTerm := before[:strings.Index(before, "\n[myaccount]")]
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
		t.Fatal(err)
	}
	f := inifile.Parse([]byte(readFile(t, e.credPath)))
	if _, ok := f.Get("myaccount", "aws_security_token"); ok {
		t.Error("stale aws_security_token left beside the new token")
	}
	if v, _ := f.Get("myaccount", "region_hint"); v != "keep-me" {
		t.Errorf("unknown key lost: %q", v)
	}
	if f.Count("myaccount") != 1 || !strings.Contains(readFile(t, e.credPath), "[myaccount] ; managed by awsmfa\r\n") || !strings.Contains(readFile(t, e.credPath), "# trailing note\n") {
		t.Errorf("header variant not edited in place:\n%s", readFile(t, e.credPath))
	}
	if !strings.HasPrefix(readFile(t, e.credPath), longTerm) {
		t.Error("long-term section changed")
	}
}

func TestLoginRefusals(t *testing.T) {
	tests := []struct {
		name      string
		config    string
		cred      string
		opts      func(e *testEnv) session.LoginOptions
		fault     func(e *testEnv)
		wantIs    error
		wantText  string
		wantCalls int
	}{
		{name: "wrong code", wantIs: session.ErrCodeRejected, wantCalls: 1,
			opts: func(e *testEnv) session.LoginOptions { return session.LoginOptions{TokenCode: wrongCode(e.code())} }},
		{name: "five digits never reach STS", wantIs: session.ErrBadTokenCode,
			opts: func(*testEnv) session.LoginOptions { return session.LoginOptions{TokenCode: "12345"} }},
		{name: "letters never reach STS", wantIs: session.ErrBadTokenCode,
			opts: func(*testEnv) session.LoginOptions { return session.LoginOptions{TokenCode: "12a456"} }},
		{name: "no code and no prompt", wantText: "no MFA code for myaccount",
			opts: func(*testEnv) session.LoginOptions { return session.LoginOptions{} }},
		{name: "duration out of range", wantText: "out of range",
			opts: func(e *testEnv) session.LoginOptions {
				return session.LoginOptions{TokenCode: e.code(), Duration: 10 * time.Minute}
			}},
		{name: "wrong serial", config: "[profile myaccountPerm]\nmfa_serial = arn:aws:iam::123456789012:mfa/mallory\n", wantCalls: 1,
			wantText: "does not recognise the MFA device arn:aws:iam::123456789012:mfa/mallory"},
		{name: "revoked key", wantText: "the long-term key is not valid", wantCalls: 1,
			fault: func(e *testEnv) { e.srv.DeleteUser(e.user.AccessKeyID) }},
		{name: "expired key", wantText: "have expired", wantCalls: 1,
			fault: func(e *testEnv) { e.srv.SetKeyExpired(e.user.AccessKeyID, true) }},
		{name: "wrong secret", cred: "[myaccountPerm]\naws_access_key_id = KEYID\naws_secret_access_key = not-the-secret\n",
			wantText: "the secret access key does not match", wantCalls: 1},
		{name: "throttled on every try", wantText: "throttling", wantCalls: 4,
			fault: func(e *testEnv) { e.srv.FailNext(10, http.StatusBadRequest, "Throttling") }},
		{name: "5xx on every try", wantText: "STS is unavailable (HTTP 503", wantCalls: 4,
			fault: func(e *testEnv) { e.srv.FailNext(10, http.StatusServiceUnavailable, "ServiceUnavailable") }},
		{name: "connection refused", wantText: "cannot connect to http://127.0.0.1",
			fault: func(e *testEnv) { e.srv.Close() }},
		{name: "no answer in time", wantText: "did not answer within 300ms", wantCalls: -1,
			fault: func(e *testEnv) {
				e.srv.SetDelay(5 * time.Second)
				e.m = session.New(session.Config{Clock: e.clock, Timeout: 300 * time.Millisecond})
			}},
		{name: "target holds long-term keys", wantIs: nil, wantText: "holds long-term keys",
			cred: permCreds + "[myaccount]\naws_access_key_id = AKIAMINE\naws_secret_access_key = mine\n"},
		// The AWS CLI would refuse the file the session went into: no code
		// is spent on it.
		{name: "a credentials line botocore cannot parse", cred: permCreds + "this line is junk\n",
			wantText: `credentials: line 5, in [myaccountPerm], is not "key = value", a [section] header or a comment: fix or delete that line`},
		{name: "a key twice in the config", config: permConfig + "region = eu-west-2\n",
			wantText: "config: line 5 sets region a second time in [profile myaccount] (the first is on line 4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			config, cred := permConfig, permCreds
			if tt.config != "" {
				config = tt.config
			}
			if tt.cred != "" {
				cred = tt.cred
			}
			e := newEnv(t, config, cred)
			before := readFile(t, e.credPath)
			if tt.fault != nil {
				tt.fault(e)
			}
			opts := session.LoginOptions{TokenCode: e.code()}
			if tt.opts != nil {
				opts = tt.opts(e)
			}
			_, err := e.m.Login(context.Background(), "myaccount", opts)
			if err == nil {
				t.Fatal("login succeeded")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.wantIs)
			}
			if tt.wantText != "" && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantText)
			}
			// A client that gave up may or may not be recorded yet.
			if got := len(e.srv.Calls()); got != tt.wantCalls && tt.wantCalls >= 0 {
				t.Errorf("STS saw %d calls, want %d", got, tt.wantCalls)
			}
			if after := readFile(t, e.credPath); after != before {
				t.Errorf("a failed login changed the file:\n%s", after)
			}
			e.assertNoSecrets(err.Error())
		})
	}
}

func wrongCode(c string) string {
	return string(rune('0'+(c[0]-'0'+1)%10)) + c[1:]
}

func TestLoginRetriesTransientFaults(t *testing.T) {
	for _, f := range []struct {
		status int
		code   string
	}{{http.StatusBadRequest, "Throttling"}, {http.StatusInternalServerError, "InternalFailure"}} {
		t.Run(f.code, func(t *testing.T) {
			e := newEnv(t, permConfig, permCreds)
			e.srv.FailNext(2, f.status, f.code)
			if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
				t.Fatalf("login after 2 transient faults: %v", err)
			}
			if n := len(e.srv.Calls()); n != 3 {
				t.Errorf("STS saw %d calls, want 3", n)
			}
		})
	}
}

func TestReusedCodeIsRejected(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	code := e.code()
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: code}); err != nil {
		t.Fatal(err)
	}
	_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: code, Force: true})
	if !errors.Is(err, session.ErrCodeRejected) {
		t.Errorf("reused code: err = %v, want ErrCodeRejected", err)
	}
}

func TestActiveSessionNeedsForce(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: "000000"})
	var active *session.ActiveError
	if !errors.As(err, &active) || active.Left != 11*time.Hour {
		t.Fatalf("err = %v, want ActiveError with 11h left", err)
	}
	if len(e.srv.Calls()) != 1 {
		t.Error("an active session without --force must not call STS")
	}
	// Inside the warning window, renewal needs no force.
	e.clock.Advance(11*time.Hour - 5*time.Minute)
	_, err = e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: wrongCode(e.code())})
	if !errors.Is(err, session.ErrCodeRejected) {
		t.Errorf("expiring session: err = %v, want an STS call (rejected code)", err)
	}
}

func TestPromptAndCancel(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	var asked []string
	cancel := func(_ context.Context, req session.CodeRequest) (string, error) {
		asked = append(asked, req.Profile+" "+req.Serial)
		return "", session.ErrCanceled
	}
	before := readFile(t, e.credPath)
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{Prompt: cancel}); !errors.Is(err, session.ErrCanceled) {
		t.Errorf("cancel: err = %v", err)
	}
	if len(asked) != 1 || asked[0] != "myaccount "+testSerial {
		t.Errorf("prompter asked %v", asked)
	}
	if readFile(t, e.credPath) != before || len(e.srv.Calls()) != 0 {
		t.Error("a cancelled prompt changed something")
	}
	ok := func(context.Context, session.CodeRequest) (string, error) { return " " + e.code() + "\n", nil }
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{Prompt: ok}); err != nil {
		t.Errorf("prompted login: %v", err)
	}
}

func TestLoginCancelledContext(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	e.srv.SetDelay(5 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel) // like Quit while the call hangs
	_, err := e.m.Login(ctx, "myaccount", session.LoginOptions{TokenCode: e.code()})
	if !errors.Is(err, session.ErrCanceled) {
		t.Errorf("err = %v, want ErrCanceled", err)
	}
}

func TestLoginCreatesFilesWithSafeModes(t *testing.T) {
	e := newEnv(t, "-", "-")
	// Keys in the keychain-free world must live somewhere: here a custom source.
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.dir+"/new/.aws/credentials")
	writeFile(t, e.cfgPath, "[profile aPerm]\nmfa_serial = "+testSerial+"\n")
	m := session.New(session.Config{Keys: staticKeys{e.user.AccessKeyID, e.user.SecretAccessKey}})
	// Without keys in the file, discovery reports the problem first.
	if _, err := m.Login(context.Background(), "a", session.LoginOptions{TokenCode: e.code()}); err == nil || !strings.Contains(err.Error(), "no long-term keys") {
		t.Fatalf("err = %v", err)
	}
}

type staticKeys session.Keys

func (k staticKeys) LongTermKeys(context.Context, string) (session.Keys, error) {
	return session.Keys(k), nil
}
