package inifile

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
)

func writeFile(t *testing.T, path, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask
		t.Fatal(err)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func setKey(section, key, value string) func(*File) error {
	return func(f *File) error { return f.Set(section, key, value) }
}

// noTemps fails if anything but the expected names is left in dir.
func noTemps(t *testing.T, dir string, allowed ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		ok := false
		for _, a := range allowed {
			ok = ok || e.Name() == a
		}
		if !ok {
			t.Errorf("unexpected file left in %s: %s", dir, e.Name())
		}
	}
}

func TestUpdateModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permission bits")
	}
	tests := []struct {
		name     string
		existing fs.FileMode // 0 = no file yet
		nested   bool        // parent folder missing
		want     fs.FileMode
	}{
		{"existing 0640 keeps 0640", 0o640, false, 0o640},
		{"existing 0600 keeps 0600", 0o600, false, 0o600},
		{"existing 0644 keeps 0644", 0o644, false, 0o644},
		{"new file is 0600", 0, false, 0o600},
		{"new folder is 0700", 0, true, 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			parent := dir
			if tt.nested {
				parent = filepath.Join(dir, "home", ".aws")
			}
			path := filepath.Join(parent, "credentials")
			if tt.existing != 0 {
				writeFile(t, path, "[a]\nk = 1\n", tt.existing)
			}
			if err := Update(path, setKey("b", "k", "2")); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != tt.want {
				t.Errorf("mode = %o; want %o", got, tt.want)
			}
			if tt.nested {
				for _, d := range []string{filepath.Join(dir, "home"), parent} {
					fi, err := os.Stat(d)
					if err != nil {
						t.Fatal(err)
					}
					if got := fi.Mode().Perm(); got != 0o700 {
						t.Errorf("%s mode = %o; want 700", d, got)
					}
				}
			}
			if got, _ := Parse([]byte(readString(t, path))).Get("b", "k"); got != "2" {
				t.Errorf("b.k = %q", got)
			}
			noTemps(t, parent, "credentials", "credentials.lock")
		})
	}
}

func TestUpdateSymlink(t *testing.T) {
	tests := []struct {
		name     string
		relative bool
		dangling bool // the link's target does not exist yet
		deep     bool // nor does the target's folder
	}{
		{"absolute link", false, false, false},
		{"relative link", true, false, false},
		{"dangling link", false, true, false},
		{"dangling relative link into missing folder", true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			realDir := filepath.Join(dir, "dotfiles")
			if tt.deep {
				realDir = filepath.Join(realDir, "aws")
			} else if err := os.Mkdir(realDir, 0o700); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(realDir, "credentials")
			if !tt.dangling {
				writeFile(t, target, "# mine\n[a]\nk = 1\n", 0o640)
			}
			awsDir := filepath.Join(dir, ".aws")
			if err := os.Mkdir(awsDir, 0o700); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(awsDir, "credentials")
			dest := target
			if tt.relative {
				rel, err := filepath.Rel(awsDir, target)
				if err != nil {
					t.Fatal(err)
				}
				dest = rel
			}
			if err := os.Symlink(dest, link); err != nil {
				t.Skipf("cannot create symlinks here: %v", err)
			}
			wine.Skip(t, wine.Symlinks)
			if err := Update(link, setKey("b", "k", "2")); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(link)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode()&fs.ModeSymlink == 0 {
				t.Fatal("the symlink was replaced by a plain file")
			}
			if got, _ := os.Readlink(link); got != dest {
				t.Errorf("link now points to %q; want %q", got, dest)
			}
			want := "# mine\n[a]\nk = 1\n\n[b]\nk = 2\n"
			wantMode := fs.FileMode(0o640)
			if tt.dangling {
				want, wantMode = "[b]\nk = 2\n", 0o600
			}
			if got := readString(t, target); got != want {
				t.Errorf("target = %q; want %q", got, want)
			}
			if st, err := os.Stat(target); err != nil {
				t.Fatal(err)
			} else if runtime.GOOS != "windows" && st.Mode().Perm() != wantMode {
				t.Errorf("target mode = %o; want %o", st.Mode().Perm(), wantMode)
			}
			f, err := Load(link)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := f.Get("b", "k"); got != "2" {
				t.Errorf("Load through the link: b.k = %q", got)
			}
			noTemps(t, awsDir, "credentials")
			noTemps(t, realDir, "credentials", "credentials.lock")
		})
	}
}

func TestUpdateEditErrorWritesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	const content = "[a]\nk = 1\n"
	writeFile(t, path, content, 0o600)
	before, _ := os.Stat(path)
	errEdit := errors.New("refusing: long-term keys")
	err := Update(path, func(f *File) error {
		if err := f.Set("a", "k", "2"); err != nil {
			return err
		}
		return errEdit
	})
	if err != errEdit {
		t.Fatalf("Update error = %v; want the edit's own error, unchanged", err)
	}
	if got := readString(t, path); got != content {
		t.Errorf("file changed: %q", got)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) {
		t.Error("file was replaced")
	}
	noTemps(t, dir, "credentials", "credentials.lock")
}

func TestUpdateUnchangedWritesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\nk = 1\n", 0o600)
	before, _ := os.Stat(path)
	if err := Update(path, setKey("a", "k", "1")); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) {
		t.Error("an edit that changed nothing replaced the file")
	}
	missing := filepath.Join(dir, "config")
	if err := Update(missing, func(f *File) error { _, err := f.Delete("a", "k"); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a no-op edit created the file: %v", err)
	}
}

func TestUpdateErrorAfterTempLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\nk = 1\n", 0o600)
	// Just before the rename, something turns the target into a folder:
	// the re-read fails and the temp file must go.
	hook(t, &beforeRename, func(target string) {
		os.Remove(target)
		os.Mkdir(target, 0o700)
	})
	if err := Update(path, setKey("a", "k", "2")); err == nil {
		t.Fatal("Update succeeded over a folder")
	}
	noTemps(t, dir, "credentials", "credentials.lock")
}

func TestUpdateRedoesWhenFileChangedMeanwhile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\nk = 1\n", 0o600)
	edits := 0
	hook(t, &beforeRename, func(target string) {
		if edits == 1 { // the AWS CLI writes, without a lock, during our first try
			f, err := os.OpenFile(target, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Error(err)
				return
			}
			f.WriteString("\n[cli]\nregion = eu-west-1\n")
			f.Close()
		}
	})
	err := Update(path, func(f *File) error {
		edits++
		return f.Set("b", "k", "2")
	})
	if err != nil {
		t.Fatal(err)
	}
	if edits != 2 {
		t.Errorf("edit ran %d times; want 2", edits)
	}
	f := Parse([]byte(readString(t, path)))
	for _, c := range [][3]string{{"a", "k", "1"}, {"cli", "region", "eu-west-1"}, {"b", "k", "2"}} {
		if got, _ := f.Get(c[0], c[1]); got != c[2] {
			t.Errorf("%s.%s = %q; want %q (a concurrent write was lost)", c[0], c[1], got, c[2])
		}
	}
	noTemps(t, dir, "credentials", "credentials.lock")
}

func TestUpdateGivesUpWhenFileKeepsChanging(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\n", 0o600)
	n := 0
	hook(t, &beforeRename, func(target string) {
		n++
		os.WriteFile(target, []byte("[a]\n"+strings.Repeat("#\n", n)), 0o600)
	})
	err := Update(path, setKey("b", "k", "2"))
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("error = %v; want ErrConflict", err)
	}
	if n != maxAttempts {
		t.Errorf("tried %d times; want %d", n, maxAttempts)
	}
	noTemps(t, dir, "credentials", "credentials.lock")
}

// TestUpdateRemovesStaleTemps: under the lock every temp file of the
// target is a dead writer's, whatever its age; other files' stay.
func TestUpdateRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\n", 0o600)
	stale := filepath.Join(dir, ".credentials.awsmfa-123.tmp")
	fresh := filepath.Join(dir, ".credentials.awsmfa-456.tmp")
	other := filepath.Join(dir, ".config.awsmfa-789.tmp")
	for _, p := range []string{stale, fresh, other} {
		writeFile(t, p, "secret", 0o600)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if err := Update(path, setKey("a", "k", "1")); err != nil {
		t.Fatal(err)
	}
	noTemps(t, dir, "credentials", "credentials.lock", filepath.Base(other))
}

// TestLoadSweepsTempsOnlyWithoutWriter: a reader removes leftover temp
// files only when it can take the lock, so a live writer's survives.
func TestLoadSweepsTempsOnlyWithoutWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\n", 0o600)
	live := filepath.Join(dir, ".credentials.awsmfa-1.tmp")
	writeFile(t, live, "secret", 0o600)
	tx, err := Begin(context.Background(), path) // a writer is alive: it holds the lock
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, live, "secret", 0o600) // its temp file, made after Begin swept
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a reader removed a live writer's temp file: %v", err)
	}
	tx.Close()
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	noTemps(t, dir, "credentials", "credentials.lock")
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	f, err := Load(filepath.Join(dir, "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("error = %v; want fs.ErrNotExist", err)
	}
	if f == nil || len(f.Bytes()) != 0 {
		t.Fatalf("missing file gives %v; want an empty File", f)
	}
	if err := f.Set("a", "k", "v"); err != nil {
		t.Fatalf("the empty File is not usable: %v", err)
	}
	path := filepath.Join(dir, "config")
	writeFile(t, path, "[profile a]\nregion = eu-west-1\n", 0o600)
	f, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Get("profile a", "region"); got != "eu-west-1" {
		t.Errorf("region = %q", got)
	}
}

func TestUpdateWritesWhatIniV1Reads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	in, err := os.ReadFile(filepath.Join("testdata", "golden", "comments.in"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(in), 0o600)
	ops := login("myaccount")
	if err := Update(path, func(f *File) error { applyOps(t, f, ops); return nil }); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "golden", "comments.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("Update wrote something else than the golden file")
	}
	checkReads(t, out, ops)
}

func TestUpdateRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "credentials")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(folder, link); err != nil {
		t.Skipf("cannot create symlinks here: %v", err)
	}
	wine.Skip(t, wine.Symlinks)
	for _, p := range []string{folder, link, os.DevNull} {
		if runtime.GOOS == "windows" && p == os.DevNull {
			continue
		}
		err := Update(p, setKey("a", "k", "v"))
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "not a file") {
			t.Errorf("Update(%s) error = %v; want a refusal", p, err)
		}
	}
	noTemps(t, dir, "credentials", "link")
	// On Windows NUL.lock names the NUL device too.
	if _, err := os.Stat(os.DevNull + ".lock"); runtime.GOOS != "windows" && err == nil {
		t.Errorf("a lock file was created next to %s", os.DevNull)
	}
}
