package stsfake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var update = flag.Bool("update", false, "rewrite golden files")

// rawRequest builds a form POST signed with the SDK's own SigV4 signer, then
// lets mutate change it after signing.
func rawRequest(t *testing.T, srv *Server, u User, form url.Values, service string, at time.Time, mutate func(*http.Request)) *http.Request {
	t.Helper()
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: u.AccessKeyID, SecretAccessKey: u.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(req)
	}
	return req
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

type wireError struct {
	Xmlns     string `xml:"xmlns,attr"`
	Type      string `xml:"Error>Type"`
	Code      string `xml:"Error>Code"`
	Message   string `xml:"Error>Message"`
	RequestID string `xml:"RequestId"`
}

func callerIdentityForm() url.Values {
	return url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}
}

func TestWireErrors(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	tests := []struct {
		name    string
		form    url.Values
		service string
		at      time.Time
		mutate  func(*http.Request)
		status  int
		code    string
		msgHas  string
	}{
		{name: "no authorization", mutate: func(r *http.Request) { r.Header.Del("Authorization") },
			status: 403, code: "MissingAuthenticationToken", msgHas: msgMissingAuth},
		{name: "garbled authorization", mutate: func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 nonsense") },
			status: 400, code: "IncompleteSignature"},
		{name: "sigv2 style authorization", mutate: func(r *http.Request) { r.Header.Set("Authorization", "AWS AKIA:sig") },
			status: 400, code: "IncompleteSignature"},
		{name: "host not signed", mutate: func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", strings.Replace(a, "host;", "", 1))
		}, status: 400, code: "IncompleteSignature"},
		{name: "body changed after signing", mutate: func(r *http.Request) {
			b := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}, "X": {"1"}}.Encode()
			r.Body = io.NopCloser(strings.NewReader(b))
			r.ContentLength = int64(len(b))
		}, status: 403, code: "SignatureDoesNotMatch", msgHas: msgSignature},
		{name: "signed header changed", mutate: func(r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}, status: 403, code: "SignatureDoesNotMatch"},
		{name: "signature changed", mutate: func(r *http.Request) {
			a := r.Header.Get("Authorization")
			i := strings.LastIndex(a, "=") + 1
			flip := map[byte]string{'0': "1"}[a[i]]
			if flip == "" {
				flip = "0"
			}
			r.Header.Set("Authorization", a[:i]+flip+a[i+1:])
		}, status: 403, code: "SignatureDoesNotMatch"},
		{name: "wrong service", service: "s3", status: 403, code: "SignatureDoesNotMatch", msgHas: "'sts'"},
		{name: "stale date", at: now.Add(-20 * time.Minute), status: 403, code: "SignatureDoesNotMatch", msgHas: "Signature expired"},
		{name: "future date", at: now.Add(20 * time.Minute), status: 403, code: "SignatureDoesNotMatch", msgHas: "Signature expired"},
		{name: "wrong version", form: url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2010-01-01"}},
			status: 400, code: "InvalidAction", msgHas: "Could not find operation GetCallerIdentity for version 2010-01-01"},
		{name: "unsupported action", form: url.Values{"Action": {"AssumeRoleWithSAML"}, "Version": {"2011-06-15"}},
			status: 400, code: "InvalidAction", msgHas: "Could not find operation AssumeRoleWithSAML"},
		{name: "AssumeRole without its required parameters", form: url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}},
			status: 400, code: "ValidationError", msgHas: "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"},
		{name: "not a form body", mutate: func(r *http.Request) { r.Header.Set("Content-Type", "application/json") },
			status: 400, code: "ValidationError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, service, at := tt.form, tt.service, tt.at
			if form == nil {
				form = callerIdentityForm()
			}
			if service == "" {
				service = "sts"
			}
			if at.IsZero() {
				at = now
			}
			resp, body := do(t, rawRequest(t, f.srv, f.user, form, service, at, tt.mutate))
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			var e wireError
			if err := xml.Unmarshal(body, &e); err != nil {
				t.Fatalf("error body is not XML: %v: %s", err, body)
			}
			if e.Code != tt.code || !strings.Contains(e.Message, tt.msgHas) || e.Type != "Sender" || e.Xmlns != xmlns {
				t.Errorf("error = %+v, want code %s, message containing %q", e, tt.code, tt.msgHas)
			}
			if e.RequestID == "" || resp.Header.Get("x-amzn-RequestId") != e.RequestID {
				t.Errorf("request id %q vs header %q", e.RequestID, resp.Header.Get("x-amzn-RequestId"))
			}
			if strings.Contains(string(body), f.user.SecretAccessKey) {
				t.Error("reply contains the secret key")
			}
		})
	}
}

func TestWireUnsignedHeaderAddedIsFine(t *testing.T) {
	f := newFixture(t)
	req := rawRequest(t, f.srv, f.user, callerIdentityForm(), "sts", time.Now(), func(r *http.Request) {
		r.Header.Set("User-Agent", "changed-after-signing")
		r.Header.Set("X-Unsigned", "yes")
	})
	if resp, body := do(t, req); resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
}

func TestWireGETQuery(t *testing.T) {
	// STS also takes the parameters in a signed GET query string.
	f := newFixture(t)
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+"/?"+callerIdentityForm().Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(nil)
	creds := aws.Credentials{AccessKeyID: f.user.AccessKeyID, SecretAccessKey: f.user.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if resp, body := do(t, req); resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
}

// TestWireGolden pins the exact reply bytes (request ids normalised).
func TestWireGolden(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		prep func()
	}{
		{"get_caller_identity_ok", func() {}},
		{"internal_failure", func() { f.srv.FailNext(1, 500, "InternalFailure") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.prep()
			resp, body := do(t, rawRequest(t, f.srv, f.user, callerIdentityForm(), "sts", time.Now(), nil))
			if ct := resp.Header.Get("Content-Type"); ct != "text/xml" {
				t.Errorf("Content-Type = %q", ct)
			}
			rid := resp.Header.Get("x-amzn-RequestId")
			if len(rid) != 36 {
				t.Fatalf("request id %q is not a UUID", rid)
			}
			got := []byte(resp.Status + "\n" + strings.ReplaceAll(string(body), rid, "REQUEST-ID") + "\n")
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("reply differs from %s:\ngot:  %s\nwant: %s", golden, got, want)
			}
		})
	}
}
