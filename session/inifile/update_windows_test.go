package inifile

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// TestReplaceFileRetriesWhileHeldOpen: os.Open does not share delete
// access, so a rename over the file fails until the reader closes it.
func TestReplaceFileRetriesWhileHeldOpen(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "credentials")
	tmp := filepath.Join(dir, "new")
	writeFile(t, target, "old", 0o600)
	writeFile(t, tmp, "new", 0o600)
	reader, err := os.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(100 * time.Millisecond)
		reader.Close()
	}()
	err = replaceFile(tmp, target)
	<-released
	if err != nil {
		t.Fatalf("replaceFile gave up while a reader held the file: %v", err)
	}
	if got := readString(t, target); got != "new" {
		t.Errorf("target = %q", got)
	}
}

// TestReadWhileReplaced: a reader (the tray, a second awsmfa) opens the
// file while a writer renames a new one over it. On Windows the rename
// holds the file open for deletion for a moment, so a plain os.Open fails
// with a sharing violation; Load must not.
func TestReadWhileReplaced(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "credentials")
	writeFile(t, target, "[a]\nk = 0\n", 0o600)
	stop := make(chan struct{})
	writerErr := make(chan error, 1)
	go func() {
		for i := 1; ; i++ {
			select {
			case <-stop:
				writerErr <- nil
				return
			default:
			}
			if err := Update(target, setKey("a", "k", fmt.Sprint(i))); err != nil {
				writerErr <- err
				return
			}
		}
	}()
	for range 200 {
		if _, err := Load(target); err != nil {
			close(stop)
			<-writerErr
			t.Fatalf("Load while the file was being replaced: %v", err)
		}
	}
	close(stop)
	if err := <-writerErr; err != nil {
		t.Fatalf("writer: %v", err)
	}
}

// TestOpenSharesDelete: a rename in progress never stands in a reader's
// way. While another handle holds the file open for deletion, as a rename
// does for a moment, it still opens at once (os.Open's sharing violation
// would be waited out, then fail).
func TestOpenSharesDelete(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "credentials")
	writeFile(t, target, "[a]\nk = 1\n", 0o600)
	p, _ := windows.UTF16PtrFromString(target)
	h, err := windows.CreateFile(p, windows.DELETE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer windows.CloseHandle(h)
	old := renameTimeout
	renameTimeout = 0 // one attempt: nothing waited out
	defer func() { renameTimeout = old }()
	f, err := Load(target)
	if err != nil {
		t.Fatalf("Load while a handle holds the file for deletion: %v", err)
	}
	if v, _ := f.Get("a", "k"); v != "1" {
		t.Errorf("k = %q, want 1", v)
	}
}
