package inifile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// inCI: in CI a test that cannot run its case fails instead of skipping.
func skipOrFail(t *testing.T, format string, a ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, a...)
	}
	t.Skipf(format, a...)
}

func run(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		skipOrFail(t, "%s is not installed (scripts/setup-debian.sh installs it)", name)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// TestUpdateKeepsACLAndXattrs: the replacement carries the file's POSIX
// ACL and its extended attributes, and the owning group gains nothing
// through the mode (whose group bits hold the ACL's mask).
func TestUpdateKeepsACLAndXattrs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\nk = 1\n", 0o600)
	if out, err := run(t, "setfacl", "-m", "u:65534:r", path); err != nil {
		t.Skipf("this file system takes no ACLs: %s", out)
	}
	if out, err := run(t, "setfattr", "-n", "user.note", "-v", "keep me", path); err != nil {
		t.Skipf("this file system takes no user xattrs: %s", out)
	}
	acl := func() string {
		out, err := run(t, "getfacl", "-cp", path)
		if err != nil {
			t.Fatalf("getfacl: %v %s", err, out)
		}
		return out
	}
	before, beforeMode := acl(), mode(t, path)
	if err := Update(path, setKey("b", "k", "2")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); !strings.Contains(got, "[b]") {
		t.Fatalf("the edit was not written: %q", got)
	}
	if after := acl(); after != before {
		t.Errorf("ACL changed:\n%s\nwant\n%s", after, before)
	}
	if m := mode(t, path); m != beforeMode {
		t.Errorf("mode = %o; want %o", m, beforeMode)
	}
	if out, err := run(t, "getfattr", "--absolute-names", "--only-values", "-n", "user.note", path); err != nil || out != "keep me" {
		t.Errorf("user.note = %q, %v; want \"keep me\"", out, err)
	}

	// A folder's default ACL does not add an ACL the file never had.
	plain := filepath.Join(dir, "config")
	writeFile(t, plain, "[a]\n", 0o600)
	if out, err := run(t, "setfacl", "-d", "-m", "u:65534:rw", dir); err != nil {
		t.Fatalf("setfacl -d: %s", out)
	}
	if err := Update(plain, setKey("a", "k", "1")); err != nil {
		t.Fatal(err)
	}
	if out, _ := run(t, "getfacl", "-cp", plain); strings.Contains(out, "65534") {
		t.Errorf("the replacement gained the folder's default ACL:\n%s", out)
	}
	if m := mode(t, plain); m != 0o600 {
		t.Errorf("mode = %o; want 600", m)
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func owner(t *testing.T, path string) (int, int) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}

// TestUpdateAsRootKeepsOwner: root (sudo -E awsmfa) writing a user's file
// keeps its owner and group, gives a lock file it creates the same, and
// gives a new file and folder the owner of the folder they are made in.
func TestUpdateAsRootKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "needs root to own files as another user")
	}
	const uid, gid = 12345, 23456 // need not exist in /etc/passwd
	home := t.TempDir()
	aws := filepath.Join(home, ".aws")
	os.Mkdir(aws, 0o700)
	path := filepath.Join(aws, "credentials")
	writeFile(t, path, "[a]\nk = 1\n", 0o600)
	for _, p := range []string{home, aws, path} {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := Update(path, setKey("b", "k", "2")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + ".lock"} {
		if u, g := owner(t, p); u != uid || g != gid {
			t.Errorf("%s is owned by %d:%d; want %d:%d", filepath.Base(p), u, g, uid, gid)
		}
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode = %o; want 600", m)
	}
	// An existing lock file keeps its owner too.
	os.Chown(path+".lock", uid+1, gid+1)
	if err := Update(path, setKey("b", "k", "3")); err != nil {
		t.Fatal(err)
	}
	if u, _ := owner(t, path+".lock"); u != uid+1 {
		t.Errorf("the existing lock file changed owner to %d", u)
	}
	// New folder and file under the user's home.
	deep := filepath.Join(home, "sso", "cache", "token.json")
	if err := WriteFile(deep, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(home, "sso"), filepath.Dir(deep), deep, deep + ".lock"} {
		if u, g := owner(t, p); u != uid || g != gid {
			t.Errorf("new %s is owned by %d:%d; want the home's %d:%d", p, u, g, uid, gid)
		}
	}
}

// TestCheckImmutable: chattr +i on the file or its folder is found before
// anything is written, with a sentence that says how to lift it.
func TestCheckImmutable(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "chattr +i needs root (CAP_LINUX_IMMUTABLE)")
	}
	for _, which := range []string{"file", "folder"} {
		t.Run(which, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "credentials")
			writeFile(t, path, "[a]\n", 0o600)
			target := path
			if which == "folder" {
				target = dir
			}
			if out, err := run(t, "chattr", "+i", target); err != nil {
				t.Skipf("this file system has no immutable flag: %s", out)
			}
			t.Cleanup(func() { exec.Command("chattr", "-i", target).Run() })
			for name, op := range map[string]func() error{
				"Check":  func() error { return Check(path) },
				"Update": func() error { return Update(path, setKey("a", "k", "v")) },
			} {
				err := op()
				if !errors.Is(err, ErrNotWritable) || !strings.Contains(err.Error(), "chattr -i") {
					t.Errorf("%s: error = %v; want a sentence with chattr -i", name, err)
				}
			}
			if got := readString(t, path); got != "[a]\n" {
				t.Errorf("file changed: %q", got)
			}
		})
	}
}

// TestUpdateRefusesAnACLItCannotKeep: when the ACL cannot be set on the
// replacement, nothing is written (the old file, ACL and all, stays) and
// the sentence says why.
func TestUpdateRefusesAnACLItCannotKeep(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\nk = 1\n", 0o600)
	if out, err := run(t, "setfacl", "-m", "u:65534:r", path); err != nil {
		t.Skipf("this file system takes no ACLs: %s", out)
	}
	prev := fsetxattr
	fsetxattr = func(fd int, name string, val []byte, flags int) error {
		if name == aclAccess {
			return syscall.EOPNOTSUPP
		}
		return prev(fd, name, val, flags)
	}
	t.Cleanup(func() { fsetxattr = prev })
	err := Update(path, setKey("b", "k", "2"))
	if !errors.Is(err, ErrMetadata) || !strings.Contains(err.Error(), "access control list") || !strings.Contains(err.Error(), "wrote nothing") {
		t.Fatalf("error = %v; want a refusal naming the ACL", err)
	}
	if got := readString(t, path); got != "[a]\nk = 1\n" {
		t.Errorf("file changed: %q", got)
	}
	noTemps(t, dir, "credentials", "credentials.lock")
}
