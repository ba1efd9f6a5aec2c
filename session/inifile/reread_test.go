package inifile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHolds: the re-read before the rename must notice any change, also
// one that keeps the size (the AWS CLI rewriting a token of equal length)
// and one past the first read chunk.
func TestHolds(t *testing.T) {
	big := bytes.Repeat([]byte("[p]\naws_session_token = TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT\n"), 4000) // > 64 KiB
	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 1
		return c
	}
	tests := []struct {
		name       string
		orig, disk []byte // disk nil: no file
		want       bool
	}{
		{"same small", []byte("[a]\nk = 1\n"), []byte("[a]\nk = 1\n"), true},
		{"same big", big, bytes.Clone(big), true},
		{"same size, first byte", big, flip(big, 0), false},
		{"same size, last byte", big, flip(big, len(big)-1), false},
		{"same size, after the first chunk", big, flip(big, 64<<10), false},
		{"same size, at the end of the first chunk", big, flip(big, 64<<10-1), false},
		{"grew", []byte("[a]\n"), []byte("[a]\n\n"), false},
		{"shrank", []byte("[a]\n"), []byte("[a]"), false},
		{"emptied", []byte("[a]\n"), []byte{}, false},
		{"removed", []byte("[a]\n"), nil, false},
		{"still missing", nil, nil, true},
		{"created empty", nil, []byte{}, true},
		{"created", nil, []byte("[b]\n"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			if tt.disk != nil {
				if err := os.WriteFile(path, tt.disk, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := holds(path, tt.orig)
			if err != nil || got != tt.want {
				t.Errorf("holds = %v, %v; want %v, nil", got, err, tt.want)
			}
		})
	}
}

// TestUpdateRedoesAfterSameSizeRewrite: another writer replaces a value by
// one of the same length between our read and our rename.
func TestUpdateRedoesAfterSameSizeRewrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\nk = 1\n[cli]\nregion = eu-west-1\n", 0o600)
	edits := 0
	beforeRename = func(target string) {
		if edits == 1 {
			if err := os.WriteFile(target, []byte("[a]\nk = 1\n[cli]\nregion = eu-west-2\n"), 0o600); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(func() { beforeRename = nil })
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
