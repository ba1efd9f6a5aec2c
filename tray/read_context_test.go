package tray

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// watchedRead is the real core, read the tray's way (readFiles), telling
// the test when the read waits for a file another program holds open and
// how it ended.
type watchedRead struct {
	*session.Manager
	waiting chan string
	ended   chan error
}

func (c *watchedRead) SnapshotAndKeysContext(ctx context.Context) (session.Snapshot, []session.KeyLocation, error) {
	ctx = session.WithWaitNotice(ctx, func(path string) {
		select {
		case c.waiting <- path:
		default:
		}
	})
	s, k, err := readFiles(ctx, c.Manager)
	c.ended <- err
	return s, k, err
}

// Quit ends a read that waits for a credentials file another program has
// emptied and holds open for writing (the AWS CLI between its truncate
// and its write): the read runs under the app's context, and the core
// gives it up as a cancel instead of waiting out its 10 s bound.
func TestQuitEndsAReadWaitingForATornFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only leases see a program holding the file open, which the wait notice (the test's cue to quit) is about")
	}
	dir := t.TempDir()
	cfg, cred := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfg, []byte("[profile myaccountPerm]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cred, []byte("[myaccountPerm]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = not-a-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	held, err := os.OpenFile(cred, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { held.Close() })
	t.Setenv("HOME", dir)
	core := &watchedRead{
		Manager: session.New(session.Config{ConfigFile: cfg, CredentialsFile: cred, CacheDir: filepath.Join(dir, "cache")}),
		waiting: make(chan string, 1), ended: make(chan error, 8),
	}
	h := newHarness(t)
	h.launch(func(c *Config) { c.Core = core; c.Clock = session.SystemClock{}; c.Location = time.Local })
	select {
	case p := <-core.waiting:
		if p != cred {
			t.Errorf("waiting for %s, want %s", p, cred)
		}
	case err := <-core.ended:
		t.Fatalf("the read ended (%v) without waiting for the held file", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the read never waited for the held file")
	}
	h.click("quit")
	select {
	case err := <-core.ended:
		if !errors.Is(err, session.ErrCanceled) {
			t.Errorf("the read ended with %v, want a cancel (Quit)", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the read did not end after Quit")
	}
}
