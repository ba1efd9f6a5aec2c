package stsfake

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestFaultsThenSuccess(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		status  int
		code    string
		message string
	}{
		{"throttling", 1, 400, "Throttling", msgThrottling},
		{"internal failure twice", 2, 500, "InternalFailure", msgInternal},
		{"service unavailable", 1, 503, "ServiceUnavailable", msgUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.srv.FailNext(tt.n, tt.status, tt.code)
			// The SDK's retryer resends the same code; the fault fires before
			// the code is checked, so the code is not burnt.
			if _, err := f.login(t, f.code(t, 0), 0); err != nil {
				t.Fatalf("GetSessionToken after %d faults: %v", tt.n, err)
			}
			calls := f.srv.Calls()
			if len(calls) != tt.n+1 {
				t.Fatalf("%d calls, want %d", len(calls), tt.n+1)
			}
			for _, c := range calls[:tt.n] {
				if c.Status != tt.status || c.ErrorCode != tt.code || c.Action != "GetSessionToken" {
					t.Errorf("fault call = %+v", c)
				}
			}
			if c := calls[tt.n]; c.Status != 200 {
				t.Errorf("last call = %+v, want 200", c)
			}
		})
	}
}

func TestFaultsExhaustRetries(t *testing.T) {
	f := newFixture(t)
	f.srv.FailNext(10, 400, "Throttling")
	_, err := f.client().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, 400, "Throttling", msgThrottling)
	// The standard retryer makes 3 attempts.
	if n := len(f.srv.Calls()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestDelayHonoursClientTimeout(t *testing.T) {
	f := newFixture(t)
	f.srv.SetDelay(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := f.client().GetSessionToken(ctx, &sts.GetSessionTokenInput{
		SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(f.code(t, 0)),
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	// The fake notices the client left and records the call with status 0.
	deadline := time.Now().Add(5 * time.Second)
	for {
		calls := f.srv.Calls()
		if len(calls) == 1 && calls[0].Status == 0 && calls[0].Action == "GetSessionToken" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("calls = %+v, want one abandoned GetSessionToken", calls)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(f.srv.IssuedSessions()); n != 0 {
		t.Errorf("%d sessions issued to a client that gave up", n)
	}

	// Without the delay the same code still works: it was never checked.
	f.srv.SetDelay(0)
	if _, err := f.login(t, f.code(t, 0), 0); err != nil {
		t.Fatal(err)
	}
}

func TestClosedServerRefusesConnections(t *testing.T) {
	f := newFixture(t)
	f.srv.Close()
	_, err := f.client().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if !errors.Is(err, errConnRefused) {
		t.Fatalf("err = %v, want connection refused", err)
	}
	f.srv.Close() // idempotent
}

func TestCloseReleasesDelayedRequests(t *testing.T) {
	f := newFixture(t)
	f.srv.SetDelay(time.Hour)
	done := make(chan error, 1)
	go func() {
		_, err := f.client().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		done <- err
	}()
	// Wait until the request is inside the fake, then close it.
	deadline := time.Now().Add(5 * time.Second)
	for f.srv.inFlight() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("request never reached the fake")
		}
		time.Sleep(5 * time.Millisecond)
	}
	f.srv.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("want an error from a closed server")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close left a delayed request hanging")
	}
}
