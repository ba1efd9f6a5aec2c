// Package fakeserver is what the in-process fakes of AWS services
// (stsfake, ssofake) share: a listener that binds loopback only, a start
// scoped to a test, delayed replies, and random ids. It is a normal
// package because the tray's --demo runs a fake; it does not import
// testing.
package fakeserver

import (
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Listen listens on addr, which must be a loopback address: a fake accepts
// whatever its users hold and must never be reachable from the network.
// name ("stsfake") starts its errors.
func Listen(name, addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%s: listen address: %w", name, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s: refusing to listen on non-loopback address %q", name, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: listen: %w", name, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("%s: %q did not resolve to loopback", name, addr)
	}
	return ln, nil
}

// Lifecycle is a fake's http.Server from Serve to Close. The zero value
// is ready to Serve.
type Lifecycle struct {
	mu     sync.Mutex
	srv    *http.Server
	closed chan struct{}
}

// Serve serves srv on ln, once: a second call is refused (name starts the
// error) and closes ln.
func (l *Lifecycle) Serve(name string, srv *http.Server, ln net.Listener) error {
	l.mu.Lock()
	if l.srv != nil {
		l.mu.Unlock()
		ln.Close()
		return fmt.Errorf("%s: already started", name)
	}
	l.srv = srv
	l.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on Close
	return nil
}

// Closed is closed by Close: delayed replies give up on it (see Hold).
func (l *Lifecycle) Closed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closedLocked()
}

func (l *Lifecycle) closedLocked() chan struct{} {
	if l.closed == nil {
		l.closed = make(chan struct{})
	}
	return l.closed
}

// Close stops listening and drops open connections, so later requests
// get "connection refused". It may be called more than once.
func (l *Lifecycle) Close() {
	l.mu.Lock()
	c := l.closedLocked()
	select {
	case <-c:
	default:
		close(c)
	}
	srv := l.srv
	l.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// TB is the part of testing.TB that StartTest needs.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// Server is a fake that StartTest can start and stop.
type Server interface {
	Start() error
	Close()
}

// StartTest starts s on a loopback port and closes it when the test ends;
// what names it in the failure ("sts fake").
func StartTest[S Server](t TB, what string, s S) S {
	t.Helper()
	if err := s.Start(); err != nil {
		t.Fatalf("start %s: %v", what, err)
	}
	t.Cleanup(s.Close)
	return s
}

// Hold delays a reply by d. It reports false when the client left or the
// fake closed first: the caller then drops the connection (panic with
// http.ErrAbortHandler) and never sends an empty 200.
func Hold(r *http.Request, closed <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-closed:
	}
	return false
}

// RandString returns n characters drawn uniformly from alphabet (at most
// 256 characters) with crypto/rand.
func RandString(alphabet string, n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	limit := 256 - 256%len(alphabet) // reject bytes that would bias the draw
	for len(out) < n {
		_, _ = rand.Read(buf) // never fails since Go 1.24
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// RequestID is a random UUID, as AWS request ids are.
func RequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Safe shortens client input before it goes into a message or a log.
func Safe(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return s
}
