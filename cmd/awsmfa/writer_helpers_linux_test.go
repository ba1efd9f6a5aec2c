package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The writer's end-to-end tests (writer_*_test.go): the real binary, the
// real AWS CLI and real file-system states, against the STS fake.

// skipOrFail skips a case this machine cannot run, but fails it in CI
// (CI=true), where every case must run.
func skipOrFail(t *testing.T, format string, a ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+" (CI=true: this case must run here)", a...)
	}
	t.Skipf(format, a...)
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			skipOrFail(t, "%s is not installed (scripts/setup-debian.sh installs it)", tool)
		}
	}
}

// testUserName is the unprivileged user the root-only tests act as or for.
const testUserName = "awsmfa-test"

// account is a user the tests run the binary as, or own files as.
type account struct {
	uid, gid int
	name     string
}

var (
	userOnce sync.Once
	userAcct *account
	userErr  error
)

// otherUser returns the test's second user, creating it with useradd when
// running as root. Outside root it skips (fails in CI).
func otherUser(t *testing.T) *account {
	t.Helper()
	if os.Geteuid() != 0 {
		skipOrFail(t, "needs root to act for a second user")
	}
	userOnce.Do(func() {
		if _, err := user.Lookup(testUserName); err != nil {
			out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", testUserName).CombinedOutput()
			if err != nil {
				userErr = errors.New("useradd " + testUserName + ": " + err.Error() + ": " + string(out))
				return
			}
		}
		u, err := user.Lookup(testUserName)
		if err != nil {
			userErr = err
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		userAcct = &account{uid: uid, gid: gid, name: u.Username}
	})
	if userErr != nil {
		t.Fatal(userErr)
	}
	return userAcct
}

// unprivileged is who a test about permissions runs the binary as: the
// second user when we are root (root ignores permission bits), else
// ourselves (nil).
func unprivileged(t *testing.T) *account {
	t.Helper()
	if os.Geteuid() != 0 {
		return nil
	}
	return otherUser(t)
}

// moveEnv puts e's files into a fresh folder that acct (nil: us) owns and
// can reach, outside the test's own 0700 temp folder, and points the
// environment at it.
func moveEnv(t *testing.T, e *testEnv, acct *account) {
	t.Helper()
	home, err := os.MkdirTemp("", "awsmfa-writer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command("chattr", "-R", "-i", home).Run()
		os.RemoveAll(home)
	})
	aws := filepath.Join(home, ".aws")
	if err := os.Mkdir(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{e.cfg, e.creds} {
		if b, err := os.ReadFile(p); err == nil {
			if err := os.WriteFile(filepath.Join(aws, filepath.Base(p)), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.dir, e.cfg, e.creds = home, filepath.Join(aws, "config"), filepath.Join(aws, "credentials")
	if acct != nil {
		for _, p := range []string{home, aws, e.cfg, e.creds} {
			if err := os.Lchown(p, acct.uid, acct.gid); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
		}
		// The binary's folder, so acct can run it.
		if err := os.Chmod(filepath.Dir(binary(t)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", e.cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.creds)
}

// binCmd is the built binary with args, detached from the terminal, run
// as acct when it is not nil.
func binCmd(t *testing.T, acct *account, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	detach(cmd)
	if acct != nil {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(acct.uid), Gid: uint32(acct.gid)}
	}
	return cmd
}

// runWithin runs cmd and fails the test if it has not exited by the
// deadline: the writer must never hang.
func runWithin(t *testing.T, cmd *exec.Cmd, d time.Duration) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not exit within %s (it hangs)\nstderr: %s", strings.Join(cmd.Args, " "), d, errb.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

// oneSentence checks a failure's stderr: one "awsmfa: " line, no raw
// chain of Go error prefixes, nothing about another awsmfa when that is
// not the cause.
func oneSentence(t *testing.T, stderr string, mustSay ...string) {
	t.Helper()
	if !strings.HasPrefix(stderr, "awsmfa: ") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr is not one line: %q", stderr)
	}
	for _, raw := range []string{": open ", ": read ", ": stat ", ": lstat ", "(is another awsmfa writing?)", "context "} {
		if strings.Contains(stderr, raw) {
			t.Errorf("stderr holds a raw error chain (%q): %q", raw, stderr)
		}
	}
	for _, s := range mustSay {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr does not say %q: %q", s, stderr)
		}
	}
}

// getSessionTokenCalls counts the GetSessionToken calls STS saw.
func getSessionTokenCalls(e *testEnv) int {
	n := 0
	for _, c := range e.fake.Calls() {
		if c.Action == "GetSessionToken" {
			n++
		}
	}
	return n
}

// stsGate holds each STS request until the test opens the gate, and says
// when one arrives: the test decides when STS answers, instead of a delay.
type stsGate struct {
	arrived chan struct{}
	open    chan struct{}
	once    sync.Once
}

// gateSTS puts a gate in front of e's fake and points the binary at it.
func gateSTS(t *testing.T, e *testEnv) *stsGate {
	t.Helper()
	g := &stsGate{arrived: make(chan struct{}, 16), open: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case g.arrived <- struct{}{}:
		default:
		}
		select {
		case <-g.open:
		case <-r.Context().Done():
			return
		}
		e.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(g.release) // before Close, so no handler waits forever
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	return g
}

func (g *stsGate) release() { g.once.Do(func() { close(g.open) }) }

// waitFor polls cond until it holds, failing at the deadline: an upper
// bound on waiting for a real event, never a timing assertion.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(2 * time.Millisecond):
		}
	}
}
