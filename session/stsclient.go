package session

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// stsHTTP is shared by every STS client: a client per login would leave a
// keep-alive connection and its goroutines behind each time, which adds up
// in the long-running tray.
var stsHTTP = awshttp.NewBuildableClient()

// stsAttempts bounds retries of throttling, 5xx and connection errors;
// the overall deadline (Config.Timeout) bounds them in time.
const stsAttempts = 4

// NewSTSClient is the real STS client for p, signed with the long-term keys
// only: it is built from scratch, so environment credentials, a session
// token or another profile's settings can never leak into the call.
func NewSTSClient(_ context.Context, p Profile, keys Keys) (STSAPI, error) {
	cfg := aws.Config{
		Region:      p.Region,
		HTTPClient:  stsHTTP,
		Credentials: credentials.NewStaticCredentialsProvider(keys.AccessKeyID, keys.SecretAccessKey, ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = stsAttempts
				o.MaxBackoff = 2 * time.Second
			})
		},
	}
	if p.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(p.Endpoint)
	}
	return sts.NewFromConfig(cfg), nil
}
