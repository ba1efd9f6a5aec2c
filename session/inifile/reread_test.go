package inifile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpdateRedoesAfterSameSizeRewrite: another writer replaces a value by
// one of the same length between our read and our rename.
func TestUpdateRedoesAfterSameSizeRewrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\nk = 1\n[cli]\nregion = eu-west-1\n", 0o600)
	edits := 0
	hook(t, &beforeRename, func(target string) {
		if edits == 1 {
			if err := os.WriteFile(target, []byte("[a]\nk = 1\n[cli]\nregion = eu-west-2\n"), 0o600); err != nil {
				t.Error(err)
			}
		}
	})
	err := Update(path, func(f *File) error {
		edits++
		return f.Set("a", "k", "2")
	})
	if err != nil {
		t.Fatal(err)
	}
	if edits != 2 {
		t.Errorf("edit ran %d times; want 2", edits)
	}
	if got, want := readString(t, path), "[a]\nk = 2\n[cli]\nregion = eu-west-2\n"; got != want {
		t.Errorf("file = %q; want %q (the other writer's change was lost)", got, want)
	}
	noTemps(t, dir, "credentials", "credentials.lock")
}

// TestLoadedFileOutlivesBuffer: Load and Update parse the bytes they read
// without copying them; the File must still read the same after later
// reads and writes of the same path.
func TestLoadedFileOutlivesBuffer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, "[a]\nk = 1\n", 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := Update(path, setKey("a", "k", strings.Repeat("x", i+1))); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := f.Get("a", "k"); got != "1" || string(f.Bytes()) != "[a]\nk = 1\n" {
		t.Errorf("loaded File changed: Get = %q, Bytes = %q", got, f.Bytes())
	}
}
