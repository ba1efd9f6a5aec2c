package stsfake

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	adminRole  = "arn:aws:iam::222233334444:role/admin"
	mfaRole    = "arn:aws:iam::222233334444:role/ops/needs-mfa"
	extRole    = "arn:aws:iam::222233334444:role/vendor"
	longRole   = "arn:aws:iam::222233334444:role/long"
	bobOnly    = "arn:aws:iam::222233334444:role/bob-only"
	deniedText = "User: " + aliceARN + " is not authorized to perform: sts:AssumeRole on resource: "
)

func roleFixture(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	return newFixture(t, append([]Option{WithRoles(
		Role{ARN: adminRole, Trusted: []string{"arn:aws:iam::123456789012:root"}},
		Role{ARN: mfaRole, RequireMFA: true},
		Role{ARN: extRole, ExternalID: "vendor-42"},
		Role{ARN: longRole, MaxSessionDuration: 12 * time.Hour},
		Role{ARN: bobOnly, Trusted: []string{"arn:aws:iam::123456789012:user/bob"}},
	)}, opts...)...)
}

// sessionClient logs alice in with MFA (or without, when code is "") and
// returns a client signed with the session.
func (f *fixture) sessionClient(t *testing.T, withMFA bool) (*sts.Client, *sts.GetSessionTokenOutput) {
	t.Helper()
	in := &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)}
	if withMFA {
		in.SerialNumber, in.TokenCode = aws.String(aliceSerial), aws.String(f.code(t, 0))
	}
	out, err := f.client().GetSessionToken(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return client(f.srv, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken), out
}

func TestAssumeRoleWithMFASession(t *testing.T) {
	f := roleFixture(t)
	sc, gst := f.sessionClient(t, true)
	ctx := context.Background()
	out, err := sc.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(mfaRole), RoleSessionName: aws.String("alice@laptop"),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !strings.HasPrefix(*c.AccessKeyId, "ASIA") || *c.SessionToken == "" {
		t.Errorf("credentials %s", *c.AccessKeyId)
	}
	// DurationSeconds defaults to one hour.
	if got := c.Expiration.Sub(f.clock.Now().Truncate(time.Second)); got != time.Hour {
		t.Errorf("lifetime %v, want 1h", got)
	}
	wantARN := "arn:aws:sts::222233334444:assumed-role/needs-mfa/alice@laptop"
	if *out.AssumedRoleUser.Arn != wantARN || !strings.HasPrefix(*out.AssumedRoleUser.AssumedRoleId, "AROA") ||
		!strings.HasSuffix(*out.AssumedRoleUser.AssumedRoleId, ":alice@laptop") {
		t.Errorf("assumed role user %s %s", *out.AssumedRoleUser.Arn, *out.AssumedRoleUser.AssumedRoleId)
	}
	got := f.srv.AssumedRoles()
	if len(got) != 1 || !got[0].MFA || got[0].SerialNumber != aliceSerial || got[0].SourceAccessKeyID != *gst.Credentials.AccessKeyId ||
		got[0].RoleARN != mfaRole || got[0].AssumedRoleARN != wantARN {
		t.Errorf("recorded role sessions %+v", got)
	}

	// The role's credentials are accepted back, as the assumed role.
	rc := client(f.srv, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	id, err := rc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *id.Arn != wantARN || *id.Account != "222233334444" || *id.UserId != *out.AssumedRoleUser.AssumedRoleId {
		t.Errorf("caller %s %s %s", *id.Arn, *id.Account, *id.UserId)
	}
	// A role session cannot start an MFA session.
	_, err = rc.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantAPIError(t, err, 403, "AccessDenied", msgSessionCreds)

	// Role credentials expire like any session.
	f.clock.Advance(time.Hour)
	_, err = rc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, 403, "ExpiredToken", "")
}

