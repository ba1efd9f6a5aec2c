package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestBinaryHostileCredentialsPath: a FIFO, /dev/zero, /dev/full, a folder
// or a huge file where the credentials file should be: every command ends
// at once with one sentence (a FIFO used to hang past SIGTERM, a device to
// exhaust memory), STS is never called, and nothing is created.
func TestBinaryHostileCredentialsPath(t *testing.T) {
	layouts := []struct {
		name string
		make func(t *testing.T, dir string) string // returns the path to use
		say  string
	}{
		{"fifo", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "credentials")
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}, "is a named pipe, not a file"},
		{"/dev/zero", func(*testing.T, string) string { return "/dev/zero" }, "is a device, not a file"},
		{"/dev/full", func(*testing.T, string) string { return "/dev/full" }, "is a device, not a file"},
		{"link to /dev/zero", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "credentials")
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Fatal(err)
			}
			return p
		}, "/dev/zero is a device"},
		{"folder", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "credentials")
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			return p
		}, "is a folder, not a file"},
		{"huge file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "credentials")
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(65 << 20); err != nil { // sparse
				t.Fatal(err)
			}
			return p
		}, "is larger than 64 MiB"},
	}
	commands := [][]string{
		{"--profile", "alice", "login", "--token-code", "123456"},
		{"status"},
		{"--profile", "alice", "logout"},
		{"logout", "--all"},
	}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "alice")
			dir := t.TempDir()
			path := l.make(t, dir)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", path)
			for _, args := range commands {
				r := runWithin(t, binCmd(t, nil, args...), 20*time.Second)
				if r.code != 1 {
					t.Errorf("%v: exit %d, want 1; stdout %q stderr %q", args, r.code, r.stdout, r.stderr)
					continue
				}
				oneSentence(t, r.stderr, l.say)
			}
			if n := getSessionTokenCalls(e); n != 0 {
				t.Errorf("STS saw %d calls", n)
			}
			entries, _ := os.ReadDir(dir)
			for _, en := range entries {
				if en.Name() != "credentials" {
					t.Errorf("left next to it: %s", en.Name())
				}
			}
		})
	}
}

// TestBinaryRelativeLinkUnderLinkedFolder is issue 9's layout: ~/.aws ->
// data/aws and data/aws/credentials -> ../shared/creds. The kernel reads
// ~/data/shared/creds; login must write there (through both links), not
// create ~/shared/creds and leave the real file unchanged.
func TestBinaryRelativeLinkUnderLinkedFolder(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "alice")
	home := e.dir
	real := filepath.Join(home, "data", "shared", "creds")
	for _, d := range []string{filepath.Join(home, "data", "aws"), filepath.Dir(real)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(e.creds, real); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../shared/creds", filepath.Join(home, "data", "aws", "credentials")); err != nil {
		t.Fatal(err)
	}
	dotaws := filepath.Join(home, ".aws")
	if err := os.Symlink("data/aws", dotaws); err != nil {
		t.Fatal(err)
	}
	e.creds = filepath.Join(dotaws, "credentials")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.creds)
	r := runWithin(t, binCmd(t, nil, "--profile", "alice", "login", "--token-code", e.code(t, "alice")), 30*time.Second)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	assertSessionWritten(t, e, "alice") // read through the links, as every AWS tool reads it
	if _, err := os.Stat(filepath.Join(home, "shared")); err == nil {
		t.Errorf("login created ~/shared, the lexical reading of the link")
	}
	for _, l := range []string{dotaws, filepath.Join(home, "data", "aws", "credentials")} {
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink", l)
		}
	}
	if _, err := os.Stat(real + ".lock"); err != nil {
		t.Errorf("the lock is not beside the real file: %v", err)
	}
}
