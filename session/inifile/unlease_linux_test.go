package inifile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openForWriting opens path for writing the way the AWS CLI does, but
// without blocking: a read lease anyone holds on it fails the open with
// EWOULDBLOCK at once (and starts breaking the lease) instead of holding
// the caller up until the lease is let go.
func openForWriting(path string) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_APPEND|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}

// TestUnleaseFreesTheFileForOtherWriters: a Tx holds a read lease from
// Begin, which a writer without a lock must wait on, and a process that is
// stopped (SIGSTOP) never lets go of (here: the watcher never looks).
// After Unlease, such a writer opens the file at once while the lock stays
// held, and Commit reads the file again, keeping what that writer wrote.
func TestUnleaseFreesTheFileForOtherWriters(t *testing.T) {
	prev := leasePoll
	leasePoll = time.Hour // a stopped process: nobody answers the break
	t.Cleanup(func() { leasePoll = prev })
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, tornOrig, 0o600)
	ctx := context.Background()

	held, err := Begin(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if w, err := openForWriting(path); !errors.Is(err, unix.EWOULDBLOCK) {
		w.Close()
		t.Fatalf("open for writing beside a fresh Tx: %v; want EWOULDBLOCK (Begin took no lease, so this test proves nothing)", err)
	}
	held.Close()

	tx, err := Begin(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	tx.Unlease()
	w, err := openForWriting(path)
	if err != nil {
		t.Fatalf("open for writing after Unlease: %v; want it open at once", err)
	}
	const theirs = "\n[carol]\naws_session_token = NEWVAL\n"
	if _, err := w.WriteString(theirs); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := tx.Commit(ctx, setKey("alice", "aws_session_token", "SESSION")); err != nil {
		t.Fatal(err)
	}
	if got, want := readString(t, path), tornOrig+theirs+"\n[alice]\naws_session_token = SESSION\n"; got != want {
		t.Errorf("file = %q; want %q (the other writer's change kept)", got, want)
	}
}
