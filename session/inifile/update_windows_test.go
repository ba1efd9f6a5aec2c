package inifile

import (
	"os"
	"path/filepath"
	"testing"
	"time"
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
