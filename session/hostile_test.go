package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Hostile or broken replies from the STS fake, through the real client:
// each login fails with one sentence that shows no secret and no code,
// writes nothing, and never sends the code twice.
func TestLoginSurvivesHostileReplies(t *testing.T) {
	tests := []struct {
		name    string
		fault   stsfake.Fault
		timeout time.Duration
		want    string
		echo    bool // answered without processing: the code is not spent
	}{
		{name: "cut after the headers", fault: stsfake.CutAfterHeaders(), want: "broke before its reply arrived"},
		{name: "cut mid-body", fault: stsfake.CutMidBody(), want: "broke before its reply arrived"},
		{name: "reset after the request", fault: stsfake.DropReply(), want: "broke before its reply arrived"},
		{name: "slow body", fault: stsfake.DripBody(50 * time.Millisecond), timeout: time.Second, want: "did not answer within 1s"},
		{name: "endless body", fault: stsfake.EndlessBody(), want: "larger than 1 MiB"},
		{name: "100 MB token", fault: stsfake.HugeValue("SessionToken", 100<<20), want: "larger than 1 MiB"},
		{name: "200 KB token", fault: stsfake.HugeValue("SessionToken", 200<<10), want: "a session token STS would never issue (204800 bytes"},
		{name: "expired", fault: stsfake.SetValue("Expiration", "2001-01-01T00:00:00Z"), want: "expired at 2001-01-01 00:00 UTC"},
		{name: "year 9999", fault: stsfake.SetValue("Expiration", "9999-12-31T23:59:59Z"), want: "longer than any STS session (36h0m)"},
		{name: "unparseable expiry", fault: stsfake.SetValue("Expiration", "tomorrow"), want: "gives the session's expiry in a form STS never uses"},
		{name: "AKIA key id", fault: stsfake.SetValue("AccessKeyId", "AKIAIOSFODNN7EXAMPLE"), want: "a long-term access key (AKIA...) instead of session credentials"},
		{name: "odd key id", fault: stsfake.SetValue("AccessKeyId", "ASIA-not\na key"), want: "not a session key"},
		{name: "odd secret", fault: stsfake.SetValue("SecretAccessKey", "spaces are not base64"), want: "a secret access key of a length or alphabet STS never issues"},
		{name: "malformed XML", fault: stsfake.ReplaceBody("text/xml", `<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult><Credentials><AccessKeyId>ASIA`), want: "is not an STS reply"},
		{name: "captive portal", fault: stsfake.ReplaceBody("text/html", "<html><body><h1>Sign in to the Wi-Fi</h1></body></html>"), want: "is not an STS reply"},
		{name: "empty body", fault: stsfake.ReplaceBody("text/xml", ""), want: "holds no complete credentials"},
		{name: "echoing the request", fault: stsfake.EchoRequest(400, "InvalidParameterValue"), want: "STS refused the request for [myaccountPerm]: InvalidParameterValue: The request could not be processed: Action=GetSessionToken", echo: true},
		{name: "echoing a validation error", fault: stsfake.EchoRequest(400, "ValidationError"), want: "STS refused the request: The request could not be processed", echo: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, permConfig, permCreds)
			if tt.timeout != 0 {
				e.m = session.New(session.Config{Clock: e.clock, Timeout: tt.timeout})
			}
			before := readFile(t, e.credPath)
			e.srv.Inject(1, tt.fault)
			code := e.code()
			_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: code})
			if err == nil {
				t.Fatal("login succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("err = %q, want it to contain %q", msg, tt.want)
			}
			// A reply lost or unreadable after STS may have acted says so;
			// an error reply that STS sent whole does not.
			if maybe := errors.Is(err, session.ErrCodeMaybeUsed); maybe == tt.echo {
				t.Errorf("err = %q: says the code may be used: %v, want %v", msg, maybe, !tt.echo)
			}
			e.assertOneSentence(msg, code)
			if after := readFile(t, e.credPath); after != before {
				t.Errorf("a failed login changed the file:\n%s", after)
			}
			// The code went to STS once: a lost reply is never resent.
			calls := waitCalls(t, e.srv, 1)
			if len(calls) != 1 {
				t.Errorf("STS saw %d calls, want 1: %+v", len(calls), calls)
			}
			// The client stopped reading at the bound: the fake could push
			// only what the bound and the sockets' buffers hold.
			if c := calls[0]; c.BodySent > 32<<20 {
				t.Errorf("the client read on: the fake sent %d bytes", c.BodySent)
			}
			// The code was spent: STS refuses it now, as real STS would.
			if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: code}); !tt.echo && !errors.Is(err, session.ErrCodeRejected) {
				t.Errorf("the same code again: %v, want ErrCodeRejected", err)
			}
		})
	}
}

