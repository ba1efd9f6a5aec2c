package stsfake

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

func TestGetSessionTokenSuccess(t *testing.T) {
	tests := []struct {
		name     string
		duration int32 // 0: omitted
		wantLife time.Duration
	}{
		{"default duration", 0, 43200 * time.Second},
		{"minimum", 900, 900 * time.Second},
		{"maximum", 129600, 129600 * time.Second},
		{"one hour", 3600, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			out, err := f.login(t, f.code(t, 0), tt.duration)
			if err != nil {
				t.Fatalf("GetSessionToken: %v", err)
			}
			c := out.Credentials
			if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.SessionToken == nil || c.Expiration == nil {
				t.Fatalf("incomplete credentials: %+v", c)
			}
			if id := *c.AccessKeyId; len(id) != 20 || id[:4] != "ASIA" || !isUpperAlnum(id) {
				t.Errorf("AccessKeyId %q is not ASIA + 16 uppercase alnum", id)
			}
			if len(*c.SecretAccessKey) != 40 {
				t.Errorf("secret length %d, want 40", len(*c.SecretAccessKey))
			}
			if len(*c.SessionToken) < 200 {
				t.Errorf("session token length %d, want a long token", len(*c.SessionToken))
			}
			if want := f.clock.Now().Add(tt.wantLife); !c.Expiration.Equal(want) {
				t.Errorf("Expiration = %v, want %v", c.Expiration, want)
			}

			sessions := f.srv.IssuedSessions()
			if len(sessions) != 1 {
				t.Fatalf("%d sessions issued, want 1", len(sessions))
			}
			s := sessions[0]
			if s.AccessKeyID != *c.AccessKeyId || s.SecretAccessKey != *c.SecretAccessKey || s.SessionToken != *c.SessionToken {
				t.Error("issued session does not match the returned credentials")
			}
			if !s.MFA || s.SerialNumber != aliceSerial || s.UserAccessKeyID != f.user.AccessKeyID || s.UserARN != aliceARN {
				t.Errorf("issued session = %+v", s)
			}

			call := lastCall(t, f.srv)
			want := Call{Time: f.clock.Now(), Action: "GetSessionToken", AccessKeyID: f.user.AccessKeyID,
				SerialNumber: aliceSerial, DurationSeconds: tt.duration, Status: 200, BodySent: call.BodySent}
			if call != want || call.BodySent == 0 {
				t.Errorf("call = %+v, want %+v", call, want)
			}
		})
	}
}

func TestGetSessionTokenRefusals(t *testing.T) {
	tests := []struct {
		name     string
		prepare  func(t *testing.T, f *fixture) *sts.Client // nil: alice's long-term key
		serial   *string
		code     func(t *testing.T, f *fixture) string
		duration int32
		status   int
		errCode  string
		message  string
	}{
		{
			name: "wrong code", code: func(t *testing.T, f *fixture) string { return f.wrongCode(t) },
			status: 403, errCode: "AccessDenied", message: msgMFACode,
		},
		{
			name: "code two steps old", code: func(t *testing.T, f *fixture) string { return f.code(t, -2) },
			status: 403, errCode: "AccessDenied", message: msgMFACode,
		},
		{
			name:   "wrong serial",
			serial: aws.String("arn:aws:iam::123456789012:mfa/mallory"),
			status: 403, errCode: "AccessDenied", message: msgMFASerial,
		},
		{
			name: "user without MFA device",
			prepare: func(t *testing.T, f *fixture) *sts.Client {
				u := f.user
				u.MFASerial = ""
				f.srv.AddUser(u)
				return nil
			},
			status: 403, errCode: "AccessDenied", message: msgMFASerial,
		},
		{
			name: "wrong secret",
			prepare: func(t *testing.T, f *fixture) *sts.Client {
				return client(f.srv, f.user.AccessKeyID, "not-the-secret-0000000000000000000000000", "")
			},
			status: 403, errCode: "SignatureDoesNotMatch", message: msgSignature,
		},
		{
			name: "unknown key",
			prepare: func(t *testing.T, f *fixture) *sts.Client {
				return client(f.srv, "AKIAUNKNOWN000000000", f.user.SecretAccessKey, "")
			},
			status: 403, errCode: "InvalidClientTokenId", message: msgInvalidToken,
		},
		{
			name: "deleted user",
			prepare: func(t *testing.T, f *fixture) *sts.Client {
				f.srv.DeleteUser(f.user.AccessKeyID)
				return nil
			},
			status: 403, errCode: "InvalidClientTokenId", message: msgInvalidToken,
		},
		{
			name: "expired key",
			prepare: func(t *testing.T, f *fixture) *sts.Client {
				f.srv.SetKeyExpired(f.user.AccessKeyID, true)
				return nil
			},
			status: 403, errCode: "ExpiredToken", message: msgExpiredToken,
		},
		{
			name: "long-term key with a session token",
			prepare: func(t *testing.T, f *fixture) *sts.Client {
				return client(f.srv, f.user.AccessKeyID, f.user.SecretAccessKey, "some-token")
			},
			status: 403, errCode: "InvalidClientTokenId", message: msgInvalidToken,
		},
		{
			name: "session credentials",
			prepare: func(t *testing.T, f *fixture) *sts.Client {
				out, err := f.login(t, f.code(t, 0), 0)
				if err != nil {
					t.Fatal(err)
				}
				f.clock.Advance(totp.Period) // so the code below is fresh
				c := out.Credentials
				return client(f.srv, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
			},
			status: 403, errCode: "AccessDenied", message: msgSessionCreds,
		},
		{
			name: "duration too short", duration: 899,
			status: 400, errCode: "ValidationError",
			message: "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
		},
		{
			name: "duration too long", duration: 129601,
			status: 400, errCode: "ValidationError",
			message: "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
		},
		{
			name: "five digit code", code: func(*testing.T, *fixture) string { return "12345" },
			status: 400, errCode: "ValidationError",
			message: "1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6",
		},
		{
			name: "non-digit code", code: func(*testing.T, *fixture) string { return "12a456" },
			status: 400, errCode: "ValidationError",
			message: `1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\d]*`,
		},
		{
			name: "two validation errors", duration: 60, code: func(*testing.T, *fixture) string { return "1234567" },
			status: 400, errCode: "ValidationError",
			message: "2 validation errors detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900; " +
				"Value at 'tokenCode' failed to satisfy constraint: Member must have length less than or equal to 6",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			c := f.client()
			if tt.prepare != nil {
				if pc := tt.prepare(t, f); pc != nil {
					c = pc
				}
			}
			issuedBefore := len(f.srv.IssuedSessions())
			in := &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(f.code(t, 0))}
			if tt.serial != nil {
				in.SerialNumber = tt.serial
			}
			if tt.code != nil {
				in.TokenCode = aws.String(tt.code(t, f))
			}
			if tt.duration != 0 {
				in.DurationSeconds = aws.Int32(tt.duration)
			}
			_, err := c.GetSessionToken(context.Background(), in)
			wantAPIError(t, err, tt.status, tt.errCode, tt.message)
			if n := len(f.srv.IssuedSessions()); n != issuedBefore {
				t.Errorf("a refused call issued a session (%d -> %d)", issuedBefore, n)
			}
			if call := lastCall(t, f.srv); call.Status != tt.status || call.ErrorCode != tt.errCode {
				t.Errorf("recorded %d %s, want %d %s", call.Status, call.ErrorCode, tt.status, tt.errCode)
			}
		})
	}
}

