package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"time"
)

// MFAProcessTimeout bounds one run of mfa_process: long enough to find and
// touch a hardware key, short enough that nothing hangs.
const MFAProcessTimeout = 60 * time.Second

// touchAfter is how long mfa_process may run before we say it waits for a
// touch of the key.
const touchAfter = time.Second

// mfaProcess is the command that prints the MFA code for p (aws-vault's
// mfa_process): in the config of X, else of L, beside mfa_serial.
func (f *awsFiles) mfaProcess(p Profile) string {
	for _, n := range []string{p.Name, p.LongTerm} {
		if v, ok := f.cfgGet(n, "mfa_process"); ok {
			return v
		}
	}
	return ""
}

// shellCommand runs cmd the way the SDKs run credential_process.
func shellCommand(ctx context.Context, cmd string) *exec.Cmd {
	if runtime.GOOS == "windows" {
		return exec.CommandContext(ctx, "cmd.exe", "/C", cmd)
	}
	return exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
}

// runMFAProcess runs mfa_process of profile and returns what it printed,
// normalised. The output is used once and never logged or quoted: errors
// say only that it was not a code. touch, when set, is called once the
// command has run for touchAfter, and its stop when it ends.
func runMFAProcess(ctx context.Context, profile, cmd string, stderr io.Writer, touch func(profile string) func()) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, MFAProcessTimeout)
	defer cancel()
	c := shellCommand(ctx, cmd)
	var out limitedBuffer
	c.Stdout = &out
	if stderr != nil {
		c.Stderr = stderr
	}
	c.WaitDelay = time.Second // a child that keeps the pipe open cannot hold us
	if err := c.Start(); err != nil {
		return "", fmt.Errorf("run mfa_process of %s: %w", profile, err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	var stop func()
	var err error
	timer := time.NewTimer(touchAfter)
	select {
	case err = <-done:
		timer.Stop()
	case <-timer.C:
		if touch != nil {
			stop = touch(profile)
		}
		err = <-done
	}
	if stop != nil {
		stop()
	}
	code := NormalizeCode(out.String())
	out.wipe()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return "", fmt.Errorf("mfa_process of %s gave no code within %s", profile, MFAProcessTimeout)
	case errors.Is(ctx.Err(), context.Canceled):
		return "", ErrCanceled
	case err != nil:
		return "", fmt.Errorf("mfa_process of %s failed (%v): run it by hand to see why", profile, err)
	case ValidateTokenCode(code) != nil:
		return "", fmt.Errorf("mfa_process of %s did not print a 6-digit code: run it by hand to check it", profile)
	}
	return code, nil
}

// limitedBuffer keeps the first 4 KiB a command prints: a code is 6 digits.
type limitedBuffer struct{ b bytes.Buffer }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - l.b.Len(); room > 0 {
		if len(p) > room {
			l.b.Write(p[:room])
		} else {
			l.b.Write(p)
		}
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return l.b.String() }

func (l *limitedBuffer) wipe() {
	b := l.b.Bytes()
	for i := range b {
		b[i] = 0
	}
	l.b.Reset()
}
