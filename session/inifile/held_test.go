package inifile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A file another program holds open for writing: either the AWS CLI
// caught between its truncation and its write (empty, never to be
// trusted), or an editor or a shell's "exec 3>>" that changes nothing
// (whole, trusted once it has stayed so for a moment).

// holdOpen opens path for writing (flag adds O_TRUNC or O_APPEND) until
// the test ends, as another program would.
func holdOpen(t *testing.T, path string, flag int) {
	t.Helper()
	w, err := os.OpenFile(path, os.O_WRONLY|flag, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
}

// justEmptied keeps an empty file "just written" on the fallback however
// slow this machine is.
func justEmptied(t *testing.T) {
	prev := recentWrite
	recentWrite = time.Hour
	t.Cleanup(func() { recentWrite = prev })
}

// TestUpdateRefusesAFileHeldEmpty is the review's in-process reproduction:
// another program has truncated the file and holds it open for writing
// (with leases, the kernel says so; without, the file was emptied just
// now) for longer than the settle bound. The write must fail with a
// sentence, write nothing and keep the empty file as the other program
// left it; before, it was trusted as an empty file and replaced by one
// holding only our section.
func TestUpdateRefusesAFileHeldEmpty(t *testing.T) {
	leaseModes(t, func(t *testing.T) {
		shortSettle(t, 300*time.Millisecond)
		justEmptied(t)
		path := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, path, tornOrig, 0o600)
		holdOpen(t, path, os.O_TRUNC)
		err := Update(path, setKey("alice", "aws_session_token", "SESSION"))
		if !errors.Is(err, ErrUnsettled) {
			t.Fatalf("error = %v; want ErrUnsettled", err)
		}
		var e *Error
		if !errors.As(err, &e) || e.Path != path {
			t.Errorf("error %v is not the writer's sentence naming %s", err, path)
		}
		if got := readString(t, path); got != "" {
			t.Errorf("the writer wrote over the torn file: %q", got)
		}
		noTemps(t, filepath.Dir(path), "credentials", "credentials.lock")
	})
}

// TestLoadRefusesAFileHeldEmpty: a read alone (status, the first read of a
// login) never takes a torn file for an empty one, and is the CLI's
// content once that lands, however long after two empty reads agree.
func TestLoadRefusesAFileHeldEmpty(t *testing.T) {
	leaseModes(t, func(t *testing.T) {
		justEmptied(t)
		path := filepath.Join(t.TempDir(), "credentials")

		t.Run("never written", func(t *testing.T) {
			shortSettle(t, 300*time.Millisecond)
			writeFile(t, path, tornOrig, 0o600)
			holdOpen(t, path, os.O_TRUNC)
			f, err := Load(path)
			if !errors.Is(err, ErrUnsettled) || len(f.Bytes()) != 0 {
				t.Fatalf("Load = %q, %v; want ErrUnsettled", f.Bytes(), err)
			}
		})
		t.Run("written after a while", func(t *testing.T) {
			shortSettle(t, 5*time.Second)
			writeFile(t, path, tornOrig, 0o600)
			w, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			hook(t, &beforeRead, func(_ string, n int) {
				if n == 5 { // well after two empty reads agreed
					w.WriteString(tornCLI)
					w.Close()
				}
			})
			f, err := Load(path)
			if err != nil || string(f.Bytes()) != tornCLI {
				t.Errorf("Load = %q, %v; want the writer's finished file", f.Bytes(), err)
			}
		})
	})
}

// TestBeginNeedsWhatItsLoadSaw: a login Loads the file, then Begins on
// that read (Reusing), needing the sections that hold long-term keys. A
// Begin that then finds the file cut short must not take it, whatever the
// lease says: those sections must be back before anything is written, or
// the write fails with a sentence. A section it does not need (a session
// another awsmfa logged out meanwhile) may go.
func TestBeginNeedsWhatItsLoadSaw(t *testing.T) {
	leaseModes(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "credentials")
		t.Run("cut short", func(t *testing.T) {
			shortSettle(t, 300*time.Millisecond)
			writeFile(t, path, tornOrig, 0o600)
			base, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			// The other program truncated it and went away without writing
			// (or is stalled): the lease is granted on an empty file, and
			// without leases the empty file is old enough to be trusted.
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-time.Hour)
			os.Chtimes(path, old, old)
			err = UpdateContext(context.Background(), path, setKey("alice", "aws_session_token", "SESSION"), Reusing(base), Needing("alicePerm", "bobPerm"))
			if !errors.Is(err, ErrSectionLost) {
				t.Fatalf("error = %v; want ErrSectionLost", err)
			}
			if got := readString(t, path); got != "" {
				t.Errorf("the writer wrote over the cut-short file: %q", got)
			}
		})
		t.Run("a section not needed removed", func(t *testing.T) {
			shortSettle(t, time.Hour) // within gives up long before
			writeFile(t, path, tornOrig, 0o600)
			base, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			without := strings.Replace(tornOrig, "[upd0]\naws_session_token = OLD\n\n", "", 1)
			writeFile(t, path, without, 0o600)
			err = within(t, "an Update after another writer's removal", func() error {
				return UpdateContext(context.Background(), path, setKey("alice", "aws_session_token", "SESSION"), Reusing(base), Needing("alicePerm", "bobPerm"))
			})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := readString(t, path), without+"\n[alice]\naws_session_token = SESSION\n"; got != want {
				t.Errorf("file = %q; want %q", got, want)
			}
		})
	})
}

