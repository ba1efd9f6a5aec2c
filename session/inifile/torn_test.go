package inifile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The layout the AWS CLI rewrites in place: long-term sections around the
// one it changes.
const (
	tornOrig = "[alicePerm]\naws_access_key_id = AKIAALICE\naws_secret_access_key = s1\n\n" +
		"[upd0]\naws_session_token = OLD\n\n" +
		"[bobPerm]\naws_access_key_id = AKIABOB\naws_secret_access_key = s2\n"
	tornCLI = "[alicePerm]\naws_access_key_id = AKIAALICE\naws_secret_access_key = s1\n\n" +
		"[upd0]\naws_session_token = NEWVAL\n\n" +
		"[bobPerm]\naws_access_key_id = AKIABOB\naws_secret_access_key = s2\n"
)

// shortSettle makes the settle bound fit a unit test.
func shortSettle(t *testing.T, d time.Duration) {
	prev := settleTimeout
	settleTimeout = d
	t.Cleanup(func() { settleTimeout = prev })
}

// withoutLeases runs a test on the fallback that systems without read
// leases use (macOS, Windows, NFS, another user's file).
func withoutLeases(t *testing.T) {
	prev := noLeases
	noLeases = true
	t.Cleanup(func() { noLeases = prev })
}

func hook[T any](t *testing.T, h *T, fn T) {
	*h = fn
	t.Cleanup(func() { var zero T; *h = zero })
}

// leaseModes runs fn with leases (Linux) and on the fallback.
func leaseModes(t *testing.T, fn func(t *testing.T)) {
	if runtime.GOOS == "linux" {
		t.Run("lease", fn)
	}
	t.Run("compare", func(t *testing.T) { withoutLeases(t); fn(t) })
}

// TestCommitWaitsOutATruncatedFile is the race, in-process: the
// transaction read the whole file; then, just before our rename, the AWS
// CLI truncates the file and only writes it a few reads later. The
// writer must wait for the content, redo the edit on it and keep every
// section and the CLI's update.
func TestCommitWaitsOutATruncatedFile(t *testing.T) {
	leaseModes(t, func(t *testing.T) {
		shortSettle(t, 5*time.Second)
		path := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, path, tornOrig, 0o600)
		truncated := false
		hook(t, &beforeRename, func(target string) {
			if !truncated {
				truncated = true
				if err := os.Truncate(target, 0); err != nil {
					t.Error(err)
				}
			}
		})
		hook(t, &beforeRead, func(target string, n int) {
			if truncated && n == 3 { // the CLI's write lands at last
				if err := os.WriteFile(target, []byte(tornCLI), 0o600); err != nil {
					t.Error(err)
				}
			}
		})
		edits := 0
		err := Update(path, func(f *File) error {
			edits++
			return f.Set("alice", "aws_session_token", "SESSION")
		})
		if err != nil {
			t.Fatal(err)
		}
		got := readString(t, path)
		if want := tornCLI + "\n[alice]\naws_session_token = SESSION\n"; got != want {
			t.Errorf("file = %q\nwant %q", got, want)
		}
		if edits != 2 {
			t.Errorf("edit ran %d times; want 2 (once on the CLI's content)", edits)
		}
		noTemps(t, filepath.Dir(path), "credentials", "credentials.lock")
	})
}

// TestCommitRefusesAFileThatStaysTorn: the truncated file never comes
// back within the bound; the writer fails with a sentence and writes
// nothing (the empty file stays empty, no temp file stays).
func TestCommitRefusesAFileThatStaysTorn(t *testing.T) {
	leaseModes(t, func(t *testing.T) {
		shortSettle(t, 300*time.Millisecond)
		path := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, path, tornOrig, 0o600)
		hook(t, &beforeRename, func(target string) {
			os.WriteFile(target, []byte("[upd0]\naws_session_token = NEWVAL\n"), 0o600)
		})
		err := Update(path, setKey("alice", "aws_session_token", "SESSION"))
		if !errors.Is(err, ErrSectionLost) {
			t.Fatalf("error = %v; want ErrSectionLost", err)
		}
		if msg := err.Error(); strings.Count(msg, ". ") > 0 || !strings.Contains(msg, "wrote nothing") || !strings.Contains(msg, "[alicePerm]") && !strings.Contains(msg, "[bobPerm]") {
			t.Errorf("message is not one sentence naming the section: %q", msg)
		}
		if got := readString(t, path); got != "[upd0]\naws_session_token = NEWVAL\n" {
			t.Errorf("the writer wrote over the torn file: %q", got)
		}
		noTemps(t, filepath.Dir(path), "credentials", "credentials.lock")
	})
}