func TestGetSessionTokenCodeReuse(t *testing.T) {
	f := newFixture(t)
	code := f.code(t, 0)
	if _, err := f.login(t, code, 900); err != nil {
		t.Fatalf("first login: %v", err)
	}
	// The same code again, in the same step: refused.
	_, err := f.login(t, code, 900)
	wantAPIError(t, err, 403, "AccessDenied", msgMFACode)
	// The previous step's code is within skew but older than the used one.
	_, err = f.login(t, f.code(t, -1), 900)
	wantAPIError(t, err, 403, "AccessDenied", msgMFACode)

	// Once the clock moves on, the used code is still refused (it is now the
	// previous step, inside skew) and the new one is accepted.
	f.clock.Advance(totp.Period)
	_, err = f.login(t, code, 900)
	wantAPIError(t, err, 403, "AccessDenied", msgMFACode)
	if _, err := f.login(t, f.code(t, 0), 900); err != nil {
		t.Fatalf("login with the next code: %v", err)
	}
	if n := len(f.srv.IssuedSessions()); n != 2 {
		t.Errorf("%d sessions issued, want 2", n)
	}
}

func TestGetSessionTokenSkew(t *testing.T) {
	// One step either side is accepted, as authenticator clocks drift.
	for _, off := range []int{-1, 1} {
		f := newFixture(t)
		if _, err := f.login(t, f.code(t, off), 0); err != nil {
			t.Errorf("code at step offset %d refused: %v", off, err)
		}
	}
}

func TestGetSessionTokenWithoutMFA(t *testing.T) {
	// Like real STS, GetSessionToken without SerialNumber/TokenCode issues a
	// session, one that is not MFA-authenticated.
	f := newFixture(t)
	if _, err := f.client().GetSessionToken(context.Background(), &sts.GetSessionTokenInput{}); err != nil {
		t.Fatal(err)
	}
	s := f.srv.IssuedSessions()
	if len(s) != 1 || s[0].MFA || s[0].SerialNumber != "" {
		t.Errorf("sessions = %+v, want one without MFA", s)
	}
}

func TestSessionCap(t *testing.T) {
	f := newFixture(t, WithSessionCap(3*time.Minute))
	out, err := f.login(t, f.code(t, 0), 3600)
	if err != nil {
		t.Fatal(err)
	}
	if want := f.clock.Now().Add(3 * time.Minute); !out.Credentials.Expiration.Equal(want) {
		t.Errorf("Expiration = %v, want %v", out.Credentials.Expiration, want)
	}
}

// WithCodeClock: codes are checked by its time, sessions issued by the
// server's, so a code a day ahead of the server works once and its session
// still lasts the asked duration from the server's now.
func TestCodeClock(t *testing.T) {
	ahead := newClock()
	ahead.Advance(24 * time.Hour)
	f := newFixture(t, WithCodeClock(ahead.Now))
	code, err := totp.Code(f.user.TOTPSecret, ahead.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.login(t, f.code(t, 0), 3600); err == nil {
		t.Error("a code of the server's own time was accepted by the codes' clock a day ahead")
	}
	out, err := f.login(t, code, 3600)
	if err != nil {
		t.Fatal(err)
	}
	if want := f.clock.Now().Add(time.Hour); !out.Credentials.Expiration.Equal(want) {
		t.Errorf("Expiration = %v, want %v (by the server's clock)", out.Credentials.Expiration, want)
	}
	if _, err := f.login(t, code, 3600); err == nil {
		t.Error("the same step was accepted twice")
	}
}
