package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
)

// binVersion is stamped into the test binary to prove -ldflags -X works.
const binVersion = "v9.9.9-test"

var (
	buildEnv []string // set by TestMain
	binDir   string
	binPath  string
	binErr   error
	binBuild sync.Once
)

// binary builds awsmfa once per test run. Where no go command can run
// (the Windows tests under wine), AWSMFA_TEST_BIN_DIR holds one built with
// the same -X flag (scripts/wine/gotest.sh).
func binary(t *testing.T) string {
	t.Helper()
	binBuild.Do(func() {
		name := "awsmfa"
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		if dir := os.Getenv("AWSMFA_TEST_BIN_DIR"); dir != "" {
			binPath = filepath.Join(dir, name)
			return
		}
		binDir, binErr = os.MkdirTemp("", "awsmfa-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, name)
		cmd := exec.Command("go", "build", "-o", binPath, "-ldflags", "-X main.version="+binVersion, ".")
		cmd.Env = buildEnv
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			binErr = &buildError{err, out.String()}
		}
	})
	if binErr != nil {
		t.Fatalf("build awsmfa: %v", binErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

func TestBinaryVersion(t *testing.T) {
	var out bytes.Buffer
	_, err := wine.Run(t, func() *exec.Cmd {
		cmd := exec.Command(binary(t), "version")
		out.Reset()
		cmd.Stdout, cmd.Stderr = &out, &out
		return cmd
	})
	if err != nil || out.String() != "awsmfa "+binVersion+"\n" {
		t.Errorf("version: %v, %q", err, out.String())
	}
}

// runBin runs the built binary with the test's environment, stdin from
// stdin, and no controlling terminal.
func runBin(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	_, err := wine.Run(t, func() *exec.Cmd {
		cmd := exec.Command(binary(t), args...)
		cmd.Stdin = strings.NewReader(stdin)
		out.Reset()
		errb.Reset()
		cmd.Stdout, cmd.Stderr = &out, &errb
		detach(cmd)
		return cmd
	})
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("run awsmfa: %v", err)
		}
		code = ee.ExitCode()
	}
	return result{code, out.String(), errb.String()}
}

// With no terminal and no --token-code, login says to pass one, even when
// stdin holds a code: it never reads codes from a pipe.
func TestBinaryNoTerminal(t *testing.T) {
	for _, stdin := range []string{"", "123456\n"} {
		e := newEnv(t)
		e.standard(t, "myaccount")
		t.Setenv("AWS_PROFILE", "myaccount")
		before := e.readCreds(t)
		r := runBin(t, stdin, "login")
		if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "awsmfa: ") || !strings.HasSuffix(r.stderr, "pass --token-code\n") {
			t.Errorf("stdin %q: exit %d, stdout %q, stderr %q", stdin, r.code, r.stdout, r.stderr)
		}
		if e.calls() != 0 || e.readCreds(t) != before {
			t.Errorf("stdin %q: STS was called or the file changed", stdin)
		}
	}
}

// The login line shows the expiry in the user's zone (TZ), not UTC.
func TestBinaryLocalTime(t *testing.T) {
	const zone = "Asia/Kolkata" // +05:30: a half-hour offset catches more
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	binary(t) // build first: a slow build must not outlive the code
	e := newEnv(t)
	e.standard(t, "myaccount")
	if runtime.GOOS == "windows" {
		// Go reads no TZ on Windows: the zone is the system's, which the
		// binary shares with this test.
		loc = time.Local
	} else {
		t.Setenv("TZ", zone)
	}
	r := runBin(t, "", "--profile", "myaccount", "login", "--token-code", e.code(t, "myaccount"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s := lastSession(t, e)
	want := "Logged in myaccount until " + s.Expiration.In(loc).Format("2006-01-02 15:04 MST") + " (12h0m)\n"
	if r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if !strings.Contains(section(e.readCreds(t), "myaccount"), "expiration = "+s.Expiration.UTC().Format(time.RFC3339)+"\n") {
		t.Errorf("the file's expiration is not RFC 3339 UTC")
	}
}

// Two processes log in 50 profiles each at the same time into the same
// files: no session is lost and no long-term section changes by a byte.
func TestBinaryConcurrentLogins(t *testing.T) {
	const workers, perWorker = 2, 50
	bin := binary(t)
	e := newEnv(t)
	var cfg, creds strings.Builder
	var names []string
	longTerm := map[string]string{} // profile -> its exact long-term section text
	for i := 0; i < workers*perWorker; i++ {
		p := fmt.Sprintf("p%03d", i)
		names = append(names, p)
		u := e.addUser(p)
		cfg.WriteString("[profile " + p + "]\nmfa_serial = " + u.MFASerial + "\nregion = eu-west-1\n\n")
		// Odd but valid spellings that a rewriting writer would normalise.
		block := fmt.Sprintf("[%sPerm]\n# long-term key of %s ; keep me\naws_access_key_id=%s\naws_secret_access_key   =   %s\nx_note: %d  \n\n",
			p, p, u.AccessKeyID, u.SecretAccessKey, i)
		longTerm[p] = block
		creds.WriteString(block)
	}
	e.write(t, cfg.String(), creds.String())

	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(mine []string) {
			defer wg.Done()
			for _, p := range mine {
				code, err := totp.Code(e.users[p].TOTPSecret, e.clock.Now())
				if err != nil {
					errs <- err
					return
				}
				var out bytes.Buffer
				_, err = wine.Run(t, func() *exec.Cmd {
					cmd := exec.Command(bin, "--profile", p, "login", "--token-code", code)
					detach(cmd)
					out.Reset()
					cmd.Stdout, cmd.Stderr = &out, &out
					return cmd
				})
				if err != nil || !loggedIn.Match(out.Bytes()) {
					errs <- fmt.Errorf("login %s: %v: %s", p, err, out.Bytes())
				}
			}
		}(names[w*perWorker : (w+1)*perWorker])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	final := e.readCreds(t)
	byUser := map[string]stsfake.Session{}
	for _, s := range e.fake.IssuedSessions() {
		byUser[s.UserAccessKeyID] = s
	}
	if len(byUser) != len(names) {
		t.Errorf("the fake issued sessions to %d users, want %d", len(byUser), len(names))
	}
	for _, p := range names {
		s, ok := byUser[e.users[p].AccessKeyID]
		if !ok {
			continue
		}
		if got := strings.Count(final, "["+p+"]\n"); got != 1 {
			t.Errorf("[%s] appears %d times", p, got)
		}
		if !strings.Contains(section(final, p), "aws_session_token = "+s.SessionToken+"\n") {
			t.Errorf("[%s] lost its session", p)
		}
		if !strings.Contains(final, longTerm[p]) {
			t.Errorf("[%sPerm] is no longer byte-identical", p)
		}
	}
	if readFile(t, e.cfg) != cfg.String() {
		t.Errorf("logins changed the config file")
	}
	// Nothing but the two files and the lock may be left in the folder.
	entries, err := os.ReadDir(filepath.Dir(e.creds))
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if n := en.Name(); n != "config" && n != "credentials" && !strings.Contains(n, "lock") {
			t.Errorf("left behind: %s", n)
		}
	}
}