// TestHeldFileIsReadWhenQuiet: a file that another program holds open for
// writing without changing it (an editor, "exec 3>>credentials") is read
// once it has stayed the same a moment, not after the whole bound (here
// an hour, which the test would never see end: within gives up after
// 20 s); a write then keeps every
// byte and adds our change, and no notice is given for a wait that short.
func TestHeldFileIsReadWhenQuiet(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only leases see a program holding the file open; elsewhere such a file reads as any other")
	}
	shortSettle(t, time.Hour)
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, tornOrig, 0o600)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(path, old, old)
	holdOpen(t, path, os.O_APPEND)
	var notices atomic.Int32
	ctx := WithWaitNotice(context.Background(), func(string) { notices.Add(1) })
	err := within(t, "a read of a quiet held file", func() error {
		f, err := LoadContext(ctx, path)
		if err != nil || string(f.Bytes()) != tornOrig {
			t.Errorf("Load = %q, %v; want the file", f.Bytes(), err)
		}
		return UpdateContext(ctx, path, setKey("alice", "aws_session_token", "SESSION"), Reusing(f))
	})
	if err != nil {
		t.Errorf("Update: %v", err)
	}
	if got, want := readString(t, path), tornOrig+"\n[alice]\naws_session_token = SESSION\n"; got != want {
		t.Errorf("file = %q; want %q", got, want)
	}
	if n := notices.Load(); n != 0 {
		t.Errorf("%d wait notices for a quiet file", n)
	}
}

// TestWaitNoticeForAFileHeldEmpty: waiting for a file another program
// holds open (and empty) is said once, with the file's path, about a
// second into the wait; the wait still ends at the bound with a sentence.
func TestWaitNoticeForAFileHeldEmpty(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only leases see a program holding the file open")
	}
	shortSettle(t, heldQuiet+2*time.Second)
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, tornOrig, 0o600)
	holdOpen(t, path, os.O_TRUNC)
	var said []string
	ctx := WithWaitNotice(context.Background(), func(p string) { said = append(said, p) })
	_, err := LoadContext(ctx, path)
	if !errors.Is(err, ErrUnsettled) {
		t.Fatalf("error = %v; want ErrUnsettled", err)
	}
	if len(said) != 1 || said[0] != path {
		t.Errorf("wait notices %q; want one for %s", said, path)
	}
}

// TestOneBoundPerOperation: the reads of one operation share the settle
// bound. Once a Load has waited it out, a later read of the operation that
// cannot be trusted at once fails after a single read instead of waiting
// a bound of its own.
func TestOneBoundPerOperation(t *testing.T) {
	withoutLeases(t)
	justEmptied(t)
	shortSettle(t, 200*time.Millisecond)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	writeFile(t, a, "", 0o600)
	writeFile(t, b, "", 0o600)
	ctx := Operation(context.Background())
	if _, err := LoadContext(ctx, a); !errors.Is(err, ErrUnsettled) {
		t.Fatalf("first Load: %v; want ErrUnsettled", err)
	}
	reads := 0
	hook(t, &beforeRead, func(string, int) { reads++ })
	if err := UpdateContext(ctx, b, setKey("x", "k", "v")); !errors.Is(err, ErrUnsettled) {
		t.Fatalf("Update in the same operation: %v; want ErrUnsettled", err)
	}
	if reads != 1 {
		t.Errorf("the second read of the operation read %d times; want once (no bound left)", reads)
	}
	if Operation(ctx) != ctx {
		t.Error("Operation of an operation is a new one")
	}
}
