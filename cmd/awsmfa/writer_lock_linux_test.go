package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// TestBinaryNoCodeSpentOnAWriteThatCannotHappen: with a folder that is
// not writable, an immutable file or folder (chattr +i), or a lock file
// that cannot be opened, login fails before STS sees the code, with one
// sentence that says what to fix, and the file is as it was.
func TestBinaryNoCodeSpentOnAWriteThatCannotHappen(t *testing.T) {
	tests := []struct {
		name    string
		root    bool // needs root (chattr), runs the binary as root
		breakIt func(t *testing.T, e *testEnv)
		say     []string
	}{
		{
			name: "read-only folder",
			breakIt: func(t *testing.T, e *testEnv) {
				if err := os.Chmod(filepath.Dir(e.creds), 0o500); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(filepath.Dir(e.creds), 0o700) })
			},
			say: []string{"is not writable by you", filepath.Join(".aws")},
		},
		{
			name: "lock file that cannot be opened",
			breakIt: func(t *testing.T, e *testEnv) {
				lock := e.creds + ".lock"
				if err := os.WriteFile(lock, nil, 0o600); err != nil {
					t.Fatal(err)
				}
				if os.Geteuid() == 0 {
					os.Chown(lock, 0, 0) // left by "sudo awsmfa" of an older version
				} else {
					os.Chmod(lock, 0)
				}
			},
			say: []string{"cannot open the lock file", "not writable by you"},
		},
		{
			name: "immutable file",
			root: true,
			breakIt: func(t *testing.T, e *testEnv) {
				chattr(t, "+i", e.creds)
			},
			say: []string{"immutable", "chattr -i"},
		},
		{
			name: "immutable folder",
			root: true,
			breakIt: func(t *testing.T, e *testEnv) {
				chattr(t, "+i", filepath.Dir(e.creds))
			},
			say: []string{"immutable", "chattr -i"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var acct *account
			if tt.root {
				if os.Geteuid() != 0 {
					skipOrFail(t, "chattr +i needs root")
				}
			} else {
				acct = unprivileged(t)
			}
			e := newEnv(t)
			e.standard(t, "alice")
			moveEnv(t, e, acct)
			before := e.readCreds(t)
			tt.breakIt(t, e)
			r := runWithin(t, binCmd(t, acct, "--profile", "alice", "login", "--token-code", e.code(t, "alice")), 30*time.Second)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", r.code, r.stderr)
			}
			t.Logf("stderr: %s", r.stderr)
			oneSentence(t, r.stderr, tt.say...)
			if n := getSessionTokenCalls(e); n != 0 {
				t.Errorf("STS saw %d GetSessionToken calls: the MFA code was spent on a write that could not happen", n)
			}
			if got := e.readCreds(t); got != before {
				t.Errorf("the credentials file changed")
			}
			e.assertNoSecrets(t, r.stdout, r.stderr)
		})
	}
}

func chattr(t *testing.T, flag, path string) {
	t.Helper()
	needTools(t, "chattr")
	if out, err := exec.Command("chattr", flag, path).CombinedOutput(); err != nil {
		t.Skipf("this file system has no chattr flags: %s", out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", "-a", path).Run() })
}

// TestBinaryCtrlCWhileWaitingForTheLock: another process holds the lock;
// Ctrl-C stops awsmfa's wait at once (exit 130) and, since the lock comes
// before STS, no code was spent.
func TestBinaryCtrlCWhileWaitingForTheLock(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "alice")
	before := e.readCreds(t)
	holder := flock.New(e.creds + ".lock")
	if err := holder.Lock(); err != nil {
		t.Fatal(err)
	}
	defer holder.Unlock()

	cmd := binCmd(t, nil, "--profile", "alice", "login", "--token-code", e.code(t, "alice"))
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// awsmfa waits with the lock file open: that is the moment to press Ctrl-C.
	waitFor(t, "awsmfa to wait for the lock", 30*time.Second, func() bool {
		select {
		case err := <-done:
			t.Fatalf("awsmfa exited before waiting for the lock: %v: %s", err, errb.String())
		default:
		}
		return hasOpen(cmd.Process.Pid, e.creds+".lock")
	})
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second): // far below the 30 s lock timeout
		cmd.Process.Kill()
		t.Fatal("awsmfa kept waiting for the lock after Ctrl-C")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit %v, want 130", err)
	}
	if errb.String() != "awsmfa: canceled\n" {
		t.Errorf("stderr %q, want \"awsmfa: canceled\"", errb.String())
	}
	if n := getSessionTokenCalls(e); n != 0 {
		t.Errorf("STS saw %d GetSessionToken calls before the lock was taken", n)
	}
	if e.readCreds(t) != before {
		t.Errorf("the credentials file changed")
	}
}

// hasOpen reports whether process pid has path open.
func hasOpen(pid int, path string) bool {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, en := range entries {
		if l, err := os.Readlink(filepath.Join(dir, en.Name())); err == nil && l == path {
			return true
		}
	}
	return false
}
