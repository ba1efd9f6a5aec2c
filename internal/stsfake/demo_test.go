package stsfake

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

func TestNewDemo(t *testing.T) {
	var logMu sync.Mutex
	var logs []string
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		logs = append(logs, fmt.Sprintf(format, args...))
	}
	srv, users, err := NewDemo(WithSessionCap(3*time.Minute), WithLogf(logf))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want loopback", srv.URL)
	}
	if len(users) != 2 {
		t.Fatalf("%d users, want 2", len(users))
	}
	for i, name := range []string{"demo-alice", "demo-bob"} {
		u := users[i]
		if u.Name() != name || u.MFASerial != "arn:aws:iam::000000000000:mfa/"+name ||
			u.UserARN != "arn:aws:iam::000000000000:user/"+name {
			t.Errorf("user %d = name %q serial %q arn %q", i, u.Name(), u.MFASerial, u.UserARN)
		}
		if len(u.AccessKeyID) != 20 || !strings.HasPrefix(u.AccessKeyID, "AKIA") || len(u.SecretAccessKey) != 40 {
			t.Errorf("user %d has malformed keys", i)
		}
	}
	if users[0].AccessKeyID == users[1].AccessKeyID || users[0].TOTPSecret == users[1].TOTPSecret {
		t.Error("demo users share keys or TOTP secrets")
	}
	srv2, again, err := NewDemo()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv2.Close)
	if again[0].AccessKeyID == users[0].AccessKeyID || again[0].TOTPSecret == users[0].TOTPSecret {
		t.Error("a second demo reuses keys")
	}

	// The whole flow on the real clock: login with the current code, then
	// GetCallerIdentity with the session, and a wrong code for bob.
	u := users[0]
	code, err := totp.Code(u.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, err := client(srv, u.AccessKeyID, u.SecretAccessKey, "").GetSessionToken(context.Background(),
		&sts.GetSessionTokenInput{SerialNumber: aws.String(u.MFASerial), TokenCode: aws.String(code), DurationSeconds: aws.Int32(3600)})
	if err != nil {
		t.Fatal(err)
	}
	if left := time.Until(*out.Credentials.Expiration); left > 3*time.Minute || left < 2*time.Minute {
		t.Errorf("demo session lasts %v, want the 3m cap", left)
	}
	sc := out.Credentials
	id, err := client(srv, *sc.AccessKeyId, *sc.SecretAccessKey, *sc.SessionToken).
		GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *id.Arn != u.UserARN || *id.Account != DemoAccount {
		t.Errorf("identity = %s %s", *id.Arn, *id.Account)
	}
	b := users[1]
	_, err = client(srv, b.AccessKeyID, b.SecretAccessKey, "").GetSessionToken(context.Background(),
		&sts.GetSessionTokenInput{SerialNumber: aws.String(b.MFASerial), TokenCode: aws.String(code)})
	if _, valid := totp.Verify(b.TOTPSecret, code, time.Now(), 1); !valid {
		// (alice's code is also bob's only by a one-in-a-million chance)
		wantAPIError(t, err, 403, "AccessDenied", msgMFACode)
	}

	// Nothing secret reaches the log: no key id, secret, token, TOTP secret
	// or code.
	logMu.Lock()
	joined := strings.Join(logs, "\n")
	logMu.Unlock()
	if !strings.Contains(joined, "GetSessionToken: 200") || !strings.Contains(joined, "GetCallerIdentity: 200") {
		t.Errorf("log lacks the calls:\n%s", joined)
	}
	for _, secret := range []string{u.AccessKeyID, u.SecretAccessKey, u.TOTPSecret, code,
		*sc.AccessKeyId, *sc.SecretAccessKey, *sc.SessionToken, b.AccessKeyID} {
		if strings.Contains(joined, secret) {
			t.Errorf("log contains a secret or key id:\n%s", joined)
		}
	}
}

func TestStartOnRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "[::]:0", "example.com:0", "nonsense"} {
		s := New()
		if err := s.StartOn(addr); err == nil {
			s.Close()
			t.Errorf("StartOn(%q) succeeded, want a refusal", addr)
		}
	}
	s := New()
	if err := s.StartOn("localhost:0"); err != nil {
		t.Fatalf("StartOn(localhost:0): %v", err)
	}
	defer s.Close()
	if err := s.Start(); err == nil {
		t.Error("second Start succeeded")
	}
}

func TestConcurrentClients(t *testing.T) {
	f := newFixture(t)
	const n = 16
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := f.client().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			errs <- err
		}()
	}
	f.srv.FailNext(2, 503, "ServiceUnavailable") // some of them meet a fault and retry
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if got := len(f.srv.Calls()); got < n {
		t.Errorf("%d calls recorded, want at least %d", got, n)
	}
}
