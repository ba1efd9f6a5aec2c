package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

// Failures the STS fake cannot stage on loopback are checked here against
// the error types the SDK wraps them in.
func TestExplainSTSNetworkAndUnknown(t *testing.T) {
	p := Profile{Name: "x", LongTerm: "xPerm", Serial: "arn:aws:iam::123456789012:mfa/a", Endpoint: "https://sts.example.test"}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"dns", fmt.Errorf("send: %w", &net.DNSError{Err: "no such host", Name: "sts.example.test", IsNotFound: true}),
			"cannot look up sts.example.test (https://sts.example.test): check your network connection or the endpoint setting"},
		{"deadline", fmt.Errorf("op: %w", context.DeadlineExceeded), "https://sts.example.test did not answer within 30s"},
		{"dial", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("network is unreachable")}, "cannot connect to https://sts.example.test"},
		{"canceled", fmt.Errorf("op: %w", context.Canceled), "canceled"},
		{"unknown API error", &smithy.GenericAPIError{Code: "RegionDisabledException", Message: "STS is not activated in this region"},
			"STS refused the request for [xPerm]: RegionDisabledException: STS is not activated in this region"},
		{"throttle variant", &smithy.GenericAPIError{Code: "RequestLimitExceeded"}, "throttling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explainSTS(tt.err, p, 30*time.Second)
			if !strings.Contains(got.Error(), tt.want) {
				t.Errorf("explainSTS = %q, want it to contain %q", got, tt.want)
			}
		})
	}
	if got := explainSTS(fmt.Errorf("x: %w", context.Canceled), p, time.Second); !errors.Is(got, ErrCanceled) {
		t.Errorf("canceled maps to %v", got)
	}
}
