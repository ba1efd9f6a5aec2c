//go:build !windows

package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runExitStatus runs cmd and returns how it ended: its exit code, or the
// signal that killed it.
func runExitStatus(t *testing.T, cmd *exec.Cmd) (code int, sig syscall.Signal) {
	t.Helper()
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return -1, ws.Signal()
	}
	return ws.ExitStatus(), 0
}

// The real binary: exec becomes the command, so the command's exit status
// and signals are awsmfa's, and its environment holds the session.
func TestBinaryExec(t *testing.T) {
	bin := binary(t)
	e := newEnv(t)
	e.standard(t, "myaccount")
	login(t, e, "myaccount")
	s := lastSession(t, e)
	t.Setenv("AWS_PROFILE", "other")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIASTALESTALESTALE")

	t.Run("environment and exit status", func(t *testing.T) {
		cmd := exec.Command(bin, "exec", "-p", "myaccount", "--", "sh", "-c",
			`printf '%s|%s|%s|%s\n' "$AWS_ACCESS_KEY_ID" "${AWS_PROFILE-unset}" "$AWSMFA_PROFILE" "$AWS_CREDENTIAL_EXPIRATION"; exit 7`)
		out := &strings.Builder{}
		cmd.Stdout = out
		code, sig := runExitStatus(t, cmd)
		want := s.AccessKeyID + "|unset|myaccount|" + s.Expiration.UTC().Format(time.RFC3339) + "\n"
		if code != 7 || sig != 0 || out.String() != want {
			t.Errorf("exit %d (signal %v), stdout %q, want 7 and %q", code, sig, out.String(), want)
		}
	})
	t.Run("killed by a signal", func(t *testing.T) {
		code, sig := runExitStatus(t, exec.Command(bin, "exec", "-p", "myaccount", "--", "sh", "-c", "kill -TERM $$"))
		if sig != syscall.SIGTERM {
			t.Errorf("exit %d, signal %v; want death by SIGTERM, as the command died", code, sig)
		}
	})
	t.Run("a signal sent to awsmfa reaches the command", func(t *testing.T) {
		cmd := exec.Command(bin, "exec", "-p", "myaccount", "sh", "-c", `trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done`)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "ready\n" {
			cmd.Process.Kill()
			t.Fatalf("read %q, %v", line, err)
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.ExitStatus() != 42 {
			t.Errorf("exit %v, want 42 from the command's trap", err)
		}
	})
	t.Run("no command runs the user's shell", func(t *testing.T) {
		cmd := exec.Command(bin, "exec", "-p", "myaccount")
		cmd.Env = append(os.Environ(), "SHELL=/bin/sh")
		cmd.Stdin = strings.NewReader("echo \"in $AWSMFA_PROFILE\"; exit 5\n")
		out := &strings.Builder{}
		cmd.Stdout = out
		if code, _ := runExitStatus(t, cmd); code != 5 || out.String() != "in myaccount\n" {
			t.Errorf("exit %d, stdout %q", code, out.String())
		}
	})
	t.Run("the AWS CLI signs with the session", func(t *testing.T) {
		if _, err := exec.LookPath("aws"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("the AWS CLI is missing (scripts/setup-debian.sh installs awscli)")
			}
			t.Skip("the AWS CLI is not installed")
		}
		cmd := exec.Command(bin, "exec", "-p", "myaccount", "--", "aws", "sts", "get-caller-identity", "--output", "text", "--query", "Arn")
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "arn:aws:iam::123456789012:user/myaccount" {
			t.Fatalf("%v: %s", err, out)
		}
		last := e.fake.Calls()[len(e.fake.Calls())-1]
		if last.Action != "GetCallerIdentity" || last.AccessKeyID != s.AccessKeyID || !last.SessionToken {
			t.Errorf("the AWS CLI called %+v, want GetCallerIdentity with the session", last)
		}
	})
}
