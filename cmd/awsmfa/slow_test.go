package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// heldSTS is a proxy in front of the STS fake that holds each request until
// released, and says when one arrives: a slow STS without sleeping.
func heldSTS(t *testing.T, target string) (addr string, arrived <-chan struct{}, release func()) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	arr, rel := make(chan struct{}, 16), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arr <- struct{}{}
		select {
		case <-rel:
		case <-r.Context().Done():
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	var once sync.Once
	release = func() { once.Do(func() { close(rel) }) }
	t.Cleanup(srv.Close)
	t.Cleanup(release) // runs before Close
	return srv.URL, arr, release
}

// fakeTimer stands in for time.AfterFunc: the test fires it.
type fakeTimer struct {
	mu      sync.Mutex
	d       time.Duration
	f       func()
	stopped bool
	armed   chan struct{}
}

func withFakeTimer(t *testing.T) *fakeTimer {
	t.Helper()
	ft := &fakeTimer{armed: make(chan struct{})}
	prev := afterFunc
	afterFunc = func(d time.Duration, f func()) func() bool {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		ft.d, ft.f = d, f
		close(ft.armed)
		return func() bool {
			ft.mu.Lock()
			defer ft.mu.Unlock()
			ft.stopped = true
			return true
		}
	}
	t.Cleanup(func() { afterFunc = prev })
	return ft
}

func (ft *fakeTimer) isArmed() bool {
	select {
	case <-ft.armed:
		return true
	default:
		return false
	}
}

// syncBuffer is a bytes.Buffer safe to read while the CLI writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// On a terminal, one line on stderr says what awsmfa waits for once STS has
// taken slowSTS; it starts when the code is known, never before.
func TestSlowSTSLine(t *testing.T) {
	for _, typed := range []bool{false, true} {
		name := "--token-code"
		if typed {
			name = "code typed at the prompt"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "myaccount")
			e.write(t, "[profile myaccountPerm]\nmfa_serial = "+e.users["myaccount"].MFASerial+"\n", e.readCreds(t))
			addr, arrived, release := heldSTS(t, e.fake.URL)
			t.Setenv("AWS_ENDPOINT_URL_STS", addr)
			withTTY(t)
			ft := withFakeTimer(t)
			args := []string{"--profile", "myaccount", "login"}
			if typed {
				term := newFakeTerm(e.code(t, "myaccount"))
				withTerminal(t, term)
			} else {
				args = append(args, "--token-code", e.code(t, "myaccount"))
			}
			var out, errb syncBuffer
			done := make(chan int, 1)
			go func() { done <- runContext(context.Background(), args, strings.NewReader(""), &out, &errb) }()
			select {
			case <-arrived:
			case code := <-done:
				t.Fatalf("exit %d before STS was called: %s", code, errb.String())
			case <-time.After(30 * time.Second):
				t.Fatal("STS was never called")
			}
			if !ft.isArmed() || ft.d != slowSTS {
				t.Fatalf("no %v timer while STS is called", slowSTS)
			}
			ft.f() // STS has not answered in time
			want := "awsmfa: waiting for STS at " + addr + " to answer...\n"
			if got := errb.String(); got != want {
				t.Errorf("stderr %q, want %q", got, want)
			}
			release()
			if code := <-done; code != 0 || !loggedIn.MatchString(out.String()) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
			}
			if errb.String() != want {
				t.Errorf("stderr after the login %q, want only the one line", errb.String())
			}
			if !ft.stopped {
				t.Errorf("the timer was not stopped")
			}
		})
	}
}

// No line, and no timer, when stderr is no terminal, when STS answers in
// time, or when no code was ever given.
func TestSlowSTSLineQuiet(t *testing.T) {
	t.Run("not a terminal", func(t *testing.T) {
		e := newEnv(t)
		e.standard(t, "myaccount")
		ft := withFakeTimer(t)
		r := cli(t, "--profile", "myaccount", "login", "--token-code", e.code(t, "myaccount"))
		if r.code != 0 || strings.Contains(r.stderr, "waiting") || ft.isArmed() {
			t.Errorf("exit %d, stderr %q, timer armed %v", r.code, r.stderr, ft.isArmed())
		}
	})
	t.Run("STS answers in time", func(t *testing.T) {
		e := newEnv(t)
		e.standard(t, "myaccount")
		withTTY(t)
		ft := withFakeTimer(t)
		var out, errb syncBuffer
		code := runContext(context.Background(), []string{"--profile", "myaccount", "login", "--token-code", e.code(t, "myaccount")}, strings.NewReader(""), &out, &errb)
		if code != 0 || strings.Contains(errb.String(), "waiting") || !ft.stopped {
			t.Errorf("exit %d, stderr %q, timer stopped %v", code, errb.String(), ft.stopped)
		}
		ft.f() // a timer that fires after the end says nothing
		if strings.Contains(errb.String(), "waiting") {
			t.Errorf("stderr %q", errb.String())
		}
	})
	t.Run("prompt canceled", func(t *testing.T) {
		e := newEnv(t)
		e.standard(t, "myaccount")
		withTTY(t)
		ft := withFakeTimer(t)
		withTerminal(t, newFakeTerm(""))
		r := cli(t, "--profile", "myaccount", "login")
		if r.code != 1 || ft.isArmed() {
			t.Errorf("exit %d, timer armed %v", r.code, ft.isArmed())
		}
	})
}