// TestCommitMayDropWhatItRemoves: a section the edit itself removes may
// be missing from a re-read; one it did not remove may not.
func TestCommitMayDropWhatItRemoves(t *testing.T) {
	leaseModes(t, func(t *testing.T) {
		shortSettle(t, 300*time.Millisecond)
		path := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, path, tornOrig+"\n[gone]\nk = 1\n", 0o600)
		once := false
		hook(t, &beforeRename, func(target string) {
			if !once { // another writer removes [gone] too
				once = true
				os.WriteFile(target, []byte(tornOrig), 0o600)
			}
		})
		err := Update(path, func(f *File) error {
			if _, err := f.Delete("gone", "k"); err != nil {
				return err
			}
			_, err := f.RemoveEmptySection("gone")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := readString(t, path); got != tornOrig {
			t.Errorf("file = %q; want %q", got, tornOrig)
		}
	})
}

// TestBeginWaitsForAWriterHoldingTheFile: with leases, a read while
// another program holds the file open for writing (the AWS CLI between
// its truncation and its write) waits for it to finish.
func TestBeginWaitsForAWriterHoldingTheFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("read leases are Linux only; elsewhere TestLoadRetriesSuspectReads covers the fallback")
	}
	shortSettle(t, 5*time.Second)
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, tornOrig, 0o600)
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	finish := func() {
		once.Do(func() {
			w.WriteString(tornCLI)
			w.Close()
		})
	}
	t.Cleanup(finish)
	hook(t, &beforeRead, func(_ string, n int) {
		if n == 3 {
			finish()
		}
	})
	tx, err := Begin(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if got := string(tx.File().Bytes()); got != tornCLI {
		t.Errorf("Begin read %q; want the writer's finished file", got)
	}
}

// TestLoadRetriesSuspectReads: on the fallback, a read that is empty and
// just written, shorter than the operation's last, or whose size changed
// while we read, is read again until two reads agree.
func TestLoadRetriesSuspectReads(t *testing.T) {
	withoutLeases(t)
	shortSettle(t, 5*time.Second)
	path := filepath.Join(t.TempDir(), "credentials")

	t.Run("empty and just written", func(t *testing.T) {
		prev := recentWrite
		recentWrite = time.Hour // "just" however slow this machine is
		t.Cleanup(func() { recentWrite = prev })
		writeFile(t, path, "", 0o600)
		hook(t, &beforeRead, func(target string, n int) {
			if n == 1 {
				os.WriteFile(target, []byte(tornOrig), 0o600)
			}
		})
		f, err := Load(path)
		if err != nil || string(f.Bytes()) != tornOrig {
			t.Errorf("Load = %q, %v; want the whole file", f.Bytes(), err)
		}
	})
	t.Run("an old empty file is just empty", func(t *testing.T) {
		writeFile(t, path, "", 0o600)
		old := time.Now().Add(-time.Hour)
		os.Chtimes(path, old, old)
		reads := 0
		hook(t, &beforeRead, func(string, int) { reads++ })
		if f, err := Load(path); err != nil || len(f.Bytes()) != 0 || reads != 1 {
			t.Errorf("Load = %q, %v after %d reads; want empty after one", f.Bytes(), err, reads)
		}
	})
	t.Run("size changed while reading", func(t *testing.T) {
		writeFile(t, path, tornOrig[:20], 0o600)
		grown := false
		hook(t, &midRead, func(target string) {
			if !grown {
				grown = true
				os.WriteFile(target, []byte(tornOrig), 0o600)
			}
		})
		f, err := Load(path)
		if err != nil || string(f.Bytes()) != tornOrig {
			t.Errorf("Load = %q, %v; want the whole file", f.Bytes(), err)
		}
	})
	t.Run("shorter than the last read", func(t *testing.T) {
		writeFile(t, path, tornOrig, 0o600)
		hook(t, &beforeRead, func(target string, n int) {
			switch n {
			case 0: // the CLI has written half of its new content
				os.WriteFile(target, []byte(tornCLI[:30]), 0o600)
			case 1:
				os.WriteFile(target, []byte(tornCLI), 0o600)
			}
		})
		prev := &snapshot{exists: true, data: []byte(tornOrig)}
		s, f, _, err := readSettled(context.Background(), path, readRules{prev: prev})
		if err != nil || string(f.Bytes()) != tornCLI || !s.exists {
			t.Errorf("read %q, %v; want the CLI's whole file", f.Bytes(), err)
		}
	})
}

// TestReuseNeedsProof: Begin takes an earlier Load's read only when the
// file provably did not change since; a same-size rewrite within the same
// timestamp tick is read again.
func TestReuseNeedsProof(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, tornOrig, 0o600)
	time.Sleep(2 * racyWindow) // the file's last change is now older than a tick, as a user's file is
	base, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	hook(t, &midRead, func(string) { reads++ })
	tx, err := Begin(context.Background(), path, Reusing(base))
	if err != nil {
		t.Fatal(err)
	}
	if tx.File() != base || reads != 0 {
		t.Errorf("an unchanged file was read again (%d reads)", reads)
	}
	tx.Close()

	// Rewritten with content of the same size just now: never reused.
	writeFile(t, path, tornCLI[:len(tornOrig)], 0o600)
	base, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte(tornOrig), 0o600) // same size, same tick maybe
	tx, err = Begin(context.Background(), path, Reusing(base))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if got := string(tx.File().Bytes()); got != tornOrig {
		t.Errorf("Begin reused a stale read: %q", got)
	}
}
