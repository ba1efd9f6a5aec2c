package stsfake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeclock"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

// inFlight is how many requests the fake is serving.
func (s *Server) inFlight() int32 { return s.active.Load() }

func newClock() *fakeclock.Clock {
	return fakeclock.New(time.Date(2026, 11, 27, 9, 4, 10, 0, time.UTC))
}

const (
	aliceSerial = "arn:aws:iam::123456789012:mfa/alice"
	aliceARN    = "arn:aws:iam::123456789012:user/alice"
)

func alice() User {
	return User{
		AccessKeyID:     "AKIAALICE00000000001",
		SecretAccessKey: "aliceSecret0000000000000000000000000000a",
		MFASerial:       aliceSerial,
		TOTPSecret:      totp.NewSecret(),
		UserARN:         aliceARN,
	}
}

// fixture is a fake with alice and a fake clock.
type fixture struct {
	srv   *Server
	clock *fakeclock.Clock
	user  User
}

func newFixture(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	f := &fixture{clock: newClock(), user: alice()}
	f.srv = NewTest(t, append([]Option{WithClock(f.clock.Now), WithUsers(f.user)}, opts...)...)
	return f
}

// code returns the user's TOTP code at the fake clock's time plus off steps.
func (f *fixture) code(t *testing.T, off int) string {
	t.Helper()
	c, err := totp.Code(f.user.TOTPSecret, f.clock.Now().Add(time.Duration(off)*totp.Period))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrongCode returns a well-formed code that is valid at no step in reach.
func (f *fixture) wrongCode(t *testing.T) string {
	t.Helper()
	valid := map[string]bool{}
	for off := -2; off <= 2; off++ {
		valid[f.code(t, off)] = true
	}
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", (123456+i*7919)%1000000)
		if !valid[c] {
			return c
		}
	}
}

// fastRetryer is the SDK's standard retryer with tiny backoffs, so retry
// tests do not wait seconds.
func fastRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
			return 5 * time.Millisecond, nil
		})
	})
}

// client is a real aws-sdk-go-v2 STS client pointed at the fake.
func client(srv *Server, akid, secret, token string) *sts.Client {
	return sts.NewFromConfig(aws.Config{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, token),
		BaseEndpoint: aws.String(srv.URL),
		Retryer:      fastRetryer,
	})
}

func (f *fixture) client() *sts.Client {
	return client(f.srv, f.user.AccessKeyID, f.user.SecretAccessKey, "")
}

func (f *fixture) login(t *testing.T, code string, duration int32) (*sts.GetSessionTokenOutput, error) {
	t.Helper()
	in := &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(code)}
	if duration != 0 {
		in.DurationSeconds = aws.Int32(duration)
	}
	return f.client().GetSessionToken(context.Background(), in)
}

// wantAPIError checks that err is an AWS API error with this HTTP status,
// code and message (message "" = any).
func wantAPIError(t *testing.T, err error, status int, code, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s error, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error is not a smithy.APIError: %v", err)
	}
	if ae.ErrorCode() != code {
		t.Errorf("ErrorCode = %q, want %q (%v)", ae.ErrorCode(), code, err)
	}
	if message != "" && ae.ErrorMessage() != message {
		t.Errorf("ErrorMessage = %q, want %q", ae.ErrorMessage(), message)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error carries no HTTP response: %v", err)
	}
	if re.HTTPStatusCode() != status {
		t.Errorf("HTTP status = %d, want %d", re.HTTPStatusCode(), status)
	}
	if re.ServiceRequestID() == "" {
		t.Error("no request id parsed from the error reply")
	}
}

// lastCall returns the last recorded call.
func lastCall(t *testing.T, s *Server) Call {
	t.Helper()
	calls := s.Calls()
	if len(calls) == 0 {
		t.Fatal("no calls recorded")
	}
	return calls[len(calls)-1]
}

func isUpperAlnum(s string) bool {
	return strings.Trim(s, upperAlnum) == ""
}

func totpCodeNow(secret string) (string, error) { return totp.Code(secret, time.Now()) }
