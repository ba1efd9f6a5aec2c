package stsfake

import (
	"bufio"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

func sessionForm(code string) url.Values {
	return url.Values{"Action": {"GetSessionToken"}, "Version": {versionSTS}, "SerialNumber": {aliceSerial}, "TokenCode": {code}}
}

// post sends a signed GetSessionToken with a fresh code through client.
func (f *fixture) post(t *testing.T, client *http.Client) (*http.Response, error) {
	t.Helper()
	f.clock.Advance(totp.Period) // a code is good once
	req := rawRequest(t, f.srv, f.user, sessionForm(f.code(t, 0)), "sts", time.Now(), nil)
	return client.Do(req)
}

// waitCalls waits until the fake has recorded n calls (a handler that
// streams finishes after the client leaves).
func waitCalls(t *testing.T, s *Server, n int) []Call {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if calls := s.Calls(); len(calls) >= n {
			return calls
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fake recorded %d calls, want %d", len(s.Calls()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFaultCutsProcessTheRequestThenBreakTheReply(t *testing.T) {
	for _, tt := range []struct {
		fault Fault
		half  bool
	}{{CutAfterHeaders(), false}, {CutMidBody(), true}} {
		t.Run(tt.fault.Name(), func(t *testing.T) {
			f := newFixture(t)
			f.srv.Inject(1, tt.fault)
			resp, err := f.post(t, &http.Client{})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("status %d, read err %v; want 200 and a cut body", resp.StatusCode, err)
			}
			if tt.half != (len(b) > 0) || int64(len(b)) >= resp.ContentLength {
				t.Errorf("read %d of %d bytes", len(b), resp.ContentLength)
			}
			if len(f.srv.IssuedSessions()) != 1 {
				t.Error("the request was not processed before the cut: the code must be spent")
			}
			if c := waitCalls(t, f.srv, 1)[0]; c.Fault != tt.fault.Name() || c.BodySent != int64(len(b)) {
				t.Errorf("call = %+v, client read %d", c, len(b))
			}
		})
	}
}

func TestFaultEndlessBodyNeverEnds(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(1, EndlessBody())
	resp, err := f.post(t, &http.Client{})
	if err != nil {
		t.Fatal(err)
	}
	const want = 8 << 20
	n, err := io.CopyN(io.Discard, resp.Body, want)
	if n != want || err != nil {
		t.Fatalf("read %d bytes, %v; want an endless body", n, err)
	}
	resp.Body.Close()
	if c := waitCalls(t, f.srv, 1)[0]; c.Status != 200 || c.BodySent < want {
		t.Errorf("call = %+v", c)
	}
}

func TestFaultHugeValueIsWellFormed(t *testing.T) {
	f := newFixture(t)
	const size = 3 << 20
	f.srv.Inject(1, HugeValue("SessionToken", size))
	resp, err := f.post(t, &http.Client{})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out getSessionTokenResponse
	if err := xml.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if got := len(out.Credentials.SessionToken); got != size || !strings.HasPrefix(out.Credentials.AccessKeyID, "ASIA") {
		t.Errorf("token of %d bytes, key %q", got, out.Credentials.AccessKeyID)
	}
	if cl, _ := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); cl <= size {
		t.Errorf("Content-Length %d", cl)
	}
}

func TestFaultSetValueAndReplaceBody(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(1, SetValue("Expiration", "2001-01-01T00:00:00Z"))
	f.srv.Inject(1, ReplaceBody("text/html", "<html><body>Sign in to the Wi-Fi</body></html>"))
	_, b := do(t, rawRequest(t, f.srv, f.user, sessionForm(f.code(t, 0)), "sts", time.Now(), nil))
	var out getSessionTokenResponse
	if err := xml.Unmarshal(b, &out); err != nil || out.Credentials.Expiration != "2001-01-01T00:00:00Z" || out.Credentials.SessionToken == "" {
		t.Errorf("SetValue reply %s (%v)", b, err)
	}
	f.clock.Advance(totp.Period)
	resp, b := do(t, rawRequest(t, f.srv, f.user, sessionForm(f.code(t, 0)), "sts", time.Now(), nil))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html" || !strings.Contains(string(b), "Wi-Fi") {
		t.Errorf("ReplaceBody reply %d %s", resp.StatusCode, b)
	}
	if n := len(f.srv.IssuedSessions()); n != 2 {
		t.Errorf("%d sessions issued, want 2: both requests are processed", n)
	}
}

