package main

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

// fakeSTS is the STS fake on 127.0.0.1, in this process, with its own
// clock. Like STS, it accepts each TOTP step of a device once, so every
// login moves the clock a step (30 s) on and types the code for then;
// awsmfa and the AWS CLI run as separate processes and only see the codes.
// It is served through a wrapper that notes when each request arrived and
// when its reply was written, which splits a login process's time into
// before, during and after the round trip without touching awsmfa.
type fakeSTS struct {
	srv  *stsfake.Server
	http *http.Server
	URL  string

	mu    sync.Mutex
	now   time.Time
	spans []span
}

// span is one request as the bench process saw it, in real time.
type span struct{ arrived, replied time.Time }

func startFake(users ...stsfake.User) (*fakeSTS, error) {
	f := &fakeSTS{now: time.Now()}
	f.srv = stsfake.New(stsfake.WithUsers(users...), stsfake.WithClock(f.clock))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	f.URL = "http://" + ln.Addr().String()
	f.http = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second}
	go f.http.Serve(ln) //nolint:errcheck // ErrServerClosed on close
	return f, nil
}

func (f *fakeSTS) serve(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	f.srv.ServeHTTP(w, r)
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	f.mu.Lock()
	f.spans = append(f.spans, span{arrived, time.Now()})
	f.mu.Unlock()
}

// lastSpan is the most recent request's span.
func (f *fakeSTS) lastSpan() (span, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.spans) == 0 {
		return span{}, false
	}
	return f.spans[len(f.spans)-1], true
}

func (f *fakeSTS) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// nextCode moves the fake's clock to the next TOTP step and returns the
// code valid then.
func (f *fakeSTS) nextCode() (string, error) {
	f.mu.Lock()
	f.now = f.now.Add(30 * time.Second)
	now := f.now
	f.mu.Unlock()
	code, err := totp.Code(profilegen.TOTPSecret, now)
	if err != nil {
		return "", fmt.Errorf("totp: %w", err)
	}
	return code, nil
}

// lastToken is the session token the fake issued last, to check that a
// login really landed in the file.
func (f *fakeSTS) lastToken() string {
	s := f.srv.IssuedSessions()
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1].SessionToken
}

func (f *fakeSTS) close() { f.http.Close() }
