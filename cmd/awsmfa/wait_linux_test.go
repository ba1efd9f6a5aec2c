package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
)

// noticeWriter is stderr that tells, once, when a line holding want has
// been written.
type noticeWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *noticeWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return n, err
}

func (w *noticeWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestCLISaysWhatItWaitsFor: while another program holds the credentials
// file open, truncated (the AWS CLI between its truncation and its write),
// the CLI says once on stderr what it waits for, instead of hanging
// silently; when that program finishes its write, the command goes on.
// Ctrl-C during such a wait ends it at once as a cancel.
func TestCLISaysWhatItWaitsFor(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "alice")
	whole := e.readCreds(t)
	note := "awsmfa: waiting for " + e.creds + ", which another program has open for writing\n"

	t.Run("the writer finishes", func(t *testing.T) {
		w, err := os.OpenFile(e.creds, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		stderr := &noticeWriter{want: note, seen: make(chan struct{})}
		go func() {
			<-stderr.seen
			w.WriteString(whole)
			w.Close()
		}()
		var stdout bytes.Buffer
		code := runContext(context.Background(), []string{"status"}, strings.NewReader(""), &stdout, stderr)
		if code != 0 {
			t.Fatalf("status: exit %d: %s", code, stderr)
		}
		if got := stderr.String(); got != note {
			t.Errorf("stderr = %q; want the one note %q", got, note)
		}
		if !strings.Contains(stdout.String(), "alice") {
			t.Errorf("stdout = %q; want alice's row", stdout.String())
		}
	})
	t.Run("Ctrl-C", func(t *testing.T) {
		w, err := os.OpenFile(e.creds, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stderr := &noticeWriter{want: note, seen: make(chan struct{})}
		go func() {
			<-stderr.seen
			cancel()
		}()
		code := runContext(ctx, []string{"--profile", "alice", "login", "--token-code", e.code(t, "alice")}, strings.NewReader(""), &bytes.Buffer{}, stderr)
		if code != exitInterrupt {
			t.Errorf("exit %d; want %d (interrupted): %s", code, exitInterrupt, stderr)
		}
		if got := stderr.String(); got != note+"awsmfa: canceled\n" {
			t.Errorf("stderr = %q; want the note, then canceled", got)
		}
		if e.calls() != 0 {
			t.Errorf("STS saw %d calls", e.calls())
		}
		w.WriteString(whole)
	})
}
