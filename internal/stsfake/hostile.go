package stsfake

import (
	"context"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Fault is one way the fake misbehaves on a request, for tests of clients
// that must survive broken networks, proxies and endpoints. Most faults let
// the request be processed first, as real STS would (the MFA code is spent
// and the session issued), and then break the reply: the case a client must
// never resend, since the code is gone. Each follows the real wire format up
// to the point where it breaks.
type Fault struct {
	name string
	// before, when set, answers instead of processing the request; body is
	// the raw request body.
	before func(body []byte) *apiError
	// drop closes the connection without processing when the request came
	// on a connection that already served one.
	drop bool
	// send, when set, writes the processed reply (success or error) in its
	// own broken way and returns how many body bytes it wrote.
	send func(w http.ResponseWriter, r *http.Request, status int, requestID string, body []byte) int64
}

// Name is a short description for logs and test names.
func (f Fault) Name() string { return f.name }

// Inject makes each of the next n requests meet f. A fault FailNext queued
// for the same request answers first, and f's reply shaping then applies
// to that error reply.
func (s *Server) Inject(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.injected = append(s.injected, f)
	}
}

func (s *Server) takeInjected() *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.injected) == 0 {
		return nil
	}
	f := s.injected[0]
	s.injected = s.injected[1:]
	return &f
}

// CutAfterHeaders processes the request, sends the reply's status line and
// headers (Content-Length included), then closes the connection.
func CutAfterHeaders() Fault {
	return Fault{name: "cut after headers", send: func(w http.ResponseWriter, _ *http.Request, status int, requestID string, body []byte) int64 {
		return sendCut(w, status, requestID, body, 0)
	}}
}

// CutMidBody processes the request, sends the headers and the first half of
// the body, then closes the connection.
func CutMidBody() Fault {
	return Fault{name: "cut mid-body", send: func(w http.ResponseWriter, _ *http.Request, status int, requestID string, body []byte) int64 {
		return sendCut(w, status, requestID, body, len(body)/2)
	}}
}

// DropReply processes the request, then closes the connection without
// sending a byte of the reply: a reset after STS acted.
func DropReply() Fault {
	return Fault{name: "drop the reply", send: func(w http.ResponseWriter, _ *http.Request, _ int, _ string, _ []byte) int64 {
		dropConn(w)
		return 0
	}}
}

// DropIfReused closes the connection without reading on when the request
// arrived on a kept-alive connection that already served a request, and
// processes it normally otherwise: a server closing an idle connection just
// as the client reuses it. (The client cannot tell this apart from a reset
// after STS processed the request.)
func DropIfReused() Fault { return Fault{name: "drop on a reused connection", drop: true} }

// EndlessBody processes the request and answers 200 with the start of a real
// reply whose SessionToken never ends (chunked, until the client leaves).
func EndlessBody() Fault {
	return Fault{name: "endless body", send: func(w http.ResponseWriter, r *http.Request, status int, requestID string, body []byte) int64 {
		prefix, _, ok := splitAtElement(body, "SessionToken")
		if !ok {
			prefix = body
		}
		h := w.Header()
		h.Set("Content-Type", "text/xml")
		h.Set("x-amzn-RequestId", requestID)
		w.WriteHeader(status)
		return stream(w, r, prefix, -1, nil)
	}}
}

// HugeValue processes the request and sends a complete, well-formed reply
// whose element (e.g. "SessionToken") holds size bytes of the token alphabet,
// streamed without building it.
func HugeValue(element string, size int64) Fault {
	return Fault{name: fmt.Sprintf("%d-byte %s", size, element), send: func(w http.ResponseWriter, r *http.Request, status int, requestID string, body []byte) int64 {
		prefix, suffix, ok := splitAtElement(body, element)
		if !ok {
			return writeRaw(w, status, requestID, body)
		}
		h := w.Header()
		h.Set("Content-Type", "text/xml")
		h.Set("Content-Length", strconv.FormatInt(int64(len(prefix))+size+int64(len(suffix)), 10))
		h.Set("x-amzn-RequestId", requestID)
		w.WriteHeader(status)
		return stream(w, r, prefix, size, suffix)
	}}
}

// SetValue processes the request and sends its reply with the text of every
// element named element replaced by value (e.g. "Expiration",
// "2001-01-01T00:00:00Z", or "AccessKeyId", "AKIA...").
func SetValue(element, value string) Fault {
	re := regexp.MustCompile(`<` + regexp.QuoteMeta(element) + `>[^<]*</` + regexp.QuoteMeta(element) + `>`)
	var esc strings.Builder
	xml.EscapeText(&esc, []byte(value)) //nolint:errcheck // a Builder does not fail
	repl := []byte("<" + element + ">" + esc.String() + "</" + element + ">")
	return Fault{name: element + " replaced", send: func(w http.ResponseWriter, _ *http.Request, status int, requestID string, body []byte) int64 {
		return writeRaw(w, status, requestID, re.ReplaceAllLiteral(body, repl))
	}}
}

