package session

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// maxReplyBytes bounds every STS reply body. A real GetSessionToken or
// AssumeRole reply is a few KB; the SDK reads a whole reply into memory, so
// without a bound an endless body runs the process out of memory.
const maxReplyBytes = 1 << 20

// guardedClient is the HTTP client of our STS calls. It records whether a
// request may have left (so a failure after that is never retried and is
// reported as a lost reply), and bounds the reply body.
type guardedClient struct{ inner aws.HTTPClient }

func newGuardedClient(bundle CABundle, pem []byte) (*guardedClient, error) {
	var poolErr error
	inner := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		// A fresh connection for each request. A kept-alive connection
		// that the server closes just as we reuse it fails in a way no
		// client can tell from a reply lost after STS used the code, and
		// then the code cannot be sent again. A login is a few requests a
		// day; a handshake each costs nothing anyone notices.
		tr.DisableKeepAlives = true
		if pem == nil {
			return
		}
		// Exactly what aws-sdk-go-v2's config loader does with a bundle:
		// its certificates replace the system's roots.
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			poolErr = fmt.Errorf("the CA bundle %s (%s) holds no PEM certificate: point it at a file of \"-----BEGIN CERTIFICATE-----\" blocks", bundle.Path, bundle.From)
		}
		tr.TLSClientConfig.RootCAs = pool
	})
	if poolErr != nil {
		return nil, poolErr
	}
	return &guardedClient{inner: inner}, nil
}

// Do sends req. Once any of the request is written, a failure to get the
// reply is a replyLostError; the reply body reads at most maxReplyBytes.
func (c *guardedClient) Do(req *http.Request) (*http.Response, error) {
	var wrote atomic.Bool
	ctx := httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteHeaders: func() { wrote.Store(true) },
	})
	out := req.WithContext(ctx)
	// The transport gets its own copy of the (small, form-encoded) body.
	// smithy-go closes the request body as soon as the reply's headers are
	// in; the transport's writer may still be reading it for the end of
	// the body, fails, and closes the connection under the reply, which
	// then reads as "use of closed network connection" (aws-sdk-go-v2
	// #1825, #2737). With the code already spent at STS.
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, fmt.Errorf("read the request body: %w", err)
		}
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	}
	resp, err := c.inner.Do(out)
	if err != nil {
		if wrote.Load() {
			return resp, &replyLostError{err: err}
		}
		return resp, err
	}
	resp.Body = &boundedBody{rc: resp.Body, left: maxReplyBytes}
	return resp, nil
}

// replyLostError: the request may have reached STS, and its reply did not
// arrive whole.
type replyLostError struct{ err error }

func (e *replyLostError) Error() string {
	return "the connection broke after the request was sent: " + e.err.Error()
}
func (e *replyLostError) Unwrap() error { return e.err }

// replyTooLargeError: the reply body ran past maxReplyBytes.
type replyTooLargeError struct{ max int64 }

func (e *replyTooLargeError) Error() string {
	return fmt.Sprintf("the reply is larger than %s", e.limit())
}

func (e *replyTooLargeError) limit() string {
	if e.max%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", e.max>>20)
	}
	return fmt.Sprintf("%d bytes", e.max)
}

// boundedBody reads at most left bytes of rc, then fails.
type boundedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if b.left <= 0 {
		// One byte more tells a body of exactly the bound from a longer one.
		var one [1]byte
		for {
			n, err := b.rc.Read(one[:])
			switch {
			case n > 0:
				return 0, &replyTooLargeError{max: maxReplyBytes}
			case err == io.EOF:
				return 0, io.EOF
			case err != nil:
				return 0, &replyLostError{err: err}
			}
		}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		err = &replyLostError{err: err}
	}
	return n, err
}

func (b *boundedBody) Close() error { return b.rc.Close() }
