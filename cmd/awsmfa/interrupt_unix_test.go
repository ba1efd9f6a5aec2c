//go:build !windows

package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C (SIGINT) or SIGTERM while STS is slow to answer ends the login at
// once: exit 130, "canceled", and the credentials file as it was.
func TestBinaryInterruptDuringSTS(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			bin := binary(t)
			e := newEnv(t)
			e.standard(t, "myaccount")
			before := e.readCreds(t)
			// An STS endpoint that never answers, and says when a call arrives.
			arrived, release := make(chan struct{}, 1), make(chan struct{})
			stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// Read the body so the server notices when the client hangs up.
				io.Copy(io.Discard, r.Body)
				select {
				case arrived <- struct{}{}:
				default:
				}
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			t.Cleanup(stall.Close)
			t.Cleanup(func() { close(release) }) // runs before Close
			t.Setenv("AWS_ENDPOINT_URL_STS", stall.URL)

			cmd := exec.Command(bin, "--profile", "myaccount", "login", "--token-code", "123456")
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			detach(cmd)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-arrived:
			case err := <-done:
				t.Fatalf("awsmfa exited before calling STS: %v\n%s", err, errb.String())
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatal("awsmfa never called STS")
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("awsmfa did not stop after the signal")
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Errorf("exit %v, want 130", err)
			}
			if errb.String() != "awsmfa: canceled\n" || out.String() != "" {
				t.Errorf("stdout %q, stderr %q; want only \"awsmfa: canceled\"", out.String(), errb.String())
			}
			if e.readCreds(t) != before {
				t.Errorf("the credentials file changed")
			}
		})
	}
}
