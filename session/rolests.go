package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// RoleSTSAPI is the STS call that assumes a role.
type RoleSTSAPI interface {
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// NewRoleSTSClient is the real STS client for r, signed with the MFA
// session c only, built like NewSTSClient: the same CA bundle rules,
// bounded replies and careful retries.
func NewRoleSTSClient(_ context.Context, r RoleProfile, c Credentials) (RoleSTSAPI, error) {
	httpClient, err := stsHTTPClient(r.CABundle)
	if err != nil {
		return nil, err
	}
	cfg := aws.Config{
		Region:      r.Region,
		HTTPClient:  httpClient,
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		Retryer:     stsRetryer,
	}
	if r.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(r.Endpoint)
	}
	return sts.NewFromConfig(cfg), nil
}

// errSessionGone: STS no longer takes the MFA session (it expired, or its
// user or key is gone), although the file still holds it.
var errSessionGone = errors.New("the MFA session is no longer valid")

// assumeRole makes the one AssumeRole call for r with the MFA session c.
func (m *Manager) assumeRole(ctx context.Context, r RoleProfile, c Credentials) (Credentials, error) {
	newSTS := m.cfg.NewRoleSTS
	if newSTS == nil {
		newSTS = NewRoleSTSClient
	}
	client, err := newSTS(ctx, r, c)
	if err != nil {
		return Credentials{}, err // its own sentence (the CA bundle)
	}
	timeout := m.cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(r.RoleARN),
		RoleSessionName: aws.String(r.SessionName),
	}
	if in.RoleSessionName == nil || *in.RoleSessionName == "" {
		in.RoleSessionName = aws.String("awsmfa-" + strconv.FormatInt(m.now().Unix(), 10))
	}
	d := r.Duration
	if d == 0 {
		d = DefaultRoleDuration
	}
	in.DurationSeconds = aws.Int32(int32(d / time.Second))
	if r.ExternalID != "" {
		in.ExternalId = aws.String(r.ExternalID)
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := client.AssumeRole(cctx, in)
	if err != nil {
		if ctx.Err() != nil {
			return Credentials{}, ErrCanceled
		}
		return Credentials{}, explainAssumeRole(err, r, c, timeout)
	}
	// The same checks as any STS reply; a role lasts 12 hours at most.
	sc, err := credentialsOf(out.Credentials, m.now(), 12*time.Hour, Profile{Endpoint: r.Endpoint})
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{AccessKeyID: sc.accessKeyID, SecretAccessKey: sc.secretAccessKey, SessionToken: sc.sessionToken, Expiration: sc.expiration}, nil
}

// explainAssumeRole turns an AssumeRole failure into one sentence. Like
// explainSTS it quotes only what AWS returns: codes, ARNs and messages.
func explainAssumeRole(err error, r RoleProfile, c Credentials, timeout time.Duration) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		msg := newScrubber(c.AccessKeyID, c.SecretAccessKey, c.SessionToken).clean(apiErr.ErrorMessage())
		switch {
		case code == "ExpiredToken" || code == "ExpiredTokenException" || code == "InvalidClientTokenId":
			return errSessionGone
		case code == "AccessDenied" && strings.Contains(msg, "not authorized to perform: sts:AssumeRole"):
			who := "the IAM user of " + r.MFAProfile
			if u, _, ok := strings.Cut(strings.TrimPrefix(msg, "User: "), " is not authorized"); ok && strings.HasPrefix(msg, "User: ") {
				who = u
			}
			return fmt.Errorf("STS does not let %s assume %s (%s): check role_arn and external_id of %s, and that the role's trust policy allows this user (with MFA, if it asks for it)", who, r.RoleARN, r.Name, r.Name)
		case code == "ValidationError" || code == "AccessDenied":
			return fmt.Errorf("STS refused to assume the role of %s: %s", r.Name, msg)
		case !isThrottle(code) && httpStatus(err) < 500:
			return fmt.Errorf("STS refused to assume the role of %s: %s: %s", r.Name, code, msg)
		}
	}
	// Network, TLS, throttling and 5xx read as for any STS call.
	return explainCall(err, stsCall{p: Profile{Name: r.Name, LongTerm: r.MFAProfile, Endpoint: r.Endpoint, CABundle: r.CABundle},
		timeout: timeout, secrets: []string{c.AccessKeyID, c.SecretAccessKey, c.SessionToken}})
}
