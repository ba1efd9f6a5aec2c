package inifile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
)

// within runs fn and fails the test if it has not returned by the
// deadline: a hostile file must never hang a read or a write.
func within(t *testing.T, what string, fn func() error) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		t.Fatalf("%s did not return: it hangs", what)
		return nil
	}
}

// TestHostileFiles: a FIFO, a device, a folder or a huge file at the path
// is refused by Load, Check, Begin and Update with one sentence, without
// blocking or reading it whole, and nothing is created next to it.
func TestHostileFiles(t *testing.T) {
	type layout struct {
		name string
		make func(t *testing.T, path string) // creates the hostile thing at path
		kind error
	}
	link := func(dest string) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			if _, err := os.Stat(dest); err != nil {
				t.Skipf("%s: %v", dest, err)
			}
			if err := os.Symlink(dest, path); err != nil {
				t.Skipf("cannot create symlinks here: %v", err)
			}
			wine.Skip(t, wine.Symlinks)
		}
	}
	layouts := []layout{
		{"folder", func(t *testing.T, path string) { os.Mkdir(path, 0o700) }, ErrNotRegular},
		{"huge file", func(t *testing.T, path string) {
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(MaxSize + 1); err != nil { // sparse: no disk used
				t.Skipf("cannot make a sparse file: %v", err)
			}
		}, ErrTooLarge},
	}
	if runtime.GOOS != "windows" {
		layouts = append(layouts,
			layout{"fifo", func(t *testing.T, path string) {
				if err := mkfifo(path); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
			}, ErrNotRegular},
			layout{"link to /dev/zero", link("/dev/zero"), ErrNotRegular},
			layout{"link to /dev/full", link("/dev/full"), ErrNotRegular},
		)
	}
	ops := []struct {
		name string
		run  func(path string) error
	}{
		{"Load", func(p string) error { _, err := Load(p); return err }},
		{"Check", Check},
		{"Begin", func(p string) error {
			tx, err := Begin(context.Background(), p)
			if err == nil {
				tx.Close()
			}
			return err
		}},
		{"Update", func(p string) error { return Update(p, setKey("a", "k", "v")) }},
	}
	for _, l := range layouts {
		for _, op := range ops {
			t.Run(l.name+"/"+op.name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "credentials")
				l.make(t, path)
				err := within(t, op.name, func() error { return op.run(path) })
				var e *Error
				if !errors.Is(err, l.kind) || !errors.As(err, &e) {
					t.Fatalf("error = %v; want %v as an *Error", err, l.kind)
				}
				if msg := err.Error(); strings.Contains(msg, ": read ") || strings.Contains(msg, "\n") {
					t.Errorf("not one plain sentence: %q", msg)
				}
				noTemps(t, dir, "credentials")
			})
		}
	}
}

// TestLoadDevNull: AWS_SHARED_CREDENTIALS_FILE=/dev/null reads as empty,
// as the SDKs read it.
func TestLoadDevNull(t *testing.T) {
	f, err := Load(os.DevNull)
	if err != nil || len(f.Bytes()) != 0 {
		t.Errorf("Load(%s) = %q, %v", os.DevNull, f.Bytes(), err)
	}
}