func TestAssumeRoleRefusals(t *testing.T) {
	f := roleFixture(t)
	mfaSession, _ := f.sessionClient(t, true)
	f.clock.Advance(30 * time.Second) // a fresh TOTP step for the next login
	plainSession, _ := f.sessionClient(t, false)
	ctx := context.Background()

	tests := []struct {
		name    string
		client  *sts.Client
		in      sts.AssumeRoleInput
		status  int
		code    string
		message string
	}{
		{name: "role chaining cap", client: mfaSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String(longRole), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(3601)},
			status: 400, code: "ValidationError", message: msgChainingCap},
		{name: "role's MaxSessionDuration", client: f.client(),
			in:     sts.AssumeRoleInput{RoleArn: aws.String(adminRole), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)},
			status: 400, code: "ValidationError", message: msgMaxDuration},
		{name: "MFA role from a session without MFA", client: plainSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), RoleSessionName: aws.String("s1")},
			status: 403, code: "AccessDenied", message: deniedText + mfaRole},
		{name: "MFA role with the long-term key alone", client: f.client(),
			in:     sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), RoleSessionName: aws.String("s1")},
			status: 403, code: "AccessDenied", message: deniedText + mfaRole},
		{name: "external id missing", client: mfaSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String(extRole), RoleSessionName: aws.String("s1")},
			status: 403, code: "AccessDenied", message: deniedText + extRole},
		{name: "external id wrong", client: mfaSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String(extRole), RoleSessionName: aws.String("s1"), ExternalId: aws.String("vendor-43")},
			status: 403, code: "AccessDenied", message: deniedText + extRole},
		{name: "not trusted", client: mfaSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String(bobOnly), RoleSessionName: aws.String("s1")},
			status: 403, code: "AccessDenied", message: deniedText + bobOnly},
		{name: "no such role", client: mfaSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222233334444:role/nope"), RoleSessionName: aws.String("s1")},
			status: 403, code: "AccessDenied", message: deniedText + "arn:aws:iam::222233334444:role/nope"},
		{name: "malformed ARN", client: mfaSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::2222:role/x/y!"), RoleSessionName: aws.String("s1")},
			status: 400, code: "ValidationError", message: msgBadRoleARN},
		{name: "session name too short", client: mfaSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String(adminRole), RoleSessionName: aws.String("a")},
			status: 400, code: "ValidationError",
			message: "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{name: "session name with a space, duration too short", client: mfaSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String(adminRole), RoleSessionName: aws.String("alice laptop"), DurationSeconds: aws.Int32(899)},
			status: 400, code: "ValidationError",
			message: "2 validation errors detected: Value 'alice laptop' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{name: "session name too long", client: mfaSession,
			in:     sts.AssumeRoleInput{RoleArn: aws.String(adminRole), RoleSessionName: aws.String(strings.Repeat("a", 65))},
			status: 400, code: "ValidationError"},
		{name: "wrong serial given directly", client: f.client(),
			in: sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), RoleSessionName: aws.String("s1"),
				SerialNumber: aws.String("arn:aws:iam::123456789012:mfa/mallory"), TokenCode: aws.String("123456")},
			status: 403, code: "AccessDenied", message: msgMFASerial},
		{name: "wrong code given directly", client: f.client(),
			in: sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), RoleSessionName: aws.String("s1"),
				SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(f.wrongCode(t))},
			status: 403, code: "AccessDenied", message: msgMFACode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.client.AssumeRole(ctx, &tt.in)
			wantAPIError(t, err, tt.status, tt.code, tt.message)
		})
	}
	if n := len(f.srv.AssumedRoles()); n != 0 {
		t.Errorf("%d role sessions issued by refused calls", n)
	}
}

func TestAssumeRoleAccepts(t *testing.T) {
	f := roleFixture(t, WithRoleSessionCap(5*time.Second))
	mfaSession, _ := f.sessionClient(t, true)
	ctx := context.Background()

	// The right external id, a long-term key with the MFA code given
	// directly, and the chaining limit exactly.
	if _, err := mfaSession.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(extRole), RoleSessionName: aws.String("s1"), ExternalId: aws.String("vendor-42"), DurationSeconds: aws.Int32(3600)}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(30 * time.Second) // the login above used this step's code
	out, err := f.client().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), RoleSessionName: aws.String("s2"),
		SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(f.code(t, 0))})
	if err != nil {
		t.Fatal(err)
	}
	// The code is single-use here too.
	_, err = f.client().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), RoleSessionName: aws.String("s3"),
		SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(f.code(t, 0))})
	wantAPIError(t, err, 403, "AccessDenied", msgMFACode)
	// A long-term key may ask for up to the role's own maximum.
	if _, err := f.client().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(longRole), RoleSessionName: aws.String("s4"), DurationSeconds: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	// The test cap shortens the lifetime without refusing the duration,
	// and the session stays usable for the grace past it.
	if got := out.Credentials.Expiration.Sub(f.clock.Now().Truncate(time.Second)); got != 5*time.Second {
		t.Errorf("capped lifetime %v", got)
	}
	capped := client(f.srv, *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	f.clock.Advance(5*time.Second + RoleCapGrace - time.Second)
	if _, err := capped.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("within the grace: %v", err)
	}
	f.clock.Advance(time.Second)
	_, err = capped.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, 403, "ExpiredToken", "")
	f.clock.Advance(-5*time.Second - RoleCapGrace)
	roles := f.srv.AssumedRoles()
	if len(roles) != 3 || roles[1].SourceAccessKeyID != "" || !roles[1].MFA || roles[2].MFA || roles[0].ExternalID != "vendor-42" {
		t.Errorf("role sessions %+v", roles)
	}

	// Role chaining from a role session needs the second role to trust
	// the first; the MFA context carries along.
	rc := client(f.srv, *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	_, err = rc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(adminRole), RoleSessionName: aws.String("s5")})
	wantAPIError(t, err, 403, "AccessDenied",
		"User: arn:aws:sts::222233334444:assumed-role/needs-mfa/s2 is not authorized to perform: sts:AssumeRole on resource: "+adminRole)
	f.srv.AddRole(Role{ARN: adminRole, Trusted: []string{mfaRole}, RequireMFA: true})
	if _, err := rc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(adminRole), RoleSessionName: aws.String("s5")}); err != nil {
		t.Fatal(err)
	}
}

// An expired GetSessionToken session cannot assume a role.
func TestAssumeRoleWithExpiredSession(t *testing.T) {
	f := roleFixture(t)
	sc, _ := f.sessionClient(t, true)
	f.clock.Advance(2 * time.Hour)
	_, err := sc.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(adminRole), RoleSessionName: aws.String("s1")})
	wantAPIError(t, err, 403, "ExpiredToken", msgExpiredToken)
}