func TestFaultDripBodySendsByteByByte(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(1, DripBody(time.Millisecond))
	resp, err := f.post(t, &http.Client{})
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 16)
	if _, err := io.ReadFull(resp.Body, b); err != nil || resp.StatusCode != 200 || !strings.HasPrefix(string(b), "<GetSessionToken") {
		t.Fatalf("%d %q %v", resp.StatusCode, b, err)
	}
	resp.Body.Close()
	if c := waitCalls(t, f.srv, 1)[0]; c.BodySent >= resp.ContentLength {
		t.Errorf("the whole body was sent (%d bytes) to a client that left", c.BodySent)
	}
}

func TestFaultEchoRequestQuotesTheCode(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(1, EchoRequest(400, "InvalidParameterValue"))
	code := f.code(t, 0)
	resp, b := do(t, rawRequest(t, f.srv, f.user, sessionForm(code), "sts", time.Now(), nil))
	var e wireError
	if err := xml.Unmarshal(b, &e); err != nil || resp.StatusCode != 400 || e.Code != "InvalidParameterValue" || !strings.Contains(e.Message, "TokenCode="+code) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if len(f.srv.IssuedSessions()) != 0 {
		t.Error("an echoed error must not process the request")
	}
}

func TestFaultDropIfReusedAndCloseIdleConnections(t *testing.T) {
	f := newFixture(t)
	addr := strings.TrimPrefix(f.srv.URL, "http://")
	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c, bufio.NewReader(c)
	}
	// roundTrip sends one request on c and reads the reply whole.
	roundTrip := func(c net.Conn, br *bufio.Reader) error {
		f.clock.Advance(totp.Period)
		req := rawRequest(t, f.srv, f.user, sessionForm(f.code(t, 0)), "sts", time.Now(), nil)
		if err := req.Write(c); err != nil {
			return err
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}

	c, br := dial()
	if err := roundTrip(c, br); err != nil {
		t.Fatal(err)
	}
	// The connection turns idle just after the reply is written.
	for deadline := time.Now().Add(10 * time.Second); f.srv.CloseIdleConnections() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the connection never turned idle")
		}
	}
	if n := f.srv.CloseIdleConnections(); n != 0 {
		t.Errorf("closed %d more idle connections, want 0", n)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("read on the closed idle connection: %v, want EOF", err)
	}

	c, br = dial()
	f.srv.Inject(1, DropIfReused()) // met by the first request on c: answered
	if err := roundTrip(c, br); err != nil {
		t.Fatal(err)
	}
	f.srv.Inject(1, DropIfReused())
	if err := roundTrip(c, br); err == nil {
		t.Fatal("a request on the reused connection was answered")
	}
	calls := waitCalls(t, f.srv, 3)
	if c := calls[2]; c.Status != 0 || c.Fault != "drop on a reused connection" {
		t.Errorf("dropped call = %+v", c)
	}
	if n := len(f.srv.IssuedSessions()); n != 2 {
		t.Errorf("%d sessions issued, want 2: a dropped request is not processed", n)
	}
}

func TestFaultDropReplyAfterProcessing(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(1, DropReply())
	if resp, err := f.post(t, &http.Client{}); err == nil {
		resp.Body.Close()
		t.Fatal("a dropped reply arrived")
	}
	if len(f.srv.IssuedSessions()) != 1 {
		t.Error("the request was not processed before the drop")
	}
}