// TestSymlinkLayouts: links are followed the way the kernel follows them,
// through linked folders, relative to each link's real folder, along
// chains, and to targets (and folders) that do not exist yet; the write
// lands in the real file and every link stays a link.
func TestSymlinkLayouts(t *testing.T) {
	type link struct{ at, to string } // relative to the test's home
	tests := []struct {
		name   string
		dirs   []string
		links  []link
		file   string // the real file, created with content unless dangling
		dangle bool
	}{
		{
			name:  "relative .. under a linked folder (issue 9)",
			dirs:  []string{"data/aws", "data/shared"},
			links: []link{{".aws", "data/aws"}, {"data/aws/credentials", "../shared/creds"}},
			file:  "data/shared/creds",
		},
		{
			name:  "chain of relative links through linked folders",
			dirs:  []string{"a/b", "c/d", "store"},
			links: []link{{".aws", "a/b"}, {"a/b/credentials", "../../c/d/mid"}, {"c/d/mid", "../../store/creds"}},
			file:  "store/creds",
		},
		{
			name:  "absolute link into a linked folder",
			dirs:  []string{"real", ".aws"},
			links: []link{{"alias", "real"}, {".aws/credentials", "@/alias/creds"}},
			file:  "real/creds",
		},
		{
			name:   "dangling link under a linked folder",
			dirs:   []string{"data/aws", "data/shared"},
			links:  []link{{".aws", "data/aws"}, {"data/aws/credentials", "../shared/creds"}},
			file:   "data/shared/creds",
			dangle: true,
		},
		{
			name:   "dangling link into folders that do not exist yet",
			dirs:   []string{"data/aws"},
			links:  []link{{".aws", "data/aws"}, {"data/aws/credentials", "../new/deep/creds"}},
			file:   "data/new/deep/creds",
			dangle: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			abs := func(p string) string { return filepath.Join(home, filepath.FromSlash(p)) }
			for _, d := range tt.dirs {
				if err := os.MkdirAll(abs(d), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			for _, l := range tt.links {
				to := filepath.FromSlash(l.to)
				if strings.HasPrefix(l.to, "@/") {
					to = abs(l.to[2:])
				}
				if err := os.Symlink(to, abs(l.at)); err != nil {
					t.Skipf("cannot create symlinks here: %v", err)
				}
				wine.Skip(t, wine.Symlinks)
			}
			if !tt.dangle {
				writeFile(t, abs(tt.file), "# mine\n[a]\nk = 1\n", 0o640)
			}
			path := abs(".aws/credentials")
			got, err := resolveSymlinks(path)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := filepath.EvalSymlinks(filepath.Dir(abs(tt.file))); !tt.dangle && got != filepath.Join(want, filepath.Base(tt.file)) {
				t.Errorf("resolved to %s; want %s", got, filepath.Join(want, filepath.Base(tt.file)))
			}
			if err := Update(path, setKey("b", "k", "2")); err != nil {
				t.Fatal(err)
			}
			want := "# mine\n[a]\nk = 1\n\n[b]\nk = 2\n"
			if tt.dangle {
				want = "[b]\nk = 2\n"
			}
			if data, err := os.ReadFile(abs(tt.file)); err != nil || string(data) != want {
				t.Errorf("real file = %q, %v; want %q", data, err, want)
			}
			for _, l := range tt.links {
				if fi, err := os.Lstat(abs(l.at)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Errorf("%s is no longer a link", l.at)
				}
			}
			// Nothing was written anywhere the lexical reading points to.
			if _, err := os.Stat(abs("shared/creds")); err == nil {
				t.Errorf("a file was created at the lexical target ~/shared/creds")
			}
			if f, err := Load(path); err != nil {
				t.Error(err)
			} else if v, _ := f.Get("b", "k"); v != "2" {
				t.Errorf("Load through the links: b.k = %q", v)
			}
		})
	}
}

func TestSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.Symlink(b, a); err != nil {
		t.Skipf("cannot create symlinks here: %v", err)
	}
	wine.Skip(t, wine.Symlinks)
	os.Symlink(a, b)
	for _, op := range []func() error{
		func() error { _, err := Load(a); return err },
		func() error { return Update(a, setKey("x", "k", "v")) },
	} {
		if err := within(t, "a loop", op); err == nil || !strings.Contains(err.Error(), "too many levels of symbolic links") {
			t.Errorf("error = %v; want a sentence about a loop", err)
		}
	}
}

// TestIdentityBeforeRename: a symlink put in place of the file between
// our read and our rename is never replaced by a regular file, even when
// it points at a file with the very same content.
func TestIdentityBeforeRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	other := filepath.Join(dir, "elsewhere")
	writeFile(t, path, tornOrig, 0o600)
	writeFile(t, other, tornOrig, 0o600)
	hook(t, &beforeRename, func(target string) {
		tmp := filepath.Join(dir, "newlink")
		if err := os.Symlink(other, tmp); err != nil {
			t.Skipf("cannot create symlinks here: %v", err)
		}
		wine.Skip(t, wine.Symlinks)
		if err := os.Rename(tmp, target); err != nil {
			t.Fatal(err)
		}
	})
	err := Update(path, setKey("alice", "aws_session_token", "SESSION"))
	if !errors.Is(err, ErrReplaced) {
		t.Fatalf("error = %v; want ErrReplaced", err)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v", err)
	}
	if got := readString(t, other); got != tornOrig {
		t.Errorf("the link's target changed: %q", got)
	}
	noTemps(t, dir, "credentials", "credentials.lock", "elsewhere")
}
