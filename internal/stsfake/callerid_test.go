package stsfake

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestGetCallerIdentity(t *testing.T) {
	f := newFixture(t)
	out, err := f.login(t, f.code(t, 0), 3600)
	if err != nil {
		t.Fatal(err)
	}
	sc := out.Credentials
	session := client(f.srv, *sc.AccessKeyId, *sc.SecretAccessKey, *sc.SessionToken)

	tests := []struct {
		name    string
		client  func() *sts.Client
		advance time.Duration // moved before the call
		status  int
		errCode string
	}{
		{name: "long-term key", client: f.client},
		{name: "session credentials", client: func() *sts.Client { return session }},
		{name: "session with a wrong token", status: 403, errCode: "InvalidClientTokenId",
			client: func() *sts.Client {
				return client(f.srv, *sc.AccessKeyId, *sc.SecretAccessKey, *sc.SessionToken+"x")
			}},
		{name: "session without its token", status: 403, errCode: "InvalidClientTokenId",
			client: func() *sts.Client { return client(f.srv, *sc.AccessKeyId, *sc.SecretAccessKey, "") }},
		{name: "session with a wrong secret", status: 403, errCode: "SignatureDoesNotMatch",
			client: func() *sts.Client {
				return client(f.srv, *sc.AccessKeyId, strings.Repeat("x", 40), *sc.SessionToken)
			}},
		{name: "session one second before expiry", client: func() *sts.Client { return session },
			advance: time.Hour - time.Second},
		// Runs after the previous case: the clock is now at expiry.
		{name: "session at expiry", client: func() *sts.Client { return session },
			advance: time.Second, status: 403, errCode: "ExpiredToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.clock.Advance(tt.advance)
			got, err := tt.client().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			if tt.errCode != "" {
				wantAPIError(t, err, tt.status, tt.errCode, "")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got.Arn != aliceARN || *got.Account != "123456789012" {
				t.Errorf("Arn, Account = %s, %s", *got.Arn, *got.Account)
			}
			if id := *got.UserId; len(id) != 21 || !strings.HasPrefix(id, "AIDA") || !isUpperAlnum(id) {
				t.Errorf("UserId = %q, want AIDA + 17", id)
			}
			call := lastCall(t, f.srv)
			if call.Action != "GetCallerIdentity" || call.Status != 200 {
				t.Errorf("call = %+v", call)
			}
		})
	}
}

func TestDeletedUserSessionsAreRevoked(t *testing.T) {
	f := newFixture(t)
	out, err := f.login(t, f.code(t, 0), 0)
	if err != nil {
		t.Fatal(err)
	}
	sc := out.Credentials
	f.srv.DeleteUser(f.user.AccessKeyID)
	_, err = client(f.srv, *sc.AccessKeyId, *sc.SecretAccessKey, *sc.SessionToken).
		GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, 403, "InvalidClientTokenId", msgInvalidToken)
}

func TestExpiredSessionKey(t *testing.T) {
	f := newFixture(t)
	out, err := f.login(t, f.code(t, 0), 0)
	if err != nil {
		t.Fatal(err)
	}
	sc := out.Credentials
	f.srv.SetKeyExpired(*sc.AccessKeyId, true)
	c := client(f.srv, *sc.AccessKeyId, *sc.SecretAccessKey, *sc.SessionToken)
	_, err = c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, 403, "ExpiredToken", msgExpiredToken)
	if call := lastCall(t, f.srv); !call.SessionToken || call.AccessKeyID != *sc.AccessKeyId {
		t.Errorf("call = %+v, want session token recorded", call)
	}
	f.srv.SetKeyExpired(*sc.AccessKeyId, false)
	if _, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("after un-expiring: %v", err)
	}
}
