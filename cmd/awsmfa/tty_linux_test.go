//go:build linux

package main

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ttySession runs the binary on a real pseudo-terminal through util-linux
// script(1), so the /dev/tty prompt path, echo and Ctrl-C are the real ones.
type ttySession struct {
	t     *testing.T
	cmd   *exec.Cmd
	in    io.WriteCloser
	mu    sync.Mutex
	out   bytes.Buffer
	done  chan struct{}
	code  int
	start time.Time
}

func (s *ttySession) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.Write(p)
}

func (s *ttySession) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

func startTTY(t *testing.T, args ...string) *ttySession {
	t.Helper()
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) from util-linux is not installed")
	}
	line := shellQuote(binary(t))
	for _, a := range args {
		line += " " + shellQuote(a)
	}
	s := &ttySession{t: t, done: make(chan struct{})}
	s.cmd = exec.Command("script", "-qec", line, "/dev/null")
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	s.cmd.Stdout, s.cmd.Stderr = s, s
	in, err := s.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.in = in
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := s.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			s.code = ee.ExitCode()
		} else if err != nil {
			s.code = -1
		}
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// waitFor polls the terminal output until it shows want.
func (s *ttySession) waitFor(want string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(s.output(), want) {
		if time.Now().After(deadline) {
			s.t.Fatalf("terminal never showed %q; it shows:\n%s", want, s.output())
		}
		select {
		case <-s.done:
			if !strings.Contains(s.output(), want) {
				s.t.Fatalf("awsmfa exited %d without showing %q:\n%s", s.code, want, s.output())
			}
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (s *ttySession) send(keys string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, keys); err != nil {
		s.t.Fatal(err)
	}
}

// wait returns the exit code and everything the terminal showed.
func (s *ttySession) wait() (int, string) {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(60 * time.Second):
		s.t.Fatalf("awsmfa did not exit; terminal:\n%s", s.output())
	}
	return s.code, s.output()
}

func TestTTY(t *testing.T) {
	const prompt = "MFA code for myaccount (arn:aws:iam::123456789012:mfa/myaccount): "
	tests := []struct {
		name     string
		loggedIn bool     // log in first, so the session is active
		args     []string // CODE is replaced by a fresh code
		steps    []string // alternately: what to wait for, what to type
		code     int
		shows    string
		calls    int // STS calls made by this run
	}{
		{name: "code typed at the prompt", args: []string{"login"},
			steps: []string{prompt, "CODE\n"}, shows: "Logged in myaccount until ", calls: 1},
		{name: "Ctrl-C at the prompt", args: []string{"login"},
			steps: []string{prompt, "\x03"}, code: 130, shows: "awsmfa: canceled"},
		{name: "Ctrl-D at the prompt", args: []string{"login"},
			steps: []string{prompt, "\x04"}, code: 1, shows: "awsmfa: canceled"},
		{name: "renew: no", loggedIn: true, args: []string{"login", "--token-code", "CODE"},
			steps: []string{"Renew it? [y/N] ", "n\n"}, shows: "myaccount is still logged in for "},
		{name: "renew: yes, then prompt", loggedIn: true, args: []string{"login"},
			steps: []string{"Renew it? [y/N] ", "y\n", prompt, "CODE\n"}, shows: "Logged in myaccount until ", calls: 1},
		{name: "Ctrl-C at renew", loggedIn: true, args: []string{"login"},
			steps: []string{"Renew it? [y/N] ", "\x03"}, code: 130, shows: "awsmfa: canceled"},
	}
	binary(t) // build first: a slow build must not outlive the codes
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "myaccount")
			t.Setenv("AWS_PROFILE", "myaccount")
			if tt.loggedIn {
				login(t, e, "myaccount")
				e.nextStep()
			}
			before, calls := e.readCreds(t), e.calls()
			code := e.code(t, "myaccount")
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "CODE", code)
			}
			s := startTTY(t, args...)
			for i := 0; i+1 < len(tt.steps); i += 2 {
				s.waitFor(tt.steps[i])
				s.send(strings.ReplaceAll(tt.steps[i+1], "CODE", code))
			}
			got, out := s.wait()
			if got != tt.code || !strings.Contains(out, tt.shows) {
				t.Errorf("exit %d, want %d showing %q; terminal:\n%s", got, tt.code, tt.shows, out)
			}
			if n := e.calls() - calls; n != tt.calls {
				t.Errorf("%d STS calls, want %d", n, tt.calls)
			}
			if tt.calls == 0 && e.readCreds(t) != before {
				t.Errorf("the credentials file changed")
			}
			if tt.calls > 0 {
				assertSessionWritten(t, e, "myaccount")
			}
			e.assertNoSecrets(t, out)
		})
	}
}

// With a slow STS, the real terminal shows the one waiting line after the
// real two seconds, then the login line once STS answers.
func TestTTYSlowSTS(t *testing.T) {
	binary(t)
	e := newEnv(t)
	e.standard(t, "myaccount")
	addr, arrived, release := heldSTS(t, e.fake.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", addr)
	s := startTTY(t, "--profile", "myaccount", "login", "--token-code", e.code(t, "myaccount"))
	select {
	case <-arrived:
	case <-time.After(30 * time.Second):
		t.Fatalf("STS was never called; terminal:\n%s", s.output())
	}
	s.waitFor("awsmfa: waiting for STS at " + addr + " to answer...")
	release()
	code, out := s.wait()
	if code != 0 || !strings.Contains(out, "Logged in myaccount until ") || strings.Count(out, "waiting for") != 1 {
		t.Errorf("exit %d; terminal:\n%s", code, out)
	}
	assertSessionWritten(t, e, "myaccount")
}