// ReplaceBody processes the request and answers 200 with this body instead
// of the reply: broken XML, or a captive portal's HTML page.
func ReplaceBody(contentType, body string) Fault {
	return Fault{name: "body replaced", send: func(w http.ResponseWriter, _ *http.Request, _ int, requestID string, _ []byte) int64 {
		w.Header().Set("Content-Type", contentType)
		return writeRaw(w, http.StatusOK, requestID, []byte(body))
	}}
}

// DripBody processes the request and sends the reply one byte every d, as
// a stalled network or proxy does.
func DripBody(d time.Duration) Fault {
	return Fault{name: "drip body", send: func(w http.ResponseWriter, r *http.Request, status int, requestID string, body []byte) int64 {
		h := w.Header()
		h.Set("Content-Type", "text/xml")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set("x-amzn-RequestId", requestID)
		w.WriteHeader(status)
		rc := http.NewResponseController(w)
		var n int64
		for i := range body {
			if err := rc.Flush(); err != nil {
				return n
			}
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return n
			}
			if _, err := w.Write(body[i : i+1]); err != nil {
				return n
			}
			n++
		}
		return n
	}}
}

// EchoRequest answers, without processing, an error reply whose message
// quotes the raw request body (TokenCode included), as some proxies and
// services do. A client must never show it as it is.
func EchoRequest(status int, code string) Fault {
	return Fault{name: "echo " + code, before: func(body []byte) *apiError {
		return &apiError{status, code, "The request could not be processed: " + string(body)}
	}}
}

// splitAtElement splits body around the text of the first element named
// name.
func splitAtElement(body []byte, name string) (prefix, suffix []byte, ok bool) {
	open, end := "<"+name+">", "</"+name+">"
	i := strings.Index(string(body), open)
	if i < 0 {
		return nil, nil, false
	}
	j := strings.Index(string(body[i:]), end)
	if j < 0 {
		return nil, nil, false
	}
	return body[:i+len(open)], body[i+j:], true
}

// writeRaw sends body as a reply with the usual headers.
func writeRaw(w http.ResponseWriter, status int, requestID string, body []byte) int64 {
	h := w.Header()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "text/xml")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(status)
	n, _ := w.Write(body)
	return int64(n)
}

// stream writes prefix, then size bytes of the token alphabet (size < 0: until
// the client leaves), then suffix, and returns the bytes written.
func stream(w http.ResponseWriter, r *http.Request, prefix []byte, size int64, suffix []byte) int64 {
	chunk := []byte(strings.Repeat("FwoGZXIvYXdzEAAaDH+/", 32<<10/20))
	rc := http.NewResponseController(w)
	n, err := w.Write(prefix)
	sent := int64(n)
	for err == nil && (size < 0 || sent-int64(len(prefix)) < size) {
		select {
		case <-r.Context().Done():
			return sent
		default:
		}
		c := chunk
		if left := size - (sent - int64(len(prefix))); size >= 0 && left < int64(len(c)) {
			c = c[:left]
		}
		n, err = w.Write(c)
		sent += int64(n)
		if err == nil {
			err = rc.Flush()
		}
	}
	if err == nil && suffix != nil {
		n, _ = w.Write(suffix)
		sent += int64(n)
	}
	return sent
}

// sendCut writes the status line, headers and the first n bytes of body
// straight to the connection, then closes it.
func sendCut(w http.ResponseWriter, status int, requestID string, body []byte, n int) int64 {
	conn, bw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\nContent-Type: text/xml\r\nContent-Length: %d\r\nX-Amzn-Requestid: %s\r\nDate: %s\r\n\r\n",
		status, http.StatusText(status), len(body), requestID, time.Now().UTC().Format(http.TimeFormat))
	bw.Write(body[:n]) //nolint:errcheck // the connection closes next either way
	bw.Flush()         //nolint:errcheck
	return int64(n)
}

// dropConn closes the request's connection without a reply.
func dropConn(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// connInfo is what the fake knows of one client connection.
type connInfo struct {
	served int // requests answered on it so far
}

type connKey struct{}

func (s *Server) connContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, &connInfo{})
}

// reused reports whether r came on a connection that served a request
// before, and counts r. Only the server's own goroutine for the
// connection touches its connInfo.
func reused(r *http.Request) bool {
	ci, ok := r.Context().Value(connKey{}).(*connInfo)
	if !ok {
		return false
	}
	ci.served++
	return ci.served > 1
}

// trackConn follows connection states, so CloseIdleConnections can find the
// idle ones.
func (s *Server) trackConn(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	default:
		if s.conns == nil {
			s.conns = map[net.Conn]http.ConnState{}
		}
		s.conns[c] = st
	}
}

// CloseIdleConnections closes the kept-alive connections that are waiting
// for a next request, as servers (and load balancers) do after an idle
// timeout, and returns how many it closed.
func (s *Server) CloseIdleConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c, st := range s.conns {
		if st == http.StateIdle {
			c.Close()
			delete(s.conns, c)
			n++
		}
	}
	return n
}