// The tray keeps one client for its lifetime, and servers close idle
// keep-alive connections: logins in a row must each succeed with one call.
func TestLoginsAcrossIdleConnectionsClosedByServer(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	for i := range 4 {
		// A server closing its idle connections between logins, and (the
		// race a kept-alive client cannot win) one closing the connection
		// just as the next request arrives on it.
		e.srv.CloseIdleConnections()
		e.srv.Inject(1, stsfake.DropIfReused())
		if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code(), Force: true}); err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
		if n := len(e.srv.Calls()); n != i+1 {
			t.Fatalf("after login %d STS saw %d calls", i+1, n)
		}
		e.clock.Advance(30 * time.Second) // the next code
	}
}

// A 5xx is retried only when it arrives whole: a reply cut on the way may
// come from a proxy that had already passed the request (and the code) on.
func TestCutErrorReplyIsNotRetried(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	e.srv.FailNext(1, http.StatusServiceUnavailable, "ServiceUnavailable")
	e.srv.Inject(1, stsfake.CutMidBody())
	_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()})
	if !errors.Is(err, session.ErrCodeMaybeUsed) || len(waitCalls(t, e.srv, 1)) != 1 {
		t.Errorf("a cut 503 reply: err = %v after %d calls; want no resend", err, len(e.srv.Calls()))
	}
}

// waitCalls waits until the fake has recorded at least n calls: a handler
// that streams records its call after the client has left.
func waitCalls(t *testing.T, s *stsfake.Server, n int) []stsfake.Call {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.Calls()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the fake recorded %d calls, want %d", len(s.Calls()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return s.Calls()
}

// assertOneSentence checks what a user reads: one line, short, without the
// SDK's framing, not starting with a URL, and without any secret or code.
func (e *testEnv) assertOneSentence(msg, code string) {
	e.t.Helper()
	// Paths are the test's long temp folder: count them as one character.
	if short := strings.ReplaceAll(msg, e.dir, "~"); strings.ContainsAny(msg, "\r\n") || len(short) > 320 {
		e.t.Errorf("not one short sentence (%d bytes): %q", len(short), msg)
	}
	for _, noise := range []string{"operation error", "https response error", "RequestID", "deserialization failed", "api error", "parse errors"} {
		if strings.Contains(msg, noise) {
			e.t.Errorf("the SDK's framing %q in %q", noise, msg)
		}
	}
	if strings.HasPrefix(strings.ToLower(msg), "http") {
		e.t.Errorf("starts with a URL: %q", msg)
	}
	if code != "" && strings.Contains(msg, code) {
		e.t.Errorf("the MFA code %s in %q", code, msg)
	}
	if strings.Contains(msg, e.user.AccessKeyID) {
		e.t.Errorf("the long-term key id in %q", msg)
	}
	e.assertNoSecrets(msg)
}

// Replies of a size STS could send (a token of 48 KB) are read whole, login
// after login on the shared client. smithy-go closing the request body
// early used to close the connection under about one such reply in twenty
// ("use of closed network connection"), after STS had used the code.
func TestLoginReadsLargeRepliesWhole(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	for i := range 30 {
		e.srv.Inject(1, stsfake.HugeValue("SessionToken", 48<<10))
		if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code(), Force: true}); err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
		e.clock.Advance(30 * time.Second)
	}
	if n := len(e.srv.Calls()); n != 30 {
		t.Errorf("STS saw %d calls for 30 logins", n)
	}
	if !strings.Contains(readFile(t, e.credPath), strings.Repeat("FwoGZXIvYXdzEAAaDH+/", 100)) {
		t.Error("the 48 KB token was not written")
	}
}
