package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// closableBody fails every Read once closed, like smithy-go's request body.
type closableBody struct {
	r      io.Reader
	closed bool
}

func (b *closableBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, errors.New("read on closed body")
	}
	return b.r.Read(p)
}
func (b *closableBody) Close() error { b.closed = true; return nil }

type clientFunc func(*http.Request) (*http.Response, error)

func (f clientFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// smithy-go closes the request body once the reply's headers are in, while
// the transport may still read it: the transport must get its own copy.
// (Through the real transport this race closed the connection under about
// one reply in twenty of 200 KB, and under a few in a thousand real ones.)
func TestGuardedClientSendsItsOwnCopyOfTheBody(t *testing.T) {
	const form = "Action=GetSessionToken&TokenCode=123456&Version=2011-06-15"
	orig := &closableBody{r: strings.NewReader(form)}
	var sent string
	c := &guardedClient{inner: clientFunc(func(r *http.Request) (*http.Response, error) {
		orig.Close() // what smithy-go does next, as seen by a transport still writing
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		sent = string(b)
		if r.ContentLength != int64(len(form)) || r.GetBody == nil {
			t.Errorf("ContentLength %d, GetBody %v", r.ContentLength, r.GetBody != nil)
		}
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok"))}, nil
	})}
	req, _ := http.NewRequest(http.MethodPost, "http://sts.test/", orig)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if sent != form {
		t.Errorf("sent %q, want %q", sent, form)
	}
}

func TestBoundedBody(t *testing.T) {
	for _, tt := range []struct {
		size    int
		wantErr bool
	}{{0, false}, {maxReplyBytes, false}, {maxReplyBytes + 1, true}, {10 * maxReplyBytes, true}} {
		b := &boundedBody{rc: io.NopCloser(io.LimitReader(zeros{}, int64(tt.size))), left: maxReplyBytes}
		n, err := io.Copy(io.Discard, b)
		var tooLarge *replyTooLargeError
		if tt.wantErr != errors.As(err, &tooLarge) || n > maxReplyBytes {
			t.Errorf("body of %d: read %d, err %v", tt.size, n, err)
		}
	}
	// A read error is a lost reply: the request was sent.
	b := &boundedBody{rc: io.NopCloser(io.MultiReader(strings.NewReader("<Get"), errReader{net.ErrClosed})), left: maxReplyBytes}
	_, err := io.ReadAll(b)
	var lost *replyLostError
	if !errors.As(err, &lost) || !errors.Is(err, net.ErrClosed) {
		t.Errorf("err = %v, want a replyLostError wrapping net.ErrClosed", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// The retry policy, on the error shapes the SDK hands the retryer.
func TestRetryableSTS(t *testing.T) {
	resp := func(status int, err error) error {
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}}
	}
	dial := &smithyhttp.RequestSendError{Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	tests := []struct {
		name string
		err  error
		want aws.Ternary
	}{
		{"throttled", resp(400, &smithy.GenericAPIError{Code: "Throttling"}), aws.TrueTernary},
		{"5xx", resp(503, &smithy.GenericAPIError{Code: "ServiceUnavailable"}), aws.TrueTernary},
		{"5xx without an error body", resp(502, &smithy.DeserializationError{Err: errors.New("EOF")}), aws.TrueTernary},
		{"dial", dial, aws.TrueTernary},
		{"wrong code", resp(403, &smithy.GenericAPIError{Code: "AccessDenied"}), aws.FalseTernary},
		{"signature without clock skew", resp(403, &smithy.GenericAPIError{Code: "SignatureDoesNotMatch"}), aws.FalseTernary},
		{"200 body cut", resp(200, &smithy.DeserializationError{Err: &replyLostError{err: net.ErrClosed}}), aws.FalseTernary},
		{"200 body closed, as the SDK's own words", resp(200, &smithy.DeserializationError{Err: fmt.Errorf("read tcp 127.0.0.1:1->127.0.0.1:2: %w", net.ErrClosed)}), aws.FalseTernary},
		{"reset after the request", &smithyhttp.RequestSendError{Err: &replyLostError{err: errors.New("connection reset by peer")}}, aws.FalseTernary},
		{"5xx cut", resp(503, &smithy.DeserializationError{Err: &replyLostError{err: io.ErrUnexpectedEOF}}), aws.FalseTernary},
		{"too large", resp(200, &smithy.DeserializationError{Err: &replyTooLargeError{max: maxReplyBytes}}), aws.FalseTernary},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), aws.FalseTernary},
		{"no such host", &smithyhttp.RequestSendError{Err: &net.OpError{Op: "dial", Err: &net.DNSError{IsNotFound: true}}}, aws.FalseTernary},
	}
	for _, tt := range tests {
		if got := retryableSTS(tt.err); got != tt.want {
			t.Errorf("%s: retryableSTS = %v, want %v", tt.name, got, tt.want)
		}
	}
}
